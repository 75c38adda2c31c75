/**
 * Property tests of the ledger under realistic delivery: random purchases, refunds, chargebacks,
 * payouts requested, approved, sent, paid, failed and retried, then delivered with duplicates and
 * in a random interleaving. Our own workflow's commands for one payout keep their order (they are
 * issued one after the other); processor and rail events may arrive in any order. A handler that
 * meets something it cannot handle yet (the payout attempt does not exist, the payable is still
 * reserved, the purchase is not in yet) fails and is retried later, as a queue job would be.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { computePayout, parsePayoutTerms } from "../payouts";
import { refundableAmount } from "./balances";
import { InMemoryLedger } from "./in-memory-ledger";
import {
  challengePurchasePostings,
  chargebackPostings,
  chargebackReversalPostings,
  ledgerKeys,
  payoutAccrualPostings,
  payoutFailed,
  payoutPaid,
  payoutReservePosting,
  refundPostings,
  reversalOf,
} from "./posting-templates";
import type { Transfer } from "./transfer";

const at = "2026-03-01T00:00:00Z";
const CHALLENGE_FEE = 9_900n;
const terms = parsePayoutTerms({
  currency: "USD",
  splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromPayoutNumber: 3 }],
  feeRefund: { withPayoutNumber: 1 },
  minimumPayout: "0",
  firstPayoutDelayDays: 0,
  cycleDays: 1,
});

type Action =
  | { t: "purchase"; trader: number; gross: number; feePermille: number }
  | { t: "refund"; pick: number; permille: number }
  | { t: "chargeback"; pick: number; disputeFee: number }
  | { t: "disputeWon"; pick: number }
  | { t: "approvePayout"; trader: number; profit: number }
  | { t: "send"; pick: number }
  | { t: "railResult"; pick: number; ok: boolean }
  | { t: "cancel"; pick: number };

// Weighted so that payouts regularly go through several failed attempts before being paid.
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("purchase" as const),
      trader: fc.nat(3),
      gross: fc.integer({ min: 1, max: 100_000 }),
      feePermille: fc.nat(100),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("refund" as const),
      pick: fc.nat(),
      permille: fc.integer({ min: 1, max: 1000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("chargeback" as const), pick: fc.nat(), disputeFee: fc.nat(1500) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("disputeWon" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("approvePayout" as const),
      trader: fc.nat(3),
      profit: fc.integer({ min: 0, max: 5_000_000 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant("send" as const), pick: fc.nat() }) },
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant("railResult" as const), pick: fc.nat(), ok: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("cancel" as const), pick: fc.nat() }) },
);

/** One delivery: a handler run against the ledger. */
type Op = { label: string; run: (l: InMemoryLedger) => void };

interface PayoutModel {
  id: string;
  trader: string;
  payoutNumber: number;
  profit: bigint;
  total: bigint;
  attempts: number;
  inFlight: boolean;
  paid: boolean;
  cancelled: boolean;
}

interface World {
  /** Ordered streams: our own commands per payout, and one stream per external event. */
  streams: Op[][];
  /** The same ops in their causal order, for the reference run. */
  canonical: Op[];
  payouts: PayoutModel[];
  gross: bigint;
  refunded: bigint;
  chargedBackNet: bigint;
}

const applyAll = (ts: Transfer[]) => (l: InMemoryLedger) => {
  for (const t of ts) l.apply(t);
};

/** Interprets random actions as a valid business history and the ledger operations it causes. */
function buildWorld(actions: Action[]): World {
  const streams: Op[][] = [];
  const canonical: Op[] = [];
  const payoutStream = new Map<string, Op[]>();
  const external = (op: Op) => {
    streams.push([op]);
    canonical.push(op);
  };
  const own = (payoutId: string, op: Op) => {
    let s = payoutStream.get(payoutId);
    if (!s) {
      s = [];
      payoutStream.set(payoutId, s);
      streams.push(s);
    }
    s.push(op);
    canonical.push(op);
  };
  const orders: { id: string; trader: string; remaining: bigint }[] = [];
  const disputes: { id: string; order: (typeof orders)[number]; amount: bigint; won: boolean }[] = [];
  const traders = new Map<string, { payouts: number; feeRefunded: boolean }>();
  const payouts: PayoutModel[] = [];
  const w = { gross: 0n, refunded: 0n, chargedBackNet: 0n };
  let n = 0;
  const pick = <T>(xs: T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

  for (const a of actions) {
    n += 1;
    switch (a.t) {
      case "purchase": {
        const gross = BigInt(a.gross);
        const order = { id: `o${n}`, trader: `t${a.trader}`, remaining: gross };
        orders.push(order);
        w.gross += gross;
        const ts = challengePurchasePostings({
          orderId: order.id,
          traderId: order.trader,
          gross,
          processorFee: (gross * BigInt(a.feePermille)) / 1000n,
          currency: "USD",
          at,
        });
        external({ label: `purchase ${order.id}`, run: applyAll(ts) });
        break;
      }
      case "refund": {
        const order = pick(orders, a.pick);
        if (!order || order.remaining === 0n) break;
        let amount = (order.remaining * BigInt(a.permille)) / 1000n;
        if (amount === 0n) amount = 1n;
        order.remaining -= amount;
        w.refunded += amount;
        const refundId = `r${n}`;
        const orderId = order.id;
        external({
          label: `refund ${refundId}`,
          // Like a real handler: a re-delivery finds its key; a first delivery checks what is refundable.
          run: (l) => {
            const seen = l.get(ledgerKeys.refund(refundId)) !== undefined;
            const refundable = seen ? amount : refundableAmount(l.transfers(), orderId);
            applyAll(refundPostings({ refundId, orderId, amount, refundable, currency: "USD", at }))(l);
          },
        });
        break;
      }
      case "chargeback": {
        const order = pick(orders, a.pick);
        if (!order || order.remaining === 0n) break;
        const dispute = { id: `d${n}`, order, amount: order.remaining, won: false };
        disputes.push(dispute);
        order.remaining = 0n;
        w.chargedBackNet += dispute.amount;
        const ts = chargebackPostings({
          disputeId: dispute.id,
          orderId: order.id,
          amount: dispute.amount,
          disputeFee: BigInt(a.disputeFee),
          currency: "USD",
          at,
        });
        external({ label: `chargeback ${dispute.id}`, run: applyAll(ts) });
        break;
      }
      case "disputeWon": {
        const d = pick(disputes, a.pick);
        if (!d || d.won) break;
        d.won = true;
        d.order.remaining += d.amount;
        w.chargedBackNet -= d.amount;
        const ts = chargebackReversalPostings({
          disputeId: d.id,
          orderId: d.order.id,
          amount: d.amount,
          currency: "USD",
          at,
        });
        external({ label: `dispute won ${d.id}`, run: applyAll(ts) });
        break;
      }
      case "approvePayout": {
        const trader = `t${a.trader}`;
        const tr = traders.get(trader) ?? { payouts: 0, feeRefunded: false };
        const profit = BigInt(a.profit);
        const amounts = computePayout(terms, {
          payoutNumber: tr.payouts + 1,
          scalingLevel: 0,
          balance: 10_000_000n + profit,
          profitBaseline: 10_000_000n,
          challengeFee: CHALLENGE_FEE,
          feeAlreadyRefunded: tr.feeRefunded,
        });
        if (amounts.traderShare === 0n) break; // nothing to pay: the request is refused
        tr.payouts += 1;
        if (amounts.feeRefund > 0n) tr.feeRefunded = true;
        traders.set(trader, tr);
        const p: PayoutModel = {
          id: `p${n}`,
          trader,
          payoutNumber: tr.payouts,
          profit,
          total: amounts.totalToTrader,
          attempts: 0,
          inFlight: false,
          paid: false,
          cancelled: false,
        };
        payouts.push(p);
        const ts = payoutAccrualPostings({ payoutId: p.id, traderId: trader, amounts, currency: "USD", at });
        own(p.id, { label: `approve ${p.id}`, run: applyAll(ts) });
        break;
      }
      case "send": {
        const p = pick(payouts, a.pick);
        if (!p || p.inFlight || p.paid || p.cancelled) break;
        p.attempts += 1;
        p.inFlight = true;
        const t = payoutReservePosting({
          payoutId: p.id,
          attempt: p.attempts,
          traderId: p.trader,
          amount: p.total,
          currency: "USD",
          at,
        });
        own(p.id, { label: `send ${p.id}#${p.attempts}`, run: (l) => void l.apply(t) });
        break;
      }
      case "railResult": {
        const p = pick(payouts, a.pick);
        if (!p?.inFlight) break;
        p.inFlight = false;
        p.paid = a.ok;
        const r = a.ok ? payoutPaid(p.id, p.attempts) : payoutFailed(p.id, p.attempts);
        external({ label: `${r.action} ${p.id}#${p.attempts}`, run: (l) => void l.resolve(r) });
        break;
      }
      case "cancel": {
        const p = pick(payouts, a.pick);
        if (!p || p.inFlight || p.paid || p.cancelled) break;
        p.cancelled = true;
        const keys = [ledgerKeys.payoutProfitShare(p.id), ledgerKeys.payoutFeeRefund(p.id)];
        own(p.id, {
          label: `cancel ${p.id}`,
          run: (l) => {
            for (const k of keys) {
              const original = l.get(k);
              if (original) l.apply(reversalOf(original, { at, reason: "payout rejected" }));
            }
          },
        });
        break;
      }
    }
  }
  return { streams, canonical, payouts, ...w };
}

/** Errors a queue job would retry later: the prerequisite has not been processed yet. */
const retryable = (e: unknown) =>
  e instanceof AppError &&
  (e.code === "NOT_FOUND" || e.code === "PRECONDITION_FAILED" || e.code === "VALIDATION");

/**
 * Delivers every stream's ops, in stream order, interleaved by `schedule`, with `dups` extra copies
 * inserted later in their own stream. Throws if the system gets stuck.
 */
function deliver(
  world: World,
  schedule: number[],
  dups: number[],
  check: (l: InMemoryLedger) => void,
): InMemoryLedger {
  const ledger = new InMemoryLedger({ currency: "USD" });
  const streams = world.streams.map((s) => [...s]);
  dups.forEach((d, i) => {
    const s = streams[d % Math.max(streams.length, 1)];
    if (!s || s.length === 0) return;
    const k = (d >> 4) % s.length;
    s.splice(k + 1 + (i % (s.length - k)), 0, s[k]!);
  });
  let step = 0;
  while (streams.some((s) => s.length > 0)) {
    const live = streams.filter((s) => s.length > 0);
    const first = (schedule[step % Math.max(schedule.length, 1)] ?? 0) % live.length;
    step += 1;
    // The scheduled stream goes first; if its head must wait, the others are tried in turn.
    let progressed = false;
    for (let k = 0; k < live.length && !progressed; k++) {
      const s = live[(first + k) % live.length]!;
      try {
        s[0]!.run(ledger);
        s.shift();
        progressed = true;
        check(ledger);
      } catch (e) {
        if (!retryable(e)) throw e;
      }
    }
    if (!progressed) throw new Error(`Stuck with ${live.map((x) => x[0]!.label).join(", ")} waiting`);
  }
  return ledger;
}

const snapshot = (l: InMemoryLedger) =>
  new Map(
    l
      .transfers()
      .map((t) => [t.idempotencyKey, `${t.status}:${t.amount}:${t.debitAccount}>${t.creditAccount}`]),
  );

describe("ledger under duplicated and reordered deliveries", () => {
  it("balances, pays each payout at most once, releases voided reserves and pays what the split rules give", () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 1, maxLength: 80, size: "max" }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 20, size: "max" }),
        (actions, schedule, dups) => {
          const world = buildWorld(actions);
          const ledger = deliver(world, schedule, dups, (l) => {
            expect(l.trialBalance().balanced).toBe(true);
          });

          // Same final state as processing each event once, in causal order.
          const reference = new InMemoryLedger({ currency: "USD" });
          for (const op of world.canonical) op.run(reference);
          expect(snapshot(ledger)).toEqual(snapshot(reference));

          const transfers = ledger.transfers();
          const b = ledger.balances();
          expect(b.challenge_fee_revenue.posted).toBe(world.gross);
          expect(b.refunds.posted).toBe(world.refunded);
          expect(b.chargebacks.posted).toBe(world.chargedBackNet);

          let inFlight = 0n;
          for (const p of world.payouts) {
            const attempts = transfers.filter((t) => t.kind === "trader_payout" && t.refs.payoutId === p.id);
            const posted = attempts.filter((t) => t.status === "posted");
            const pending = attempts.filter((t) => t.status === "pending");
            // Never paid twice; paid exactly when the rail said so, for the approved total.
            expect(posted.length).toBe(p.paid ? 1 : 0);
            if (p.paid) expect(posted[0]!.amount).toBe(p.total);
            // Every failed attempt is voided, only the one in flight is still reserved.
            expect(pending.length).toBe(p.inFlight ? 1 : 0);
            expect(attempts.filter((t) => t.status === "voided").length).toBe(
              p.attempts - (p.paid ? 1 : 0) - (p.inFlight ? 1 : 0),
            );
            if (p.inFlight) inFlight += p.total;
          }
          // Voided reserves hold nothing back: the only pending amounts are the attempts in flight.
          expect(b.trader_payouts_payable.debitsPending).toBe(inFlight);
          expect(b.trader_payouts_payable.available).toBe(b.trader_payouts_payable.posted - inFlight);
          const owed = world.payouts.filter((p) => !p.paid && !p.cancelled).reduce((s, p) => s + p.total, 0n);
          expect(b.trader_payouts_payable.posted).toBe(owed);

          // Each trader's paid total, against the split rules written out independently:
          // 80 % (90 % from the third payout) of the profit rounded down, plus the fee with payout 1.
          const paidBy = new Map<string, bigint>();
          for (const t of transfers)
            if (t.kind === "trader_payout" && t.status === "posted")
              paidBy.set(t.refs.traderId!, (paidBy.get(t.refs.traderId!) ?? 0n) + t.amount);
          const expected = new Map<string, bigint>();
          for (const p of world.payouts.filter((x) => x.paid)) {
            const share = (p.profit * (p.payoutNumber >= 3 ? 90n : 80n)) / 100n;
            const fee = p.payoutNumber === 1 ? CHALLENGE_FEE : 0n;
            expected.set(p.trader, (expected.get(p.trader) ?? 0n) + share + fee);
          }
          expect(paidBy).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
