import { dataLayer, risk, riskPipeline } from "@propdesk/db";
import { closeSqlLayer, sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformUpdate } from "../platforms/platform-update";
import { SeededRandom } from "../platforms/simulator/seeded-random";
import { tenantFixture } from "../testing/fixtures";
import {
  accountsOf,
  checkpointedStateOf,
  decisionsOf,
  deliver,
  deliverStream,
  fastRulesProgram,
  forAccounts,
  generateStream,
  installTestSimulator,
  provisionedChallenges,
  TestEvaluators,
} from "../testing/risk-fixtures";
import { challengeReplay } from "./challenge-replay";
import { partitionOf } from "./risk-config";

/**
 * The same stream of platform updates, delivered once in order, twice, and in re-cut batches whose
 * updates are shuffled, gives the same decisions: duplicates change nothing, and an account's
 * updates are applied in the order of their seq whatever order they arrive in within a delivery.
 */
const ACCOUNTS = 8;
let stream: PlatformUpdate[];

beforeAll(async () => {
  installTestSimulator();
  stream = await generateStream(ACCOUNTS, 30);
});
afterAll(closeSqlLayer);

async function scenario(label: string) {
  const t = await tenantFixture(label);
  const { programId } = await fastRulesProgram(t);
  const ids = await provisionedChallenges(t, programId, ACCOUNTS);
  const updates = forAccounts(stream, await accountsOf(t.tenantId, ids));
  return { t, ids, updates, evaluators: new TestEvaluators(t.tenantId, { batchSize: 700 }) };
}

describe("decisions do not depend on how the stream is delivered", () => {
  it("in order, twice, and in shuffled re-cut batches", async () => {
    expect(stream.length).toBeGreaterThan(3000);

    const ref = await scenario("inorder");
    for (let i = 0; i < ref.updates.length; i += 500) {
      await deliverStream(ref.t.tenantId, ref.updates.slice(i, i + 500));
      await ref.evaluators.drain();
    }
    const expected = await decisionsOf(ref.t.tenantId, ref.ids);
    expect(expected.some((d) => (d.decision as { type: string }).type === "breached")).toBe(true);

    // Twice: each chunk delivered again right after itself, and the whole stream once more at the end.
    const twice = await scenario("twice");
    for (let i = 0; i < twice.updates.length; i += 500) {
      const chunk = twice.updates.slice(i, i + 500);
      await deliverStream(twice.t.tenantId, chunk);
      const again = await deliver(twice.t.tenantId, chunk);
      expect(again).toMatchObject({ accepted: 0, duplicates: chunk.length, stale: 0 });
      await twice.evaluators.drain();
    }
    await deliverStream(twice.t.tenantId, twice.updates);
    await twice.evaluators.drain();
    expect(await decisionsOf(twice.t.tenantId, twice.ids)).toEqual(expected);

    // Shuffled: batches of random sizes, each in a random order.
    const shuffled = await scenario("shuffled");
    const rng = new SeededRandom(7);
    for (let i = 0; i < shuffled.updates.length; ) {
      const size = 50 + Math.floor(rng.next() * 900);
      const batch = shuffled.updates.slice(i, i + size);
      i += size;
      for (let k = batch.length - 1; k > 0; k--) {
        const j = Math.floor(rng.next() * (k + 1));
        [batch[k], batch[j]] = [batch[j]!, batch[k]!];
      }
      const r = await deliver(shuffled.t.tenantId, batch);
      expect(r).toMatchObject({ accepted: batch.length, duplicates: 0, stale: 0 });
      if (rng.next() < 0.5) await shuffled.evaluators.drain();
    }
    await shuffled.evaluators.drain();
    expect(await decisionsOf(shuffled.t.tenantId, shuffled.ids)).toEqual(expected);

    // And each challenge's decisions replay from its stored inputs.
    for (const id of shuffled.ids)
      expect((await challengeReplay(shuffled.t.tenantId, id)).matches).toBe(true);
  });

  it("an update another process stored meanwhile still makes older ones stale", async () => {
    const s = await scenario("otherwriter");
    const account = s.updates[0]!.account;
    const mine = s.updates.filter((u) => u.account === account).slice(0, 40);
    // This process stores the first ten (and remembers the account's seq)...
    await deliverStream(s.t.tenantId, mine.slice(0, 10));
    // ...then another ingest process stores the 31st, under the same partition lock (here: the
    // first update's row again, with the 31st's seq and time).
    await sqlLayer().withTenant(s.t.tenantId, async (sql) => {
      const first = `FROM risk_inputs WHERE source = 'platform' AND seq = $1
        AND trading_account_id IN (SELECT id FROM trading_accounts WHERE platform_account_id = $2)`;
      const [row] = await sql.query<{ partition: number }>(`SELECT partition ${first}`, [
        mine[0]!.seq,
        account,
      ]);
      await riskPipeline.lockPartitions(sql, [row!.partition]);
      await sql.query(
        `INSERT INTO risk_inputs (tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind,
           seq, t_ms, balance, equity, open_positions, amount, trade_id, symbol, side, lots, price, stop_loss, details,
           received_at_ms)
         SELECT tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind,
           $3, $4, balance, equity, open_positions, amount, trade_id, symbol, side, lots, price, stop_loss, details,
           received_at_ms ${first}`,
        [mine[0]!.seq, account, mine[30]!.seq, Date.parse(mine[30]!.t)],
      );
    });
    const late = await deliver(s.t.tenantId, mine.slice(10, 20));
    expect(late).toMatchObject({ accepted: 0, duplicates: 0, stale: 10 });
    const after = await deliver(s.t.tenantId, mine.slice(30, 40));
    expect(after).toMatchObject({ accepted: 9, duplicates: 1, stale: 0 });
  });

  it("records an update older than one already received as stale and never evaluates it", async () => {
    const s = await scenario("stale");
    const account = s.updates[0]!.account;
    const mine = s.updates.filter((u) => u.account === account).slice(0, 40);
    await deliverStream(s.t.tenantId, mine.slice(20));
    const late = await deliver(s.t.tenantId, mine.slice(0, 20));
    expect(late).toMatchObject({ accepted: 0, duplicates: 0, stale: 20 });
    await s.evaluators.drain();
    const rows = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskInput.findMany({ where: { source: "platform" }, orderBy: { inputId: "asc" } }),
    );
    expect(rows.filter((r) => r.stale).map((r) => Number(r.seq))).toEqual(
      mine.slice(0, 20).map((u) => u.seq),
    );
    const challengeId = s.ids[(await accountsOf(s.t.tenantId, s.ids)).indexOf(account)]!;
    const state = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskEngineState.findUnique({
        where: { tenantId_challengeId: { tenantId: s.t.tenantId, challengeId } },
      }),
    );
    // The engine's clock never went back: its last update is the newest one delivered.
    expect(Number(state!.lastTMs)).toBe(Date.parse(mine[39]!.t));
  });

  it("a restart after checkpoints that saved only some challenges applies every input once", async () => {
    // Each account gets a deposit a third of the way in: applied twice, it would show in the balance.
    const withDeposits = (updates: PlatformUpdate[]) => {
      const out: PlatformUpdate[] = [];
      const seen = new Map<string, number>();
      for (const u of updates) {
        out.push({ ...u, seq: u.seq * 2 });
        const n = (seen.get(u.account) ?? 0) + 1;
        seen.set(u.account, n);
        if (n === 60)
          out.push({
            type: "balance_adjustment",
            account: u.account,
            seq: u.seq * 2 + 1,
            t: u.t,
            adjustmentId: `deposit-${u.account}`,
            amount: "250.00",
            reason: "deposit",
          } as PlatformUpdate);
      }
      return out;
    };
    const ref = await scenario("oncepartial-ref");
    const refUpdates = withDeposits(ref.updates);
    await deliverStream(ref.t.tenantId, refUpdates);
    await ref.evaluators.drain();

    const s = await scenario("oncepartial");
    const updates = withDeposits(s.updates);
    const first = new TestEvaluators(s.t.tenantId, { batchSize: 300, checkpointMinRows: 1 });
    const third = Math.floor(updates.length / 3);
    for (const part of [updates.slice(0, third), updates.slice(third, 2 * third)]) {
      await deliverStream(s.t.tenantId, part);
      for (const e of first.evaluators) {
        while ((await e.step()) > 0) {}
        // Under load a checkpoint saves the challenges changed longest ago, not all of them.
        await e.checkpoint({ all: false });
        await e.flush();
      }
    }
    const cursors = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskPartitionCursor.findMany({ select: { checkpointInputId: true } }),
    );
    const ahead = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskEngineState.count({
        where: { lastInputId: { gt: Math.min(...cursors.map((c) => Number(c.checkpointInputId))) } },
      }),
    );
    expect(ahead).toBeGreaterThan(0);
    // The process dies here; a new one starts from what is stored and gets the rest.
    await deliverStream(s.t.tenantId, updates.slice(2 * third));
    await new TestEvaluators(s.t.tenantId, { batchSize: 300 }).drain();
    expect(await checkpointedStateOf(s.t.tenantId, s.ids)).toEqual(
      await checkpointedStateOf(ref.t.tenantId, ref.ids),
    );
    expect(await decisionsOf(s.t.tenantId, s.ids)).toEqual(await decisionsOf(ref.t.tenantId, ref.ids));
  });

  it("a control input waits for the partition's lock and is numbered after what the holder stored", async () => {
    const s = await scenario("control");
    const account = s.updates[0]!.account;
    const mine = s.updates.filter((u) => u.account === account).slice(0, 5);
    const [target] = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.tradingAccount.findMany({ where: { platformAccountId: account } }),
    );
    const partition = partitionOf(target!.challengeId);
    const control = {
      partition,
      challengeId: target!.challengeId,
      tradingAccountId: target!.id,
      phaseIndex: target!.phaseIndex,
      source: "scheduler" as const,
      kind: "clock" as const,
      controlKey: `clock:${target!.challengeId}:test`,
      tMs: Date.parse(mine[0]!.t),
    };
    // A unit of work holds the partition (as the ingest does) while a control input is appended.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = sqlLayer().withTenant(s.t.tenantId, async (sql) => {
      await riskPipeline.lockPartitions(sql, [partition]);
      await sql.query("SELECT 1");
      locked();
      await held;
      await sql.query(
        `INSERT INTO risk_inputs (tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind, seq,
           t_ms, balance, equity, open_positions, received_at_ms)
         VALUES ($1, $2, $3, $4, $5, 'platform', 'account', 1, $6, 10000000, 10000000, 0, $7)`,
        [
          s.t.tenantId,
          partition,
          target!.challengeId,
          target!.id,
          target!.phaseIndex,
          control.tMs,
          Date.now(),
        ],
      );
    });
    await isLocked;
    const appended = dataLayer().withTenant(s.t.tenantId, (db) => risk.insertControlInput(db, control));
    // The append waits for the lock: nothing of it is stored while the holder runs.
    await new Promise((r) => setTimeout(r, 200));
    const early = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskInput.count({ where: { controlKey: control.controlKey } }),
    );
    expect(early).toBe(0);
    release();
    await holder;
    const controlId = await appended;
    const rows = await dataLayer().withTenant(s.t.tenantId, (db) =>
      db.riskInput.findMany({
        where: { tradingAccountId: target!.id, kind: { in: ["account", "clock"] } },
        orderBy: { inputId: "asc" },
      }),
    );
    expect(rows.map((r) => r.kind)).toEqual(["account", "clock"]);
    expect(controlId).toBe(Number(rows[1]!.inputId));
    // The same key again stores nothing and says so.
    expect(
      await dataLayer().withTenant(s.t.tenantId, (db) => risk.insertControlInput(db, control)),
    ).toBeNull();
  });
});
