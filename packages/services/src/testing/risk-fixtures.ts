import { dataLayer } from "@propdesk/db";
import { sqlAs } from "@propdesk/db/testing/sql";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import type { BridgeDelivery } from "../ingest/bridge-delivery";
import { ingestPlatformUpdates } from "../ingest/ingest-updates";
import { createLogger, type Logger } from "../logging/logger";
import { signatureHeader, signedHeaders, timestampHeader } from "../platforms/bridge/bridge-signature";
import { installSimulator } from "../platforms/platform-registry";
import type { PlatformUpdate } from "../platforms/platform-update";
import { createSimulatorPlatform, type SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { saveProgramVersion } from "../programs/program-admin";
import { PartitionEvaluator } from "../risk/partition-evaluator";
import { riskPartitions } from "../risk/risk-config";
import { programFixture, traderFixture } from "./challenge-fixtures";
import { signIn, type TenantFixture } from "./fixtures";

/**
 * Live-risk test helpers. The outbox relay and BullMQ are not running in integration tests; these
 * run the queued `challenges.apply-effects` jobs of a tenant through their real handler, as the
 * worker would, and install a market simulator in the test process.
 */
const log = createLogger("test", "silent");

/** A fresh simulator installed as this process's simulator (tests drive its clock). */
export function installTestSimulator(seed = 7, startTime = Date.UTC(2026, 0, 5, 8)): SimulatorPlatform {
  const sim = createSimulatorPlatform({ seed, startTime });
  installSimulator(sim);
  return sim;
}

/**
 * Runs every undispatched `challenges.apply-effects` job of the tenant (and those they queue), in
 * creation order, marking each dispatched first as the relay would. Returns how many ran.
 */
export async function runChallengeEffects(
  tenantId: string,
  opts: { maxRounds?: number } = {},
): Promise<number> {
  const { default: handler } = await import("../challenges/apply-challenge-effects.job");
  let ran = 0;
  for (let round = 0; round < (opts.maxRounds ?? 10); round++) {
    const rows = await dataLayer().withPlatform(async (db) => {
      const pending = await db.outboxEvent.findMany({
        where: { tenantId, jobName: "challenges.apply-effects", dispatchedAt: null },
        orderBy: { createdAt: "asc" },
      });
      if (pending.length > 0)
        await db.outboxEvent.updateMany({
          where: { id: { in: pending.map((p) => p.id) } },
          data: { dispatchedAt: new Date() },
        });
      return pending;
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const payload = (
        row.payload as { data: { challengeId: string; eventSeq: number; effects: Array<{ type: string }> } }
      ).data;
      await handler(payload, { jobId: row.id, tenantId, attempt: 1, log });
      ran++;
    }
  }
  return ran;
}

/**
 * A program whose rules act fast on simulated traders: a 2% soft daily loss (pauses), 4% static
 * maximum loss, a 2% target with no minimum of trading days, warnings at 50% and 80%, then a funded
 * phase. Created from the two-step template and saved as the program's second version.
 */
export async function fastRulesProgram(t: TenantFixture) {
  const { programId, owner } = await programFixture(t, "two-step-cfd");
  const definition = {
    name: "Fast rules 100K",
    currency: "USD",
    initialBalance: "100000.00",
    timezone: "Europe/Prague",
    dayStart: "00:00",
    kycRequired: false,
    reset: { allowed: true, discountPct: 10, freeRetake: false },
    profitSplit: { traderPct: 80 },
    phases: [
      {
        name: "Challenge",
        kind: "evaluation",
        profitTarget: { pct: 2 },
        dailyLoss: { pct: 2, amountBase: "initial", reference: "balance", kind: "soft" },
        maxLoss: { pct: 4, mode: "static", lockAt: null },
        minTradingDays: 0,
        maxDays: null,
        consistency: null,
        warnings: { levels: [50, 80] },
      },
      {
        name: "Funded",
        kind: "funded",
        dailyLoss: { pct: 2, amountBase: "initial", reference: "balance", kind: "hard" },
        maxLoss: { pct: 4, mode: "static", lockAt: null },
      },
    ],
  };
  const saved = await saveProgramVersion(owner.principal, programId, definition);
  return { programId, versionId: saved.version.id, owner };
}

/** Challenges assigned to new traders on a program, provisioned through the real effect handlers. */
export async function provisionedChallenges(t: TenantFixture, programId: string, n: number) {
  const owner = await signIn(t, t.owner.email);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const trader = await traderFixture(t, `sim${i}`);
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "risk test",
    });
    ids.push(challenge.id);
  }
  await runChallengeEffects(t.tenantId);
  return ids;
}

/** Runs the simulator to `toMs` in steps and stores what it emits for this tenant's accounts. */
export async function feedSimulator(
  sim: SimulatorPlatform,
  tenantId: string,
  toMs: number,
  stepMs = 15 * 60_000,
): Promise<number> {
  let n = 0;
  for (let t = Math.min(sim.now + stepMs, toMs); ; t = Math.min(t + stepMs, toMs)) {
    const updates = sim.advanceTo(t);
    if (updates.length > 0) {
      n += (await deliver(tenantId, updates)).accepted;
    }
    if (t >= toMs) return n;
  }
}

/** One evaluator per partition of a tenant, kept across calls like the worker keeps them. */
export class TestEvaluators {
  readonly evaluators: PartitionEvaluator[];

  constructor(
    tenantId: string,
    opts: {
      fastPath?: boolean;
      batchSize?: number;
      checkpointMs?: number;
      checkpointMinRows?: number;
      /** Where the evaluators log (silent unless a test reads what they say). */
      log?: Logger;
    } = {},
  ) {
    this.evaluators = Array.from(
      { length: riskPartitions() },
      (_, partition) =>
        new PartitionEvaluator({
          tenantId,
          partition,
          log: opts.log ?? log,
          fastPath: opts.fastPath ?? false,
          batchSize: opts.batchSize,
          checkpointMs: opts.checkpointMs,
          checkpointMinRows: opts.checkpointMinRows,
        }),
    );
  }

  async drain(): Promise<void> {
    for (const e of this.evaluators) await e.drain();
  }
}

/** A delivery signed the way a connector signs it (tests vary the pieces to forge one). */
export function signedDelivery(
  keyId: string,
  secret: string,
  updates: unknown[] | string,
  opts: { timestampMs?: number; contentType?: string; signature?: string } = {},
): BridgeDelivery {
  const body = Buffer.from(typeof updates === "string" ? updates : JSON.stringify(updates));
  const headers = signedHeaders(secret, body, opts.timestampMs ?? Date.now());
  return {
    keyId,
    timestamp: headers[timestampHeader],
    signature: opts.signature ?? headers[signatureHeader],
    contentType: opts.contentType ?? "application/json",
    body,
    receivedAtMs: Date.now(),
  };
}

/**
 * A fixed stream of platform updates from a simulator of its own (not the installed one): `accounts`
 * traders over `hours` of simulated time, every account in order of its seq. Accounts are named
 * G-1..G-n; `forAccounts` renames them onto a tenant's accounts.
 */
export async function generateStream(accounts: number, hours: number, seed = 99): Promise<PlatformUpdate[]> {
  const start = Date.UTC(2026, 0, 5, 8);
  const gen = createSimulatorPlatform({ seed, startTime: start, styleMix: { reckless: 3, martingale: 2 } });
  for (let i = 1; i <= accounts; i++)
    await gen.provisionAccount({
      idempotencyKey: `g-${i}`,
      reference: `g-${i}`,
      currency: "USD",
      balance: 10_000_000n,
      label: `stream ${i}`,
    });
  const out: PlatformUpdate[] = [];
  for (let t = start + 15 * 60_000; t <= start + hours * 3_600_000; t += 15 * 60_000)
    out.push(...gen.advanceTo(t));
  return out.map((u) => ({ ...u, account: `G-${u.account.slice(4)}` }));
}

export function forAccounts(
  stream: readonly PlatformUpdate[],
  platformAccountIds: readonly string[],
): PlatformUpdate[] {
  return stream.map((u) => ({ ...u, account: platformAccountIds[Number(u.account.slice(2)) - 1]! }));
}

/** The platform account ids of a tenant's challenges, in the order given. */
export async function accountsOf(tenantId: string, challengeIds: readonly string[]): Promise<string[]> {
  return dataLayer().withTenant(tenantId, async (db) => {
    const rows = await db.tradingAccount.findMany({
      where: { challengeId: { in: [...challengeIds] }, phaseIndex: 0 },
    });
    return challengeIds.map((id) => rows.find((r) => r.challengeId === id)!.platformAccountId!);
  });
}

/** One delivery of simulator updates, answered as the ingest answers it. */
export function deliver(tenantId: string, updates: readonly PlatformUpdate[]) {
  return ingestPlatformUpdates(
    tenantId,
    "simulator",
    updates.map((update, index) => ({ index, update })),
    { receivedAtMs: Date.now() },
  );
}

/** Stores updates in chunks, as deliveries of the given sizes. */
export async function deliverStream(tenantId: string, updates: readonly PlatformUpdate[], chunk = 500) {
  for (let i = 0; i < updates.length; i += chunk) await deliver(tenantId, updates.slice(i, i + chunk));
}

/**
 * Every decision of a tenant's challenges in a form comparable across tenants: the challenge's
 * position in `challengeIds`, the platform seq of the input that caused it, and the decision.
 */
export async function decisionsOf(tenantId: string, challengeIds: readonly string[]) {
  return dataLayer().withTenant(tenantId, async (db) => {
    const rows = await db.riskDecision.findMany({ orderBy: [{ inputId: "asc" }, { idx: "asc" }] });
    const inputs = await db.riskInput.findMany({ where: { inputId: { in: rows.map((r) => r.inputId) } } });
    const seqOf = new Map(inputs.map((i) => [i.inputId, i.seq === null ? i.kind : Number(i.seq)]));
    return rows
      .map((r) => ({
        challenge: challengeIds.indexOf(r.challengeId),
        input: seqOf.get(r.inputId),
        idx: r.idx,
        decision: r.decision,
        lifecycle: r.lifecycleEventSeq !== null,
      }))
      .sort(
        (a, b) =>
          a.challenge - b.challenge ||
          String(a.input).localeCompare(String(b.input), undefined, { numeric: true }) ||
          a.idx - b.idx,
      );
  });
}

/**
 * What the evaluators checkpointed, by challenge index: each engine state with its floors and room,
 * and every equity bar row (minutes, closes, balances, floors), in a stable order.
 */
export async function checkpointedStateOf(tenantId: string, challengeIds: readonly string[]) {
  const { rows: states } = await sqlAs("platform").query<Record<string, unknown>>(
    `SELECT challenge_id::text, phase_index, engine_status, suspended, state, day_profits, balance::text,
       equity::text, daily_floor::text, max_loss_floor::text, room::text, next_due_ms::text
     FROM risk_engine_states WHERE tenant_id = $1`,
    [tenantId],
  );
  const { rows: bars } = await sqlAs("platform").query<Record<string, unknown>>(
    `SELECT a.challenge_id::text, a.phase_index, b.hour_ms::text, b.minutes, b.equity_open::text[], b.equity_high::text[],
       b.equity_low::text[], b.equity_close::text[], b.balance::text[], b.daily_floor::text[], b.max_loss_floor::text[]
     FROM risk_equity_bars b JOIN trading_accounts a ON a.tenant_id = b.tenant_id AND a.id = b.trading_account_id
     WHERE b.tenant_id = $1`,
    [tenantId],
  );
  const byIndex = (r: Record<string, unknown>) => {
    const { challenge_id, ...rest } = r;
    return { challenge: challengeIds.indexOf(challenge_id as string), ...rest };
  };
  const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b));
  return { states: states.map(byIndex).sort(order), bars: bars.map(byIndex).sort(order) };
}

/** Runs the tenant's undispatched outbox jobs of one kind through their real handler (the relay's part). */
export async function runQueuedJobs(tenantId: string, jobName: string): Promise<number> {
  const { jobRegistry } = await import("../jobs/registry");
  const def = jobRegistry.get(jobName);
  if (!def) throw new Error(`unknown job ${jobName}`);
  const { default: handler } = await def.handler();
  const rows = await dataLayer().withPlatform(async (db) => {
    const pending = await db.outboxEvent.findMany({
      where: { tenantId, jobName, dispatchedAt: null },
      orderBy: { createdAt: "asc" },
    });
    if (pending.length > 0)
      await db.outboxEvent.updateMany({
        where: { id: { in: pending.map((p) => p.id) } },
        data: { dispatchedAt: new Date() },
      });
    return pending;
  });
  for (const row of rows)
    await handler(def.schema.parse((row.payload as { data: unknown }).data), {
      jobId: row.id,
      tenantId,
      attempt: 1,
      log,
    });
  return rows.length;
}
