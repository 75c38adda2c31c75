/**
 * Diagnostics for bench:risk (BENCH_WORKER=evaluator): only the live-risk evaluators, without the
 * outbox relay and the job queues, to profile evaluation alone.
 */

import http from "node:http";
import { createLogger } from "@propdesk/services/logging";
import { startRiskWorker } from "@propdesk/services/risk";

const log = createLogger("evaluator", process.env.LOG_LEVEL ?? "warn");
const risk = await startRiskWorker({
  log,
  simulator: false,
  checkpointMs: Number(process.env.RISK_CHECKPOINT_MS ?? 1000),
});
const health = http
  .createServer((_req, res) => res.writeHead(200).end("ok"))
  .listen(Number(process.env.WORKER_HEALTH_PORT), "127.0.0.1");
process.on("SIGTERM", async () => {
  health.close();
  await risk.stop();
  process.exit(0);
});
