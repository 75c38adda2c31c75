// Shared preparation for `npm start` and `npm test`: environment, dependencies, PostgreSQL, Redis,
// Chromium and the generated Prisma client. Plain Node (no dependencies) so it runs on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export function step(msg) {
  console.log(`\x1b[36m▸\x1b[0m ${msg}`);
}

export function fail(msg) {
  console.error(`\x1b[31m✖ ${msg}\x1b[0m`);
  process.exit(1);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env, ...opts });
  if (r.error) fail(`${cmd} could not run: ${r.error.message}`);
  return r.status ?? 1;
}

export function mustRun(cmd, args, opts = {}) {
  const status = run(cmd, args, opts);
  if (status !== 0) fail(`${[cmd, ...args].join(" ")} failed (exit ${status})`);
}

/** Loads .env (or .env.example) without overriding variables already set. */
export function loadEnv() {
  const file = existsSync(path.join(root, ".env")) ? ".env" : ".env.example";
  for (const line of readFileSync(path.join(root, file), "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
  return file;
}

export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install`, not `npm ci`: the lock file holds only this platform's optional binaries
  // (esbuild, biome, turbo), which `npm ci` refuses as "out of sync"; install leaves it unchanged.
  // No package runs install scripts (package.json "allowScripts"): everything used ships prebuilt.
  step("installing dependencies (npm install)");
  mustRun("npm", ["install", "--no-audit", "--no-fund"]);
}

function tcpOpen(port, host = "127.0.0.1", timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

async function waitFor(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await tcpOpen(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function which(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim() || null;
}

export async function ensurePostgres() {
  const port = Number(new URL(process.env.DATABASE_ADMIN_URL).port || 5432);
  if (await tcpOpen(port)) return;
  step("PostgreSQL is not answering; trying to start it");
  if (which("pg_ctlcluster") && existsSync("/etc/postgresql")) {
    for (const version of readdirSync("/etc/postgresql")) {
      spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
        stdio: "inherit",
      });
    }
  } else if (which("brew")) {
    spawnSync("brew", ["services", "start", "postgresql"], { stdio: "inherit" });
  }
  if (!(await waitFor(port, 20))) {
    fail(
      `PostgreSQL is not running on port ${port} and could not be started.\n` +
        "  Install PostgreSQL 15 or later (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@16)\n" +
        "  with trust (or password) authentication on 127.0.0.1, or run `docker compose up -d` with the bundled docker-compose.yml.",
    );
  }
}

export async function ensureRedis() {
  const port = Number(new URL(process.env.REDIS_URL).port || 6379);
  if (await tcpOpen(port)) return;
  step("Redis is not answering; trying to start it");
  if (which("redis-server")) {
    spawnSync(
      "redis-server",
      [
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "--port",
        String(port),
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      { stdio: "inherit" },
    );
  } else if (which("brew")) {
    spawnSync("brew", ["services", "start", "redis"], { stdio: "inherit" });
  }
  if (!(await waitFor(port, 10))) {
    fail(
      `Redis is not running on port ${port} and could not be started.\n` +
        "  Install Redis 7 (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n" +
        "  or run `docker compose up -d` with the bundled docker-compose.yml.",
    );
  }
}

/** Playwright drives the system's Chromium (never a downloaded browser). */
export function ensureChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (found) {
    process.env.CHROMIUM_PATH = found;
    return;
  }
  if (process.getuid?.() === 0 && which("apt-get")) {
    step("installing Chromium for browser tests (apt-get install chromium)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env }) !== 0) {
      run("apt-get", ["update"], { env });
      mustRun("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env });
    }
    if (existsSync("/usr/bin/chromium")) {
      process.env.CHROMIUM_PATH = "/usr/bin/chromium";
      return;
    }
  }
  fail(
    "Chromium is needed for the browser tests. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH.",
  );
}

export function generatePrismaClient() {
  mustRun(process.execPath, [path.join(root, "scripts/prisma-generate.mjs"), "--quiet"]);
}

export function tsx(script, args = [], opts = {}) {
  return run(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), script, ...args], opts);
}

/**
 * The shared test data (sanctions lists, prices, statements) and the rules contract live next to the
 * repository in `../shared`. Find them (walking up from the repository) unless PROPDESK_DATA_DIR and
 * PROPDESK_SPEC_DIR say where they are, and tell every child process.
 */
export function locateSharedData() {
  const find = (sub) => {
    for (let dir = path.resolve(root, ".."); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "shared", sub);
      if (existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) return null;
    }
  };
  process.env.PROPDESK_DATA_DIR ??= find("data") ?? "";
  process.env.PROPDESK_SPEC_DIR ??= find("spec") ?? "";
  if (!process.env.PROPDESK_DATA_DIR || !existsSync(path.join(process.env.PROPDESK_DATA_DIR, "sanctions"))) {
    fail(
      "The shared data folder (../shared/data: sanctions lists, prices, statements) was not found. Set PROPDESK_DATA_DIR to it.",
    );
  }
  if (!process.env.PROPDESK_SPEC_DIR)
    fail("The shared spec folder (../shared/spec) was not found. Set PROPDESK_SPEC_DIR to it.");
}
