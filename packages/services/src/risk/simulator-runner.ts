import { gunzipSync, gzipSync } from "node:zlib";
import { dataLayer, riskPipeline, simulator as simulatorRepo } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { ingestPlatformUpdates } from "../ingest/ingest-updates";
import type { Logger } from "../logging/logger";
import { installSimulator } from "../platforms/platform-registry";
import type { PlatformUpdate } from "../platforms/platform-update";
import {
  DEMO_SPEED,
  type PacedClock,
  resumePacedClock,
  simulatedTimeAt,
} from "../platforms/simulator/paced-clock";
import {
  createSimulatorPlatform,
  SimulatorPlatform,
  type SimulatorPlatformSnapshot,
} from "../platforms/simulator/simulator-platform";
import { redis, redisKey } from "../redis/redis";

/**
 * Runs the process-wide market simulator live: its clock follows the wall clock at `speed`
 * (60: one simulated minute per second, so passes, breaches and pauses show within minutes), and
 * every update it emits is stored through the same durable ingest as a bridge's, routed to the
 * tenant that owns the simulated account. The simulator is snapshotted to the database every
 * `snapshotMs` and on stop, and resumed from there after a restart. Its clock is published in
 * Redis so the web process can show countdowns in simulated time.
 */
export interface SimulatorRunnerOptions {
  log: Logger;
  speed?: number;
  seed?: number | string;
  tickMs?: number;
  snapshotMs?: number;
  snapshotId?: string;
}

export interface SimulatorClock {
  simNow: number;
  wallNow: number;
  speed: number;
}

export const simulatorClockKey = () => redisKey("risk", "simulator-clock");

/** The simulator's clock as the worker last published it (null when no simulator runs). */
export async function readSimulatorClock(): Promise<SimulatorClock | null> {
  const raw = await redis().get(simulatorClockKey());
  return raw ? (JSON.parse(raw) as SimulatorClock) : null;
}

export class SimulatorRunner {
  private platform: SimulatorPlatform | undefined;
  private clock: PacedClock | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | null = null;
  private lastSnapshot = 0;
  /** Updates for accounts not yet committed by their provisioning (held up to a minute). */
  private held: Array<{ at: number; update: PlatformUpdate }> = [];
  private readonly owners = new Map<string, string>();
  readonly stats = { updates: 0, dropped: 0, ticks: 0 };

  constructor(private readonly opts: SimulatorRunnerOptions) {}

  get simulator(): SimulatorPlatform | undefined {
    return this.platform;
  }

  async start(): Promise<SimulatorPlatform> {
    const id = this.opts.snapshotId ?? "default";
    const saved = await dataLayer().withPlatform((db) => simulatorRepo.loadSimulatorSnapshot(db, id));
    let platform: SimulatorPlatform | undefined;
    if (saved) {
      try {
        const snap = JSON.parse(gunzipSync(saved.snapshot).toString("utf8")) as SimulatorPlatformSnapshot;
        platform = SimulatorPlatform.restore(snap);
        this.opts.log.info(
          { accounts: saved.accounts, simNow: new Date(platform.now).toISOString() },
          "simulator resumed",
        );
      } catch (e) {
        this.opts.log.warn(
          { err: (e as Error).message },
          "simulator snapshot unusable; starting a new market",
        );
      }
    }
    platform ??= createSimulatorPlatform({
      seed: this.opts.seed ?? 2026,
      startTime: Math.floor(Date.now() / 60_000) * 60_000,
    });
    this.platform = platform;
    installSimulator(platform);
    this.clock = resumePacedClock(platform.now, Date.now(), this.opts.speed ?? DEMO_SPEED);
    this.timer = setInterval(() => {
      if (!this.busy)
        this.busy = this.tick()
          .catch((e) => this.opts.log.warn({ err: (e as Error).message }, "simulator tick failed"))
          .finally(() => {
            this.busy = null;
          });
    }, this.opts.tickMs ?? 1_000);
    this.timer.unref();
    return platform;
  }

  /** Advances the market to now and stores what it emitted. */
  async tick(): Promise<void> {
    const platform = this.platform!;
    const target = simulatedTimeAt(this.clock!, Date.now());
    // Bounded catch-up after a pause; the clock re-anchors where the simulation actually is.
    const updates = platform.advanceTo(Math.max(platform.now, target), { maxUpdates: 50_000 });
    if (platform.now < target) this.clock = resumePacedClock(platform.now, Date.now(), this.clock!.speed);
    this.stats.ticks++;
    const now = Date.now();
    const pending = [...this.held, ...updates.map((update) => ({ at: now, update }))];
    this.held = [];
    const unknown = [...new Set(pending.map((p) => p.update.account).filter((a) => !this.owners.has(a)))];
    if (unknown.length > 0)
      for (const r of await sqlLayer().withPlatform((sql) =>
        riskPipeline.findSimulatorAccountTenants(sql, unknown),
      ))
        this.owners.set(r.platformAccountId, r.tenantId);
    const byTenant = new Map<string, Array<{ index: number; update: PlatformUpdate }>>();
    for (const p of pending) {
      const tenantId = this.owners.get(p.update.account);
      if (!tenantId) {
        if (now - p.at < 60_000) this.held.push(p);
        else this.stats.dropped++;
        continue;
      }
      const list = byTenant.get(tenantId) ?? [];
      list.push({ index: list.length, update: p.update });
      byTenant.set(tenantId, list);
    }
    for (const [tenantId, list] of byTenant) {
      for (let i = 0; i < list.length; i += 5_000) {
        const r = await ingestPlatformUpdates(tenantId, "simulator", list.slice(i, i + 5_000), {
          receivedAtMs: Date.now(),
        });
        this.stats.updates += r.accepted;
      }
    }
    await redis()
      .set(
        simulatorClockKey(),
        JSON.stringify({ simNow: platform.now, wallNow: Date.now(), speed: this.clock!.speed }),
        "EX",
        60,
      )
      .catch(() => {});
    if (Date.now() - this.lastSnapshot >= (this.opts.snapshotMs ?? 30_000)) await this.snapshot();
  }

  async snapshot(): Promise<void> {
    const platform = this.platform;
    if (!platform) return;
    const snap = platform.snapshot();
    const bytes = gzipSync(JSON.stringify(snap));
    await dataLayer().withPlatform((db) =>
      simulatorRepo.saveSimulatorSnapshot(db, this.opts.snapshotId ?? "default", {
        snapshot: new Uint8Array(bytes),
        accounts: snap.simulation.accountIds.length,
        simNowMs: platform.now,
      }),
    );
    this.lastSnapshot = Date.now();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    await this.snapshot().catch((e) =>
      this.opts.log.warn({ err: (e as Error).message }, "simulator snapshot failed"),
    );
  }
}
