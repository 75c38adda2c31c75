/**
 * Property test of the whole money flow in the database: random purchases, refunds, chargebacks,
 * payout requests, approvals, disbursements, rail answers (paid or failed), retries, rejections
 * and cancellations; the rail's answers and the processor's events are delivered duplicated and
 * in a random order. After every run:
 * - the ledger balances (trial balance) and the materialised balances equal the transfers' sums;
 * - no payout is paid twice (at most one posted attempt, for exactly its amount);
 * - every voided reservation is released (nothing stays pending once its attempt is settled);
 * - each trader's paid total equals what the split rules give for the payouts that were paid.
 */
import { challenges, dataLayer, ledger, payouts, type TenantDb } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import {
  challengePurchasePostings,
  chargebackPostings,
  refundPostings,
  type Transfer,
} from "@propdesk/domain/ledger";
import { computePayout, parsePayoutTerms } from "@propdesk/domain/payouts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../audit/record-audit";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { trialBalanceOf } from "../ledger/ledger-balances";
import { postTransfers } from "../ledger/post-transfers";
import { traderFixture } from "../testing/challenge-fixtures";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { payoutProgram, storePayoutRequest } from "../testing/payout-fixtures";
import { installTestSimulator, runChallengeEffects } from "../testing/risk-fixtures";
import { saveDestinationCooloff } from "./payout-admin";
import { addPayoutDestination } from "./payout-destinations";
import {
  type Approver,
  approvePayoutsInDb,
  closeUnpaidPayout,
  reserveAttemptsInDb,
  settleAttemptsInDb,
} from "./payout-workflow";

const terms = parsePayoutTerms({
  currency: "USD",
  splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromPayoutNumber: 3 }],
  minimumPayout: "0",
  firstPayoutDelayDays: 0,
  cycleDays: 1,
});

let t: TenantFixture;
interface Slot {
  challengeId: string;
  tradingAccountId: string;
  traderId: string;
  destinationId: string;
}
const slots: Slot[] = [];
let approver: Approver;
const actor: Actor = { type: "system", label: "property test" };

beforeAll(async () => {
  t = await tenantFixture("props");
  installTestSimulator(5);
  const { programId } = await payoutProgram(t);
  const owner = await signIn(t, t.owner.email);
  approver = { userId: owner.principal.userId, label: owner.principal.email, access: owner.principal };
  await saveDestinationCooloff(owner.principal, { deskId: t.deskId, hours: 0 });
  for (let i = 0; i < 3; i++) {
    const trader = await traderFixture(t, `prop${i}`);
    const dest = await addPayoutDestination(trader.principal, {
      rail: "crypto",
      label: "w",
      chain: "tron",
      asset: "USDT",
      address: `T${"B".repeat(32)}${i + 1}`,
    });
    for (let k = 0; k < 6; k++) {
      const { challenge } = await assignChallenge(owner.principal, {
        traderId: trader.traderId,
        programId,
        reason: "property test",
      });
      slots.push({
        challengeId: challenge.id,
        tradingAccountId: "",
        traderId: trader.traderId,
        destinationId: dest.id,
      });
    }
  }
  await runChallengeEffects(t.tenantId);
  await dataLayer().withTenant(t.tenantId, async (db) => {
    for (const s of slots)
      s.tradingAccountId = (await challenges.findTradingAccountByPhase(db, s.challengeId, 0))!.id;
  });
}, 120_000);
afterAll(closeSqlLayer);

type Op =
  | { t: "purchase"; order: number; gross: number }
  | { t: "refund"; order: number; permille: number }
  | { t: "chargeback"; order: number }
  | { t: "request"; slot: number; profit: number }
  | { t: "approve"; pick: number }
  | { t: "disburse"; pick: number; twice: boolean }
  | { t: "answer"; pick: number; ok: boolean; copies: number; now: boolean }
  | { t: "deliver"; pick: number }
  | { t: "retry"; pick: number }
  | { t: "reject" | "cancel"; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("purchase" as const),
      order: fc.nat(5),
      gross: fc.integer({ min: 100, max: 50_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("refund" as const),
      order: fc.nat(5),
      permille: fc.integer({ min: 1, max: 1000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("chargeback" as const), order: fc.nat(5) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("request" as const),
      slot: fc.nat(17),
      profit: fc.integer({ min: 1, max: 2_000_000 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("approve" as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant("disburse" as const), pick: fc.nat(), twice: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("answer" as const),
      pick: fc.nat(),
      ok: fc.boolean(),
      copies: fc.integer({ min: 1, max: 3 }),
      now: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("deliver" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("retry" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constantFrom("reject" as const, "cancel" as const), pick: fc.nat() }),
  },
);

const tenant = <T>(work: (db: TenantDb) => Promise<T>) => dataLayer().withTenant(t.tenantId, work);
const swallow = (e: unknown) => {
  if (!(e instanceof AppError)) throw e;
};

describe("random payout and purchase histories with duplicated, reordered deliveries", () => {
  it("keep the ledger balanced, never pay twice, release every voided reserve and pay exactly the split", async () => {
    let run = 0;
    const seen = { paid: 0, retriedThenPaid: 0, failed: 0, closed: 0, disbursing: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 30, maxLength: 80 }), async (ops) => {
        const prefix = `r${run++}x${Date.now().toString(36)}`;
        const mine: { id: string; slot: number; total: bigint }[] = [];
        const purchases = new Map<number, bigint>();
        /** Processor events and rail answers waiting to be delivered (possibly more than once). */
        const inbox: (() => Promise<unknown>)[] = [];
        // Mostly the latest requests, so that payouts go through several steps (and retries).
        const pickOf = <T>(list: T[], n: number) =>
          list.length === 0
            ? undefined
            : n % 4 === 0
              ? list[n % list.length]
              : list[list.length - 1 - (n % Math.min(2, list.length))];
        // Commands go to payouts in a state where they make sense (mostly), so histories progress.
        const pickIn = async (statuses: string[], n: number) => {
          const rows = await tenant((db) =>
            payouts.findPayouts(
              db,
              mine.map((m) => m.id),
            ),
          );
          const fit = rows
            .filter((r) => statuses.includes(r.status))
            .map((r) => mine.find((m) => m.id === r.id)!);
          return n % 5 === 0 ? pickOf(mine, n) : pickOf(fit, n);
        };
        const openSlots = async () =>
          new Set(
            (
              await tenant((db) =>
                payouts.listPayouts(
                  db,
                  { deskIds: null, statuses: ["pending_approval", "approved", "disbursing", "failed"] },
                  { take: 1000 },
                ),
              )
            ).map((p) => p.challengeId),
          );
        for (const o of ops) {
          switch (o.t) {
            case "purchase": {
              const orderId = `${prefix}-o${o.order}`;
              if (purchases.has(o.order)) break;
              purchases.set(o.order, BigInt(o.gross));
              const transfers = challengePurchasePostings({
                orderId,
                currency: "USD",
                at: "2026-03-01T00:00:00Z",
                gross: BigInt(o.gross),
                processorFee: 30n,
              });
              // The processor's event may arrive twice, later.
              inbox.push(() => tenant((db) => postTransfers(db, transfers)));
              inbox.push(() => tenant((db) => postTransfers(db, transfers)));
              break;
            }
            case "refund": {
              const gross = purchases.get(o.order);
              if (gross === undefined) break;
              const amount = (gross * BigInt(o.permille)) / 1000n || 1n;
              const transfers: Transfer[] = refundPostings({
                refundId: `${prefix}-rf${o.order}`,
                orderId: `${prefix}-o${o.order}`,
                currency: "USD",
                at: "2026-03-02T00:00:00Z",
                amount,
                refundable: gross,
              });
              inbox.push(() => tenant((db) => postTransfers(db, transfers)));
              break;
            }
            case "chargeback": {
              const gross = purchases.get(o.order);
              if (gross === undefined) break;
              const transfers = chargebackPostings({
                disputeId: `${prefix}-d${o.order}`,
                orderId: `${prefix}-o${o.order}`,
                currency: "USD",
                at: "2026-03-03T00:00:00Z",
                amount: gross,
                disputeFee: 1500n,
              });
              inbox.push(() => tenant((db) => postTransfers(db, transfers)));
              break;
            }
            case "request": {
              const slot = slots[o.slot % slots.length]!;
              if ((await openSlots()).has(slot.challengeId)) break;
              const done = await tenant((db) => payouts.listChallengePayouts(db, slot.challengeId));
              const number =
                done.filter((p) => ["approved", "disbursing", "paid", "failed"].includes(p.status)).length +
                1;
              const a = computePayout(terms, {
                payoutNumber: number,
                scalingLevel: 0,
                balance: 10_000_000n + BigInt(o.profit),
                profitBaseline: 10_000_000n,
                challengeFee: 0n,
                feeAlreadyRefunded: true,
              });
              if (a.totalToTrader === 0n) break;
              const p = await tenant((db) =>
                storePayoutRequest(db, {
                  ...slot,
                  deskId: t.deskId,
                  rail: "crypto",
                  payoutNumber: number,
                  reference: `${prefix}-${mine.length}`.slice(-20),
                  amounts: a,
                }),
              );
              mine.push({ id: p.id, slot: o.slot % slots.length, total: a.totalToTrader });
              break;
            }
            case "approve": {
              const p = await pickIn(["pending_approval"], o.pick);
              if (p) await tenant((db) => approvePayoutsInDb(db, approver, [p.id], new Date()));
              break;
            }
            case "disburse": {
              const p = await pickIn(["approved", "disbursing"], o.pick);
              if (!p) break;
              // A duplicated command (two clicks, a job retried) resumes the same attempt.
              for (let i = 0; i < (o.twice ? 2 : 1); i++)
                await tenant((db) => reserveAttemptsInDb(db, actor, [p.id], new Date()));
              break;
            }
            case "answer": {
              const p = await pickIn(["disbursing"], o.pick);
              if (!p) break;
              const row = await tenant((db) => payouts.findPayout(db, p.id));
              const last = row?.payoutAttempts.at(-1);
              if (!last || last.status !== "reserved") break;
              const outcome = o.ok
                ? {
                    status: "paid" as const,
                    railReference: `wd-${last.id}`,
                    txHash: `hash-${last.id}`,
                    response: null,
                  }
                : { status: "failed" as const, reason: "rail refused", response: null };
              for (let i = 0; i < o.copies; i++)
                inbox.push(() =>
                  tenant((db) =>
                    settleAttemptsInDb(
                      db,
                      actor,
                      [{ payoutId: p.id, attempt: last.attempt, outcome }],
                      new Date(),
                    ),
                  ),
                );
              break;
            }
            case "retry": {
              // Finance retries the failed payouts it sees (a new attempt each).
              const failed = (
                await tenant((db) =>
                  payouts.findPayouts(
                    db,
                    mine.map((m) => m.id),
                  ),
                )
              ).filter((p) => p.status === "failed");
              const p = pickOf(failed, o.pick);
              if (p) await tenant((db) => reserveAttemptsInDb(db, actor, [p.id], new Date()));
              break;
            }
            case "deliver": {
              if (inbox.length === 0) break;
              const [next] = inbox.splice(o.pick % inbox.length, 1);
              await next!().catch(swallow);
              break;
            }
            case "reject":
            case "cancel": {
              const p = pickOf(mine, o.pick);
              if (!p) break;
              await tenant((db) =>
                closeUnpaidPayout(
                  db,
                  p.id,
                  { kind: o.t === "reject" ? "rejected" : "cancelled", actor, reason: "property test" },
                  new Date(),
                ),
              ).catch(swallow);
              break;
            }
          }
        }
        // Everything still in flight arrives (in the order it was queued).
        for (const next of inbox) await next().catch(swallow);

        const rows = await tenant((db) =>
          payouts.findPayouts(
            db,
            mine.map((m) => m.id),
          ),
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const m of mine) {
          const p = byId.get(m.id)!;
          if (p.status === "paid") seen.paid++;
          if (p.status === "paid" && p.payoutAttempts.length > 1) seen.retriedThenPaid++;
          if (p.status === "failed") seen.failed++;
          if (p.status === "disbursing") seen.disbursing++;
          if (p.status === "rejected" || p.status === "cancelled") seen.closed++;
          const transfers = await tenant((db) => ledger.listPayoutTransfers(db, m.id));
          const attempts = transfers.filter((x) => x.transfer.kind === "trader_payout");
          const posted = attempts.filter((x) => x.transfer.status === "posted");
          // Never paid twice; paid exactly its amount when paid.
          expect(posted.length, p.reference).toBeLessThanOrEqual(1);
          expect(posted.length === 1, `${p.reference} ${p.status}`).toBe(p.status === "paid");
          if (posted[0]) expect(posted[0].transfer.amount).toBe(m.total);
          // A settled attempt leaves nothing pending; only a disbursing payout holds a reserve.
          const pending = attempts.filter((x) => x.transfer.status === "pending");
          expect(pending.length, p.reference).toBe(p.status === "disbursing" ? 1 : 0);
          for (const a of p.payoutAttempts)
            if (a.status === "failed")
              expect(attempts.find((x) => x.transfer.refs.attempt === a.attempt)?.transfer.status).toBe(
                "voided",
              );
          const [payable] = await tenant((db) => ledger.findPayables(db, "trader_payouts_payable", [m.id]));
          if (p.status === "paid") expect(payable!.creditsPosted - payable!.debitsPosted).toBe(0n);
          if (p.status === "rejected" || p.status === "cancelled")
            expect((payable?.creditsPosted ?? 0n) - (payable?.debitsPosted ?? 0n)).toBe(0n);
        }
        // Each trader's paid total is the split of the payouts that were paid, to the cent.
        for (const traderId of new Set(slots.map((s) => s.traderId))) {
          const expected = mine
            .filter((m) => slots[m.slot]!.traderId === traderId && byId.get(m.id)!.status === "paid")
            .reduce((s, m) => s + m.total, 0n);
          const paid = (
            await tenant((db) =>
              ledger.listTransfers(
                db,
                { kind: "trader_payout", status: "posted", ref: traderId },
                { limit: 10_000 },
              ),
            )
          )
            .filter((x) => mine.some((m) => m.id === x.transfer.refs.payoutId))
            .reduce((s, x) => s + x.transfer.amount, 0n);
          expect(paid).toBe(expected);
        }
        const tb = await tenant((db) => trialBalanceOf(db, "USD"));
        expect(tb.balanced).toBe(true);
        // Close what is still open (the rail fails what is in flight; the trader cancels), so the
        // next history finds its accounts free: compensation must leave nothing owed or reserved.
        for (const p of rows.filter((r) =>
          ["pending_approval", "approved", "disbursing", "failed"].includes(r.status),
        )) {
          const last = p.payoutAttempts.at(-1);
          if (p.status === "disbursing" && last)
            await tenant((db) =>
              settleAttemptsInDb(
                db,
                actor,
                [
                  {
                    payoutId: p.id,
                    attempt: last.attempt,
                    outcome: { status: "failed", reason: "closed", response: null },
                  },
                ],
                new Date(),
              ),
            );
          await tenant((db) =>
            closeUnpaidPayout(db, p.id, { kind: "cancelled", actor, reason: "end of history" }, new Date()),
          );
          const [payable] = await tenant((db) => ledger.findPayables(db, "trader_payouts_payable", [p.id]));
          expect(
            (payable?.creditsPosted ?? 0n) - (payable?.debitsPosted ?? 0n) - (payable?.debitsPending ?? 0n),
          ).toBe(0n);
        }
      }),
      { numRuns: 40, seed: Number(process.env.PROPERTY_SEED ?? 20261124) },
    );
    // The histories really went through every path.
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
    const [materialised, summed] = await tenant(async (db) => [
      await ledger.listBalances(db),
      await ledger.sumBalancesFromTransfers(db),
    ]);
    const strip = (rows: ledger.BalanceRow[]) => rows.map(({ transfers: _n, ...r }) => r);
    expect(strip(materialised)).toEqual(strip(summed));
  }, 300_000);
});
