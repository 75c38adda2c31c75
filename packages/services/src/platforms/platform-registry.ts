import { AppError } from "@propdesk/domain";
import { BridgePlatform, tenantBridgeConfig } from "./bridge/bridge-platform";
import { RecordedPlatform } from "./recorded-platform";
import type { SimulatorPlatform } from "./simulator/simulator-platform";
import type { TradingPlatform } from "./trading-platform";

/**
 * Which adapter serves a tenant's accounts on a platform:
 *
 * - `simulator`: ONE market simulator per process that runs it (the worker installs it with
 *   `installSimulator` and advances its clock; tests install their own). Its accounts belong to all
 *   tenants; each call is still recorded under the calling tenant. Calling it in a process without
 *   an installed simulator (the web server) is an error: run such actions from a job.
 * - `bridge`: per tenant, the firm's connector reached through its signed outbound webhook.
 *
 * Every action goes through `RecordedPlatform`: written to `platform_actions` with its result and
 * performed once per idempotency key.
 */
let simulator: SimulatorPlatform | null = null;

export function installSimulator(platform: SimulatorPlatform | null): void {
  simulator = platform;
}

export function installedSimulator(): SimulatorPlatform | null {
  return simulator;
}

export function tradingPlatformFor(tenantId: string, platform: "simulator" | "bridge"): TradingPlatform {
  if (platform === "simulator") {
    if (!simulator)
      throw new AppError(
        "PRECONDITION_FAILED",
        "The market simulator runs in the worker process; call simulator actions from a job there.",
      );
    return new RecordedPlatform(tenantId, "simulator", simulator);
  }
  if (platform === "bridge")
    return new RecordedPlatform(tenantId, "bridge", new BridgePlatform(tenantBridgeConfig(tenantId)));
  throw new AppError("VALIDATION", `Unknown trading platform "${String(platform)}".`, {
    issues: [{ path: "platform", message: 'must be "simulator" or "bridge"' }],
  });
}

/** The platform's clock: simulated time for the simulator, wall time for a real platform. */
export function platformNow(platform: "simulator" | "bridge"): number {
  if (platform === "simulator" && simulator) return simulator.now;
  return Date.now();
}
