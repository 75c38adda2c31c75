/**
 * `npm run --silent bench:web` prints JSON with:
 * - the staff dashboard route's latency (p50/p95/p99) under 20 concurrent signed-in sessions,
 *   through the production build of the web server on its own database;
 * - the cost of row-level security on list queries over 100,000 rows of one tenant (next to
 *   100,000 rows of another): the application role with its tenant set, against the platform
 *   role (BYPASSRLS) filtering the same tenant explicitly.
 * Run it on a quiet machine; it is a measurement, not a test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { databaseUrlsFromEnv, dataLayer, desks, setDataLayer, staff, urlsForDatabase } from "@propdesk/db";
import { dropDatabase, prepareDatabase } from "@propdesk/db/prepare-database";
import { createCookie } from "@remix-run/node";
import pg from "pg";

const root = fileURLToPath(new URL("..", import.meta.url));
const database = "propdesk_bench";
const port = Number(process.env.BENCH_PORT ?? 3200);
const sessions = 20;
const durationMs = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const rows = 100_000;

const base = databaseUrlsFromEnv();
const urls = urlsForDatabase(base, database);
Object.assign(process.env, {
  DATABASE_URL: urls.app,
  DATABASE_PLATFORM_URL: urls.platform,
  DATABASE_OWNER_URL: urls.owner,
  PROPDESK_ENV: "test",
  PROPDESK_REDIS_PREFIX: `pdbench${Date.now().toString(36)}`,
  LOG_LEVEL: "silent",
  PORT: String(port),
});
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

async function prepare() {
  await dropDatabase(base.admin, database);
  await prepareDatabase(urls);
  setDataLayer(undefined);
  const { seedDemo, demoPassword } = await import("@propdesk/services/demo");
  await seedDemo();
  const { loginStaff, hashPassword } = await import("@propdesk/services/auth");
  const tenantId = (
    await dataLayer().withPlatform((db) => db.tenant.findUniqueOrThrow({ where: { slug: "atlas" } }))
  ).id;
  const passwordHash = await hashPassword(demoPassword);
  const tokens: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const email = `bench-${i}@atlas.localhost`;
    await dataLayer().withTenant(tenantId, (db) =>
      staff.createStaffWithMembership(db, {
        email,
        name: `Bench ${i}`,
        passwordHash,
        role: "desk_manager",
        deskIds: null,
      }),
    );
    const { runWithRequestContext } = await import("@propdesk/services/request");
    const issued = await runWithRequestContext({ origin: "bench", ip: `198.51.100.${i}` }, () =>
      loginStaff(tenantId, { email, password: demoPassword }),
    );
    tokens.push(issued.token);
  }
  return { tenantId, tokens };
}

async function startServer(): Promise<ChildProcess> {
  const build = spawn("npm", ["run", "--silent", "build", "-w", "@propdesk/web"], {
    cwd: root,
    stdio: "ignore",
  });
  await new Promise((r) => build.on("exit", r));
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "apps/web/server.ts"],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: "127.0.0.1", port, path: "/healthz" }, (res) => resolve(res.statusCode === 200))
        .on("error", () => resolve(false));
    });
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("web server did not start");
}

const agent = new http.Agent({ keepAlive: true, maxSockets: sessions });
function get(pathname: string, cookie: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        agent,
        headers: { Host: `atlas.localhost:${port}`, Cookie: cookie },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function dashboardLoad(tokens: string[]) {
  const cookie = createCookie("pd_staff", { secrets: [process.env.SESSION_SECRET!] });
  const cookies = await Promise.all(
    tokens.map(
      async (t) => `pd_staff=${(await cookie.serialize(t)).split(";")[0]!.split("=").slice(1).join("=")}`,
    ),
  );
  // Warm up: every session once, and a few seconds of load.
  for (const c of cookies) {
    const r = await get("/console", c);
    if (r.status !== 200) throw new Error(`dashboard answered ${r.status}`);
  }
  const run = async (ms: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const end = Date.now() + ms;
    await Promise.all(
      cookies.map(async (c) => {
        while (Date.now() < end) {
          const r = await get("/console", c);
          if (r.status === 200) latencies.push(r.ms);
          else errors++;
        }
      }),
    );
    return { latencies, errors };
  };
  await run(3000);
  const { latencies, errors } = await run(durationMs);
  latencies.sort((a, b) => a - b);
  return {
    route: "GET /console (staff dashboard)",
    concurrentSessions: sessions,
    seconds: durationMs / 1000,
    requests: latencies.length,
    errors,
    requestsPerSecond: round(latencies.length / (durationMs / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

async function rlsCost(tenantId: string) {
  const platform = new pg.Pool({ connectionString: urls.platform, max: 1 });
  const app = new pg.Pool({ connectionString: urls.app, max: 1 });
  const other = (
    await platform.query("INSERT INTO tenants (slug, name) VALUES ('bench-other', 'Other firm') RETURNING id")
  ).rows[0].id as string;
  const deskId = (await dataLayer().withTenant(tenantId, (db) => desks.listDesks(db)))[0]!.id;
  // 100k rows per tenant, bulk-loaded as the platform role (the audit chain trigger still runs).
  for (const t of [tenantId, other]) {
    await platform.query(
      `INSERT INTO audit_events (tenant_id, actor_type, actor_label, desk_id, action, target_type, target_id, after)
       SELECT $1, 'system', 'bench', $2, 'bench.row_' || (g % 20), 'thing', g::text, jsonb_build_object('n', g)
       FROM generate_series(1, ${rows}) g`,
      [t, t === tenantId ? deskId : null],
    );
  }
  await platform.query("ANALYZE audit_events");
  const queries: Record<string, { sql: string; params: unknown[] }> = {
    firstPage: {
      sql: "SELECT seq, occurred_at, action, target_id FROM audit_events {W} ORDER BY seq DESC LIMIT 50",
      params: [],
    },
    filteredPage: {
      sql: "SELECT seq, action, target_id FROM audit_events {W} AND action = 'bench.row_7' ORDER BY seq DESC LIMIT 50",
      params: [],
    },
    fullList: { sql: "SELECT seq, action, target_id FROM audit_events {W}", params: [] },
    count: { sql: "SELECT count(*) FROM audit_events {W}", params: [] },
  };
  const timeQuery = async (pool: pg.Pool, sql: string, setTenant: boolean) => {
    const c = await pool.connect();
    try {
      const samples: number[] = [];
      for (let i = 0; i < 25; i++) {
        await c.query("BEGIN");
        if (setTenant) await c.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
        const t = performance.now();
        const r = await c.query(sql);
        samples.push(performance.now() - t);
        await c.query("COMMIT");
        if (r.rowCount === 0) throw new Error(`no rows: ${sql}`);
      }
      samples.sort((a, b) => a - b);
      return samples.slice(5).reduce((a, b) => a + b, 0) / 20; // mean after warm-up
    } finally {
      c.release();
    }
  };
  const out: Record<string, { appRoleMs: number; platformRoleMs: number; overheadPct: number }> = {};
  for (const [name, q] of Object.entries(queries)) {
    const appSql = q.sql.replace("{W}", "WHERE true");
    const platformSql = q.sql.replace("{W}", `WHERE tenant_id = '${tenantId}'`);
    const appMs = await timeQuery(app, appSql, true);
    const platformMs = await timeQuery(platform, platformSql, false);
    out[name] = {
      appRoleMs: round(appMs),
      platformRoleMs: round(platformMs),
      overheadPct: round(((appMs - platformMs) / platformMs) * 100),
    };
  }
  await Promise.all([platform.end(), app.end()]);
  return { table: "audit_events", rowsPerTenant: rows, tenants: 2, queries: out };
}

log("preparing database and sessions");
const { tenantId, tokens } = await prepare();
log("starting the web server (production build)");
const server = await startServer();
try {
  log(`loading the dashboard with ${sessions} sessions for ${durationMs / 1000}s`);
  const dashboard = await dashboardLoad(tokens);
  log(`measuring RLS cost over ${rows} rows`);
  const rls = await rlsCost(tenantId);
  console.log(
    JSON.stringify(
      { dashboard, rls, machine: { cpus: (await import("node:os")).cpus().length, node: process.version } },
      null,
      2,
    ),
  );
} finally {
  server.kill("SIGTERM");
  agent.destroy();
  await dataLayer().close();
  const { closeRedis } = await import("@propdesk/services/redis");
  await closeRedis();
}
process.exit(0);
