import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import type { Logger } from "../logging/logger";
import { EvaluatorService } from "./evaluator-service";
import { RiskScheduler } from "./risk-scheduler";
import { SimulatorRunner } from "./simulator-runner";

/**
 * The live-risk parts of a worker process: the partition evaluators, the scheduler of clocks, and
 * (unless `RISK_SIMULATOR=off`) the market simulator running at `RISK_SIMULATOR_SPEED` (default 60).
 * The simulator must run in the process that handles the `challenges` queue, since simulator
 * accounts are provisioned and acted on by those jobs.
 */
export interface RiskWorkerOptions {
  log: Logger;
  simulator?: boolean;
  speed?: number;
  checkpointMs?: number;
}

export function riskWorkerOptionsFromEnv(log: Logger): RiskWorkerOptions {
  const sim = process.env.RISK_SIMULATOR ?? "on";
  if (!["on", "off"].includes(sim)) throw new AppError("VALIDATION", 'RISK_SIMULATOR must be "on" or "off".');
  const speed = Number(process.env.RISK_SIMULATOR_SPEED ?? 60);
  if (!(speed > 0 && speed <= 100_000))
    throw new AppError("VALIDATION", "RISK_SIMULATOR_SPEED must be a number from 1 to 100000.");
  const checkpointMs = Number(process.env.RISK_CHECKPOINT_MS ?? 1000);
  if (!(checkpointMs >= 50 && checkpointMs <= 60_000))
    throw new AppError("VALIDATION", "RISK_CHECKPOINT_MS must be from 50 to 60000.");
  return { log, simulator: sim === "on", speed, checkpointMs };
}

export async function startRiskWorker(opts: RiskWorkerOptions) {
  const runner = opts.simulator ? new SimulatorRunner({ log: opts.log, speed: opts.speed }) : null;
  if (runner) await runner.start();
  const evaluators = new EvaluatorService({ log: opts.log, checkpointMs: opts.checkpointMs });
  await evaluators.start();
  const scheduler = new RiskScheduler({ log: opts.log });
  scheduler.start();
  opts.log.info(
    { simulator: runner ? `speed ${opts.speed}` : "off", checkpointMs: opts.checkpointMs },
    "live risk started",
  );
  return {
    evaluators,
    runner,
    async stop() {
      await scheduler.stop();
      await runner?.stop();
      await evaluators.stop();
      await closeSqlLayer();
    },
  };
}
