// Starts the product for browser tests: a fresh database (migrated and seeded with the demo), its own
// Redis prefix and port, the production web build, the worker and the bots. Playwright stops it.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fail, loadEnv, root } from "./lib/setup.mjs";

loadEnv();
const port = process.env.E2E_PORT ?? "3100";
// Database per port, so parallel runs on other ports never share state.
const db = `propdesk_e2e_${port}`;
const retarget = (url) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
Object.assign(process.env, {
  PORT: port,
  PUBLIC_PORT: port,
  WORKER_HEALTH_PORT: String(Number(port) + 1),
  BOTS_HEALTH_PORT: String(Number(port) + 2),
  PROPDESK_ENV: "test",
  PROPDESK_REDIS_PREFIX: `pde2e${Date.now().toString(36)}`,
  DATABASE_OWNER_URL: retarget(process.env.DATABASE_OWNER_URL),
  DATABASE_URL: retarget(process.env.DATABASE_URL),
  DATABASE_PLATFORM_URL: retarget(process.env.DATABASE_PLATFORM_URL),
  LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
  // The local Stripe and KYC stand-ins the demo firm is connected to.
  STRIPE_STANDIN_PORT: String(Number(port) + 5),
  KYC_STANDIN_PORT: String(Number(port) + 6),
  CRYPTO_STANDIN_PORT: String(Number(port) + 7),
});
process.env.STRIPE_API_BASE = `http://127.0.0.1:${process.env.STRIPE_STANDIN_PORT}`;
process.env.KYC_API_BASE = `http://127.0.0.1:${process.env.KYC_STANDIN_PORT}`;

const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const prep = spawnSync(process.execPath, [tsxCli, "scripts/prepare.ts", "--fresh", "--seed"], {
  cwd: root,
  env: process.env,
  stdio: ["ignore", "ignore", "inherit"],
});
if (prep.status !== 0) fail("e2e database preparation failed");

// The web and worker logs (warnings and up) go to stderr, which Playwright prints: a failed job
// behind a failing browser test is then in CI's output.
const logsToStderr = ["ignore", 2, 2];
const children = [
  spawn(process.execPath, [tsxCli, "packages/services/src/testing/run-standins.ts"], {
    cwd: root,
    env: process.env,
    stdio: ["ignore", "ignore", "inherit"],
  }),
  spawn(process.execPath, [tsxCli, "apps/web/server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: logsToStderr,
  }),
  spawn(process.execPath, [tsxCli, "apps/worker/src/main.ts"], {
    cwd: root,
    env: process.env,
    stdio: logsToStderr,
  }),
];
const stop = () => {
  for (const c of children) c.kill("SIGTERM");
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
for (const c of children) c.on("exit", (code) => code && code !== 0 && process.exit(code));
