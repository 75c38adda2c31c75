// `npm start`: prepares everything a fresh clone needs, seeds the demo and runs web, worker and bots.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import {
  ensureDependencies,
  ensurePostgres,
  ensureRedis,
  fail,
  generatePrismaClient,
  loadEnv,
  locateSharedData,
  mustRun,
  root,
  step,
} from "./lib/setup.mjs";

const envFile = loadEnv();
if (process.env.PROPDESK_ENV === "development") process.env.PROPDESK_ENV = "demo";
step(`configuration from ${envFile}`);
ensureDependencies();
locateSharedData();
await ensurePostgres();
await ensureRedis();
step("generating the Prisma client");
generatePrismaClient();

step("preparing the database (roles, migrations) and the demo data");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const prep = spawnSync(process.execPath, [tsxCli, "scripts/prepare.ts", "--seed", "--print-logins"], {
  cwd: root,
  env: process.env,
  encoding: "utf8",
});
const jsonLine = prep.stdout.split("\n").find((l) => l.startsWith("{"));
process.stdout.write(
  `${prep.stdout
    .split("\n")
    .filter((l) => l && !l.startsWith("{"))
    .join("\n")}\n`,
);
if (prep.status !== 0 || !jsonLine) {
  process.stderr.write(prep.stderr);
  fail("database preparation failed");
}
const demo = JSON.parse(jsonLine);

step("building the web app");
mustRun("npm", ["run", "--silent", "build", "-w", "@propdesk/web"]);

const children = [];
let stopping = false;

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 15_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on("exit", r))))).then(
    () => process.exit(code),
  );
}

function launch(name, color, args, extraEnv = {}) {
  const child = spawn(process.execPath, [tsxCli, ...args], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `\x1b[${color}m${name.padEnd(6)}\x1b[0m│ `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop();
      for (const l of lines) process.stdout.write(`${prefix}${l}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything`);
      stop(1);
    }
  });
  children.push(child);
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

// Payments and KYC work offline against local stand-ins when their ports are configured (.env).
if (process.env.STRIPE_STANDIN_PORT && process.env.KYC_STANDIN_PORT) {
  process.env.STRIPE_API_BASE ??= `http://127.0.0.1:${process.env.STRIPE_STANDIN_PORT}`;
  process.env.KYC_API_BASE ??= `http://127.0.0.1:${process.env.KYC_STANDIN_PORT}`;
  launch("stubs", "36", ["packages/services/src/testing/run-standins.ts"]);
}
launch("web", "34", ["apps/web/server.ts"], { NODE_ENV: "production" });
launch("worker", "35", ["apps/worker/src/main.ts"]);
launch("bots", "33", ["apps/bots/src/main.ts"]);

const port = process.env.PORT;
const url = (host, p = "") => `http://${host}:${port}${p}`;
const rows = demo.logins.map(
  (l) =>
    `    ${l.email.padEnd(28)} ${l.role.padEnd(16)} ${l.where}${l.twoFactorKey ? `   2FA code: npm run --silent demo:totp -- ${l.email}` : ""}`,
);
console.log(`
\x1b[1mPropDesk is starting.\x1b[0m

  Platform console   ${url(process.env.PLATFORM_HOST, "/platform")}
  Atlas Funded desk  ${url("atlas.localhost")}    staff console: ${url("atlas.localhost", "/console")}
  Nova Prop desk     ${url("nova.localhost")}     staff console: ${url("nova.localhost", "/console")}
  Health             ${url("127.0.0.1", "/readyz")}   worker: http://127.0.0.1:${process.env.WORKER_HEALTH_PORT}/readyz

  Demo logins (password for all: ${demo.password})
${rows.join("\n")}

  *.localhost resolves to this machine in Chromium, Firefox and curl. Ctrl-C stops everything.
`);
