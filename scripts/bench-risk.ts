/**
 * `npm run --silent bench:risk` drives the whole live-risk path on this machine and prints JSON:
 *
 *   signed HTTP delivery (the ingest router apps/web/server.ts mounts) → durable write to the
 *   engine's input log → partition evaluators in the real worker process (apps/worker) → decisions
 *   committed with their lifecycle transitions → platform actions sent to the firm's connector
 *   (a local stand-in that answers every action).
 *
 * 10,000 bridged accounts on a program with tight limits are fed a stream produced beforehand by
 * the market simulator (every style, real price data), sent by `BENCH_LANES` connectors in
 * parallel (each lane owns a share of the accounts and sends them in order, as a real connector
 * does) in batches of `BENCH_BATCH` updates.
 *
 * The stream's first `BENCH_WARMUP_SECONDS` are sent at `BENCH_WARMUP_RATE` before the clock starts
 * (reported apart under `warmup`); the rest at `BENCH_RATE`. Reported: `updatesPerSecond` sustained
 * end to end (first byte sent → every update evaluated and checkpointed), `ingestUpdatesPerSecond`
 * (acknowledged by the endpoint), breach latency from the update's receipt to the breach committed
 * and to the first platform action issued (p50/p99), and the same updates posted to a bare
 * node:http server inserting them into PostgreSQL (`baseline`) in the same run. Environment:
 * BENCH_ACCOUNTS (10000), BENCH_UPDATES (400000), BENCH_LANES (4), BENCH_BATCH (250), BENCH_RATE
 * (12000 offered updates/s; 0 = flat out), BENCH_WARMUP_SECONDS (15), BENCH_WARMUP_RATE (2000),
 * BENCH_PORT (3403: ingest; +1 baseline; +2 worker health).
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import {
  databaseUrlsFromEnv,
  dataLayer,
  desks,
  programs,
  setDataLayer,
  tenants,
  urlsForDatabase,
} from "@propdesk/db";
import { dropDatabase, prepareDatabase } from "@propdesk/db/prepare-database";
import { newChallenge, transition } from "@propdesk/domain/lifecycle";
import { compileProgram, nextProgramVersion, programTemplate } from "@propdesk/domain/programs";
import pg from "pg";

const root = fileURLToPath(new URL("..", import.meta.url));
const database = "propdesk_bench_risk";
const accounts = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const targetUpdates = Number(process.env.BENCH_UPDATES ?? 400_000);
const lanes = Number(process.env.BENCH_LANES ?? 4);
const batchSize = Number(process.env.BENCH_BATCH ?? 250);
/** Offered load, updates per second over all lanes (0: as fast as the endpoint answers). */
const rate = Number(process.env.BENCH_RATE ?? 12_000);
const port = Number(process.env.BENCH_PORT ?? 3403);
/** The stream's first seconds sent at a gentle rate before the clock starts (see main). */
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);
const warmupRate = Number(process.env.BENCH_WARMUP_RATE ?? 2000);
const baselinePort = port + 1;

const base = databaseUrlsFromEnv();
const urls = urlsForDatabase(base, database);
Object.assign(process.env, {
  DATABASE_URL: urls.app,
  DATABASE_PLATFORM_URL: urls.platform,
  DATABASE_OWNER_URL: urls.owner,
  PROPDESK_ENV: "test",
  PROPDESK_REDIS_PREFIX: `pdbenchrisk${Date.now().toString(36)}`,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
  SESSION_SECRET: process.env.SESSION_SECRET ?? "demo-session-secret-for-local-use-only-0000",
  ENCRYPTION_KEY:
    process.env.ENCRYPTION_KEY ?? "00000000000000000000000000000000000000000000000000000000000000aa",
});
const note = (m: string) => process.stderr.write(`bench:risk: ${m}\n`);
const children: ChildProcess[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number) => Math.round(n * 10) / 10;

/** A program that acts quickly on simulated traders: 3% hard daily loss, 6% static max loss. */
function benchProgram() {
  const t = programTemplate("two-step-cfd")!;
  const definition = {
    ...t.program,
    name: "Bench 100K",
    phases: [
      {
        ...t.program.phases[0]!,
        profitTarget: { pct: 8 },
        dailyLoss: { pct: 3, amountBase: "initial", reference: "balance", kind: "hard" },
        maxLoss: { pct: 6, mode: "static", lockAt: null },
        minTradingDays: 0,
      },
      t.program.phases[2]!,
    ],
  };
  return nextProgramVersion("bench", definition as never);
}

async function setup(connectorUrl: string) {
  await dropDatabase(base.admin, database);
  await prepareDatabase(urls);
  setDataLayer(undefined);
  const { encryptSecret } = await import("@propdesk/services/crypto");
  const { newSigningSecret } = await import("@propdesk/services/platforms");
  const { tenantId, deskId } = await dataLayer().withPlatform(async (db) => {
    const t = await tenants.createTenantRow(db, { slug: "bench", name: "Bench Firm" });
    const d = await desks.createDeskWithDomain(
      db,
      t.id,
      { slug: "bench", name: "Bench Desk" },
      "bench.localhost",
    );
    return { tenantId: t.id, deskId: (d as { id: string }).id };
  });
  const version = benchProgram();
  const compiled = compileProgram(version.program);
  const versionId = await dataLayer().withTenant(tenantId, async (db) => {
    const p = await programs.createProgram(db, {
      deskId,
      slug: "bench-100k",
      name: "Bench 100K",
      description: "",
      templateId: null,
    });
    const v = await programs.createProgramVersion(db, {
      programId: p.id,
      version: 1,
      definition: version.program as never,
      fingerprint: version.fingerprint,
      createdByLabel: "bench",
    });
    return v.id;
  });
  // The lifecycle value of a challenge whose first phase is running.
  let lc = newChallenge(compiled);
  lc = transition(lc, { type: "provision", cause: { type: "system" } }).challenge;
  lc = transition(lc, {
    type: "account_ready",
    cause: { type: "provider", provider: "bridge" },
    accountId: "x",
  }).challenge;
  lc = transition(lc, { type: "phase_started", cause: { type: "system" }, phase: 0 }).challenge;
  // 10,000 traders, challenges and bridged accounts in three set-based statements (the use cases
  // create one at a time; the benchmark measures the risk path, not sign-ups).
  const platform = new pg.Pool({ connectionString: urls.platform, max: 2 });
  await platform.query(
    `INSERT INTO traders (tenant_id, email, name) SELECT $1, 'bench-' || g || '@bench.test', 'Bench trader ' || g
     FROM generate_series(1, $2) g`,
    [tenantId, accounts],
  );
  await platform.query(
    `INSERT INTO challenges (tenant_id, reference, desk_id, trader_id, program_version_id, lifecycle, status, origin, currency, account_size)
     SELECT $1, 'BR-' || lpad(substr(t.email, 7, position('@' in t.email) - 7), 6, '0'), $2, t.id, $3,
       jsonb_set($4::jsonb, '{accountId}', to_jsonb('B-' || substr(t.email, 7, position('@' in t.email) - 7))),
       'active', 'manual', 'USD', $5
     FROM traders t WHERE t.tenant_id = $1`,
    [tenantId, deskId, versionId, JSON.stringify(lc), compiled.initial],
  );
  await platform.query(
    `INSERT INTO trading_accounts (tenant_id, challenge_id, phase_index, platform, platform_account_id, login, currency,
       initial_balance, status, trading_enabled, provisioned_at)
     SELECT $1, c.id, 0, 'bridge', 'B-' || ltrim(substr(c.reference, 4), '0'), 'B-' || ltrim(substr(c.reference, 4), '0'),
       'USD', $2, 'active', true, now()
     FROM challenges c WHERE c.tenant_id = $1`,
    [tenantId, compiled.initial],
  );
  await platform.query(
    "INSERT INTO risk_desk_settings (tenant_id, desk_id, platform) VALUES ($1, $2, 'bridge')",
    [tenantId, deskId],
  );
  const keyId = `pdk_${tenantId.replaceAll("-", "")}_00000000000000be`;
  const secret = newSigningSecret();
  await platform.query(
    `INSERT INTO bridge_api_keys (tenant_id, key_id, secret_sealed, label, created_by_label) VALUES ($1, $2, $3, 'bench', 'bench')`,
    [tenantId, keyId, encryptSecret(secret, process.env.ENCRYPTION_KEY!)],
  );
  await platform.query(
    `INSERT INTO bridge_settings (tenant_id, webhook_url, webhook_secret_sealed, updated_by_label) VALUES ($1, $2, $3, 'bench')`,
    [tenantId, connectorUrl, encryptSecret(newSigningSecret(), process.env.ENCRYPTION_KEY!)],
  );
  await platform.query("ANALYZE");
  await platform.end();
  return { tenantId, keyId, secret };
}

/** The stream, generated before the clock starts: per lane, batches of JSON in time order. */
async function generate(): Promise<{ lanes: string[][]; updates: number; simulatedHours: number }> {
  const { createSimulatorPlatform } = await import("@propdesk/services/platforms");
  // Platform time starts now, as on a live bridge (the stream then runs ahead of the wall clock).
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  const sim = createSimulatorPlatform({ seed: 4242, startTime: start });
  for (let i = 1; i <= accounts; i++)
    await sim.provisionAccount({
      idempotencyKey: `p-${i}`,
      reference: `bench-${i}`,
      currency: "USD",
      balance: 10_000_000n,
      label: `bench ${i}`,
    });
  const pending: Array<Array<Record<string, unknown>>> = Array.from({ length: lanes }, () => []);
  const out: string[][] = Array.from({ length: lanes }, () => []);
  let n = 0;
  let t = start;
  while (n < targetUpdates) {
    t += 60_000;
    for (const u of sim.advanceTo(t)) {
      const k = Number(u.account.slice(4));
      const lane = k % lanes;
      pending[lane]!.push({ ...u, account: `B-${k}` });
      n++;
      if (pending[lane]!.length === batchSize) {
        out[lane]!.push(JSON.stringify(pending[lane]));
        pending[lane] = [];
      }
    }
  }
  for (let l = 0; l < lanes; l++) if (pending[l]!.length > 0) out[l]!.push(JSON.stringify(pending[l]));
  return { lanes: out, updates: n, simulatedHours: round((t - start) / 3_600_000) };
}

/** The firm's connector: answers every action PropDesk sends it. */
function startConnector(): Promise<{
  url: string;
  actions: () => number;
  /** When the first request with this idempotency key arrived (ms since the epoch). */
  firstReceivedAt: (idempotencyKey: string) => number | undefined;
  close: () => void;
}> {
  let count = 0;
  const firstAt = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        action: string;
        idempotencyKey?: string;
      };
      if (body.idempotencyKey && !firstAt.has(body.idempotencyKey)) firstAt.set(body.idempotencyKey, arrived);
      const b = body as { action: string; reference?: string };
      const answer =
        b.action === "close_all_positions"
          ? { closed: 1, realizedProfit: "0.00", currency: "USD" }
          : b.action === "get_account_snapshot"
            ? {
                balance: "100000.00",
                equity: "100000.00",
                openPositions: 0,
                tradingEnabled: true,
                currency: "USD",
                at: new Date().toISOString(),
              }
            : b.action === "provision_account"
              ? { platformAccountId: `F-${b.reference}`.slice(0, 64), login: `F-${count}` }
              : b.action === "list_balance_adjustments"
                ? { adjustments: [] }
                : {};
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port: p } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${p}/propdesk`,
        actions: () => count,
        firstReceivedAt: (key) => firstAt.get(key),
        close: () => server.close(),
      });
    }),
  );
}

function startChild(script: string, env: Record<string, string>, readyWhen: "stdout" | { url: string }) {
  // BENCH_CPU_PROFILE=<dir>: write a V8 CPU profile of each child on exit.
  const prof = process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  // `--import tsx` runs the TypeScript in this very process (the tsx CLI would add a wrapper process).
  const child = spawn(process.execPath, [...prof, "--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise<ChildProcess>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    // The children's logs (warnings and errors) go to stderr, never into the JSON on stdout.
    child.stdout!.on("data", (d: Buffer) => {
      const text = d.toString();
      if (readyWhen === "stdout" && text.includes("ready")) resolve(child);
      else process.stderr.write(text);
    });
    if (readyWhen === "stdout") return;
    const poll = async () => {
      for (let i = 0; i < 600; i++) {
        const ok = await new Promise<boolean>((r) =>
          http.get(readyWhen.url, (res) => r(res.statusCode === 200)).on("error", () => r(false)),
        );
        if (ok) return resolve(child);
        await new Promise((r) => setTimeout(r, 100));
      }
      reject(new Error(`${script} did not become ready`));
    };
    void poll();
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: lanes * 2 });
function post(
  p: number,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: p,
        method: "POST",
        path: "/api/platform/v1/updates",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function send(
  stream: string[][],
  p: number,
  sign: ((body: string) => Record<string, string>) | null,
  pace: number,
): Promise<{ ms: number; accepted: number; latencies: number[] }> {
  const latencies: number[] = [];
  let accepted = 0;
  const t0 = performance.now();
  // Each lane sends its batches on a schedule (rate / lanes updates per second); a lane that falls
  // behind sends at once until it catches up. The lanes are independent connectors: their schedules
  // are spread over the interval instead of all posting at the same instants.
  const laneInterval = pace > 0 ? (batchSize * stream.length * 1000) / pace : 0;
  await Promise.all(
    stream.map(async (batches, lane) => {
      const offset = (lane * laneInterval) / stream.length;
      for (const [k, body] of batches.entries()) {
        const due = t0 + offset + k * laneInterval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        const r = await post(p, body, sign ? sign(body) : {});
        latencies.push(performance.now() - s);
        if (r.status !== 202) throw new Error(`delivery answered ${r.status}: ${r.text.slice(0, 300)}`);
        accepted += (JSON.parse(r.text) as { accepted: number }).accepted;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ms: performance.now() - t0, accepted, latencies };
}

/**
 * A worker starting on a firm with 10,000 traders it has never seen first re-screens them all against
 * the sanctions lists (one long job holding the firm's audit chain), and a minute after it starts
 * scans recent trading for fraud (then hourly). That is start-up work, not the risk path: wait until
 * the re-screen is done (at most five minutes) and the first scan has run before the clock starts
 * (sent then, the stream's first trades would have 10,000 traders re-evaluated for copy trading in
 * the middle of the measurement, work the worker otherwise does once an hour).
 */
async function settle(tenantId: string, workerStartedAt: number) {
  const owner = new pg.Pool({ connectionString: urls.owner, max: 1 });
  const started = Date.now();
  try {
    for (;;) {
      const { rows } = await owner.query<{ done: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM compliance_settings WHERE tenant_id = $1 AND screened_list_version IS NOT NULL) AS done`,
        [tenantId],
      );
      if (rows[0]?.done) break;
      if (Date.now() - started > 300_000) {
        note("the sanctions re-screen did not finish within 5 minutes; measuring anyway");
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) {
    note(`could not check the sanctions re-screen (${(e as Error).message}); measuring anyway`);
  } finally {
    await owner.end();
  }
  const firstFraudScan = workerStartedAt + 65_000;
  if (Date.now() < firstFraudScan) await new Promise((r) => setTimeout(r, firstFraudScan - Date.now()));
  note(`worker settled after ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main() {
  const connector = await startConnector();
  note(`preparing ${database} with ${accounts} bridged accounts`);
  const { tenantId, keyId, secret } = await setup(connector.url);
  note(`generating about ${targetUpdates} updates with the market simulator`);
  const stream = await generate();
  note(`${stream.updates} updates over ${stream.simulatedHours} simulated hours`);
  const { signedHeaders } = await import("@propdesk/services/platforms");

  await startChild("scripts/bench/risk-ingest-server.ts", { PORT: String(port) }, "stdout");
  const startWorker = () =>
    startChild(
      process.env.BENCH_WORKER === "evaluator"
        ? "scripts/bench/risk-evaluator-only.ts"
        : "apps/worker/src/main.ts",
      { RISK_SIMULATOR: "off", WORKER_HEALTH_PORT: String(port + 2) },
      { url: `http://127.0.0.1:${port + 2}/healthz` },
    );
  // BENCH_SPLIT=1 (diagnostics): ingest everything first, then start the worker, to see each alone.
  const split = process.env.BENCH_SPLIT === "1";
  if (!split) {
    const workerStartedAt = Date.now();
    await startWorker();
    await settle(tenantId, workerStartedAt);
  }

  const owner = new pg.Pool({ connectionString: urls.owner, max: 2 });
  /** Waits until every partition has checkpointed every stored input; returns when that was. */
  const evaluated = async (): Promise<number> => {
    const tops = (
      await owner.query<{ partition: number; max: string }>(
        "SELECT partition, max(input_id)::text AS max FROM risk_inputs WHERE tenant_id = $1 GROUP BY partition",
        [tenantId],
      )
    ).rows;
    for (let i = 0; i < 3000; i++) {
      const { rows } = await owner.query<{ partition: number; c: string }>(
        "SELECT partition, checkpoint_input_id::text AS c FROM risk_partition_cursors WHERE tenant_id = $1",
        [tenantId],
      );
      const at = new Map(rows.map((r) => [r.partition, Number(r.c)]));
      if (tops.every((t) => (at.get(t.partition) ?? 0) >= Number(t.max))) return performance.now();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("evaluation did not finish within 150 s");
  };
  const sign = (body: string) => ({ "x-propdesk-key": keyId, ...signedHeaders(secret, body) });

  // Warm-up: the stream's first seconds at a gentle rate, before the clock starts. The first update
  // of each account, the first breaches, the first platform actions run on cold code paths and
  // connections once; what is measured is the sustained run after them.
  const warmBatches = split ? 0 : Math.ceil((warmupSeconds * warmupRate) / lanes / batchSize);
  let warm = { accepted: 0, ms: 0 };
  if (warmBatches > 0) {
    note(`warming up: ${warmBatches * batchSize * lanes} updates at ${warmupRate}/s`);
    const w = await send(
      stream.lanes.map((l) => l.slice(0, warmBatches)),
      port,
      sign,
      warmupRate,
    );
    await evaluated();
    await new Promise((r) => setTimeout(r, 2000));
    warm = { accepted: w.accepted, ms: w.ms };
  }
  const measuredFrom = Date.now();

  note("sending");
  let t0 = performance.now();
  const ingest = await send(
    stream.lanes.map((l) => l.slice(warmBatches)),
    port,
    sign,
    split ? 0 : rate,
  );
  if (split) {
    note(`ingest alone: ${Math.round(ingest.accepted / (ingest.ms / 1000))} updates/s; starting the worker`);
    await startWorker();
    t0 = performance.now();
  }
  note(`acknowledged ${ingest.accepted} in ${round(ingest.ms)} ms; waiting for evaluation`);
  const evaluatedAt = await evaluated();
  // Let in-flight platform actions land before reading them.
  await new Promise((r) => setTimeout(r, 2000));
  // The action's time is when the connector received it (a breach's effects are keyed
  // effect:<challenge>:<event seq>:<effect index>; the first to arrive counts).
  const { rows: decided } = await owner.query<{ received: string; decided: string; c: string; seq: number }>(
    `SELECT i.received_at_ms::text AS received, (extract(epoch FROM d.decided_at) * 1000)::bigint::text AS decided,
       d.challenge_id::text AS c, d.lifecycle_event_seq AS seq
     FROM risk_decisions d JOIN risk_inputs i ON i.tenant_id = d.tenant_id AND i.input_id = d.input_id
     WHERE d.tenant_id = $1 AND d.type = 'breached' AND d.lifecycle_event_seq IS NOT NULL`,
    [tenantId],
  );
  const breaches = decided.map((b) => {
    const arrivals = [0, 1, 2, 3]
      .map((i) => connector.firstReceivedAt(`effect:${b.c}:${b.seq}:${i}`))
      .filter((x): x is number => x !== undefined);
    return { ...b, action: arrivals.length > 0 ? String(Math.min(...arrivals)) : null };
  });
  const { rows: counts } = await owner.query<{ type: string; n: number }>(
    "SELECT type, count(*)::int AS n FROM risk_decisions WHERE tenant_id = $1 GROUP BY type ORDER BY type",
    [tenantId],
  );
  const measured = breaches.filter((b) => Number(b.received) >= measuredFrom);
  const commit = measured.map((b) => Number(b.decided) - Number(b.received)).sort((a, b) => a - b);
  /** Each breach's first platform action, ms after its update was received (or after it was decided). */
  const actionLatencies = (list: typeof breaches, since: "received" | "decided" = "received") =>
    list
      .filter((b) => b.action !== null)
      .map((b) => Number(b.action) - Number(b[since]))
      .sort((a, b) => a - b);
  const action = actionLatencies(measured);
  // The platform action's own part: from the breach's commit to the connector receiving it.
  const afterCommit = actionLatencies(measured, "decided");
  const warmAction = actionLatencies(breaches.filter((b) => Number(b.received) < measuredFrom));

  note("baseline: the same deliveries into a bare node:http + PostgreSQL insert");
  await owner.query(
    `CREATE TABLE bench_baseline_updates (account text, seq bigint, t timestamptz, kind text, balance text, equity text, open_positions int)`,
  );
  await startChild(
    "scripts/bench/risk-baseline-server.ts",
    { PORT: String(baselinePort), BASELINE_DATABASE_URL: urls.owner },
    "stdout",
  );
  // The baseline is measured flat out: its throughput is the ceiling the ratio compares against.
  const baseline = await send(stream.lanes, baselinePort, null, 0);
  await owner.end();

  const seconds = (evaluatedAt - t0) / 1000;
  const result = {
    accounts,
    updates: ingest.accepted,
    simulatedHours: stream.simulatedHours,
    lanes,
    batchSize,
    offeredUpdatesPerSecond: rate || "unpaced",
    seconds: round(seconds),
    updatesPerSecond: Math.round(ingest.accepted / seconds),
    ingestUpdatesPerSecond: Math.round(ingest.accepted / (ingest.ms / 1000)),
    deliveryAckMsP50: round(percentile(ingest.latencies, 50)),
    deliveryAckMsP99: round(percentile(ingest.latencies, 99)),
    breaches: measured.length,
    breachLatencyMsP50: round(percentile(action, 50)),
    breachLatencyMsP99: round(percentile(action, 99)),
    breachCommitMsP50: round(percentile(commit, 50)),
    breachCommitMsP99: round(percentile(commit, 99)),
    breachActionAfterCommitMsP50: round(percentile(afterCommit, 50)),
    breachActionAfterCommitMsP99: round(percentile(afterCommit, 99)),
    platformActionsReceived: connector.actions(),
    warmup: {
      updates: warm.accepted,
      offeredUpdatesPerSecond: warmupRate,
      seconds: round(warm.ms / 1000),
      breaches: warmAction.length,
      breachLatencyMsP50: round(percentile(warmAction, 50)),
      breachLatencyMsP99: round(percentile(warmAction, 99)),
    },
    decisions: Object.fromEntries(counts.map((c) => [c.type, c.n])),
    baseline: {
      updatesPerSecond: Math.round(baseline.accepted / (baseline.ms / 1000)),
      deliveryAckMsP50: round(percentile(baseline.latencies, 50)),
      deliveryAckMsP99: round(percentile(baseline.latencies, 99)),
    },
    ratioToBaseline: 0,
    notes:
      "After the warm-up. updatesPerSecond: first delivery sent to every update evaluated and checkpointed (includes the final checkpoint once the inputs pause, RISK_CHECKPOINT_MS=1000). breachLatency: update received → first platform action received by the connector; breachCommit: → breach decision written (its row's clock_timestamp, inside the commit); breachActionAfterCommit: that row's time → the first platform action received. warmup: the stream's first seconds at a gentle rate before the clock starts (cold code paths and connections), not in the figures above.",
  };
  result.ratioToBaseline =
    Math.round((result.updatesPerSecond / result.baseline.updatesPerSecond) * 100) / 100;
  connector.close();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench:risk failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
} finally {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          const t = setTimeout(() => c.kill("SIGKILL"), 40_000);
          c.on("exit", () => {
            clearTimeout(t);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
  await dataLayer()
    .close()
    .catch(() => {});
  const { closeRedis } = await import("@propdesk/services/redis");
  await closeRedis().catch(() => {});
  if (process.env.BENCH_KEEP !== "1") await dropDatabase(base.admin, database).catch(() => {});
  process.exit(process.exitCode ?? 0);
}
