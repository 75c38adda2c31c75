// `npm test`: prepares what a fresh clone needs (dependencies, PostgreSQL and Redis running,
// Chromium, the Prisma client) and runs every suite: lint, types, unit, integration on the real
// database and Redis, and browser tests. Stops at the first failing stage.
import path from "node:path";
import {
  ensureChromium,
  ensureDependencies,
  ensurePostgres,
  ensureRedis,
  generatePrismaClient,
  loadEnv,
  locateSharedData,
  root,
  run,
  step,
} from "./lib/setup.mjs";

const started = Date.now();
const timings = [];
function stage(name, fn) {
  step(name);
  const t = Date.now();
  const status = fn();
  timings.push([name, ((Date.now() - t) / 1000).toFixed(1)]);
  if (status !== 0) {
    console.error(`\x1b[31m✖ ${name} failed\x1b[0m`);
    process.exit(status);
  }
}

loadEnv();
process.env.PROPDESK_ENV = "test";
process.env.TURBO_TELEMETRY_DISABLED = "1";
ensureDependencies();
locateSharedData();
await ensurePostgres();
await ensureRedis();
ensureChromium();
generatePrismaClient();

const bin = (name) => path.join(root, "node_modules/.bin", name);
const only = process.argv[2];
if (!only || only === "lint") stage("lint and format (biome)", () => run(bin("biome"), ["check", "."]));
if (!only || only === "types") {
  stage("type check (tsc in every workspace)", () =>
    run(bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"]),
  );
  stage("type check (scripts and browser tests)", () => run(bin("tsc"), ["--noEmit", "-p", "."]));
}
if (!only || only === "vitest")
  stage("unit and integration tests (vitest)", () => run(bin("vitest"), ["run"]));
if (!only || only === "e2e") {
  stage("build the web app", () =>
    run("npm", ["run", "--silent", "build", "-w", "@propdesk/web"], {
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  stage("browser tests (playwright, system Chromium)", () => run(bin("playwright"), ["test"]));
}

console.log("\n\x1b[32m✔ all tests passed\x1b[0m");
for (const [name, secs] of timings) console.log(`  ${secs.padStart(6)} s  ${name}`);
console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  total`);
