import { dataLayer } from "@propdesk/db";
import { applyChallengeEffects } from "@propdesk/services/challenges";
import { env } from "@propdesk/services/env";
import { closeQueues, startJobWorker } from "@propdesk/services/jobs";
import { createLogger } from "@propdesk/services/logging";
import { closeRedis } from "@propdesk/services/redis";
import { riskWorkerOptionsFromEnv, startRiskWorker } from "@propdesk/services/risk";

/**
 * The live-risk process, started and supervised by the worker (apps/worker/src/main.ts): the
 * partition evaluators, the clock scheduler, the market simulator, and the `challenges` queue whose
 * jobs act on trading platforms (they must run where the simulator lives). Apart from the rest of
 * the worker's jobs, so that no payout run or reconciliation ever delays a breach.
 */
const config = env();
const log = createLogger("risk", config.LOG_LEVEL);

const risk = await startRiskWorker(riskWorkerOptionsFromEnv(log));
const challengesWorker = startJobWorker(applyChallengeEffects.queue, log);
process.send?.({ type: "ready" });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "risk process shutting down");
  const force = setTimeout(() => process.exit(1), 25_000);
  force.unref();
  await challengesWorker.close();
  await risk.stop();
  await Promise.allSettled([closeQueues(), dataLayer().close(), closeRedis()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
// The worker that started this process is gone: stop too.
process.on("disconnect", () => void shutdown("parent exited"));
