import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dataLayer } from "@propdesk/db";
import { applyChallengeEffects } from "@propdesk/services/challenges";
import { startComplianceSchedulers } from "@propdesk/services/compliance";
import { env } from "@propdesk/services/env";
import { startHealthServer } from "@propdesk/services/health";
import {
  closeQueues,
  jobDefinitions,
  jobRegistry,
  OutboxRelay,
  startJobWorker,
} from "@propdesk/services/jobs";
import { createLogger } from "@propdesk/services/logging";
import { startFinanceSchedulers } from "@propdesk/services/reconciliation";
import { closeRedis, redis } from "@propdesk/services/redis";

/**
 * The worker process: relays committed outbox rows into BullMQ and runs every job. SIGTERM stops
 * taking new work, lets running jobs finish, then closes connections.
 */
const config = env();
const log = createLogger("worker", config.LOG_LEVEL);
let stopping = false;

const relay = new OutboxRelay({ registry: jobRegistry, log });
relay.start();
// Payout sweeps and the daily reconciliation of every firm.
const financeSchedulers = startFinanceSchedulers({ log });
// Compliance: the sanctions lists re-read at start and every few hours (firms not screened against
// the current version are re-screened), and recent trading scanned for copy trading and hedging.
const complianceSchedulers = startComplianceSchedulers({ log });

// Live risk runs in its own process (risk-process.ts), restarted if it dies: the evaluators, the
// clock scheduler, the market simulator and the `challenges` queue, whose jobs act on platforms.
let riskProcess: ChildProcess | undefined;
let riskRestarts = 0;
function startRiskProcess() {
  const child = fork(fileURLToPath(new URL("./risk-process.ts", import.meta.url)), [], {
    execArgv: process.execArgv,
    stdio: "inherit",
  });
  riskProcess = child;
  child.on("exit", (code, signal) => {
    if (riskProcess === child) riskProcess = undefined;
    if (stopping) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(riskRestarts++, 6));
    log.error({ code, signal, restartInMs: delay }, "risk process exited; restarting it");
    setTimeout(startRiskProcess, delay).unref();
  });
  child.on("message", (m: { type?: string }) => {
    if (m?.type === "ready") riskRestarts = 0;
  });
}
startRiskProcess();

const queueNames = [...new Set(jobDefinitions.map((j) => j.queue))].filter(
  (q) => q !== applyChallengeEffects.queue,
);
const workers = queueNames.map((name) => startJobWorker(name, log));

const health = startHealthServer(
  config.WORKER_HEALTH_PORT,
  async () => {
    const checks: Record<string, string> = {};
    await Promise.all([
      dataLayer()
        .withPlatform((db) => db.$queryRaw`SELECT 1`)
        .then(() => (checks.database = "ok"))
        .catch((e: Error) => (checks.database = e.message)),
      redis()
        .ping()
        .then(() => (checks.redis = "ok"))
        .catch((e: Error) => (checks.redis = e.message)),
    ]);
    checks.risk = riskProcess && riskProcess.exitCode === null ? "ok" : "restarting";
    return checks;
  },
  "worker",
);

log.info(
  {
    queues: queueNames,
    jobs: jobDefinitions.map((j) => `${j.name}@${j.version}`),
    healthPort: config.WORKER_HEALTH_PORT,
  },
  "worker started",
);

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker shutting down: finishing running jobs");
  const force = setTimeout(() => {
    log.error("shutdown took too long; exiting");
    process.exit(1);
  }, 30_000);
  force.unref();
  await relay.stop();
  await financeSchedulers.stop();
  complianceSchedulers.stop();
  await Promise.all(workers.map((w) => w.close()));
  await new Promise<void>((resolve) => {
    const child = riskProcess;
    if (!child || child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  health.close();
  await Promise.allSettled([closeQueues(), dataLayer().close(), closeRedis()]);
  log.info("worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
