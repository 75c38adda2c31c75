import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { InMemoryLedger } from "./in-memory-ledger";
import {
  challengePurchasePostings,
  payoutAccrualPostings,
  payoutFailed,
  payoutPaid,
  payoutReservePosting,
  reversalOf,
} from "./posting-templates";

const at = "2026-03-01T09:30:00Z";
const usd = () => new InMemoryLedger({ currency: "USD" });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return "no error";
}

function approved(ledger: InMemoryLedger, payoutId = "p1", traderShare = 8000n) {
  for (const t of payoutAccrualPostings({
    payoutId,
    traderId: "t1",
    amounts: { traderShare, phaseProfitShare: 0n, feeRefund: 0n, balanceReduction: 10000n },
    currency: "USD",
    at,
  }))
    ledger.apply(t);
}

const reserve = (attempt: number, amount = 8000n, payoutId = "p1") =>
  payoutReservePosting({ payoutId, attempt, traderId: "t1", amount, currency: "USD", at });

describe("idempotent creation", () => {
  it("the same key and contents twice has one effect", () => {
    const l = usd();
    const [t] = challengePurchasePostings({ orderId: "o1", gross: 9900n, currency: "USD", at });
    expect(l.apply(t!).outcome).toBe("created");
    expect(l.apply({ ...t!, memo: "re-delivered" }).outcome).toBe("duplicate");
    expect(l.transfers()).toHaveLength(1);
    expect(l.balances().challenge_fee_revenue.posted).toBe(9900n);
  });

  it("the same key with other contents is refused and names the fields", () => {
    const l = usd();
    const [t] = challengePurchasePostings({ orderId: "o1", gross: 9900n, currency: "USD", at });
    l.apply(t!);
    try {
      l.apply({ ...t!, amount: 9000n });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe("IDEMPOTENCY_MISMATCH");
      expect((e as AppError).issues).toEqual([{ path: "amount", message: "was 9900, now 9000" }]);
    }
    expect(l.balances().challenge_fee_revenue.posted).toBe(9900n);
  });

  it.each([
    ["another currency", { currency: "EUR" }, "VALIDATION"],
    ["created voided", { status: "voided", twoPhase: true }, "VALIDATION"],
    ["zero amount", { amount: 0n }, "VALIDATION"],
  ])("refuses a transfer with %s", (_label, patch, expected) => {
    const [t] = challengePurchasePostings({ orderId: "o1", gross: 9900n, currency: "USD", at });
    expect(code(() => usd().apply({ ...t!, ...patch } as typeof t & object))).toBe(expected);
  });
});

describe("two-phase payouts", () => {
  it("reserve, then post once: repeats are harmless, the opposite action is refused", () => {
    const l = usd();
    approved(l);
    l.apply(reserve(1));
    expect(l.balances().trader_payouts_payable).toMatchObject({ posted: 8000n, available: 0n });
    expect(l.resolve(payoutPaid("p1", 1)).outcome).toBe("posted");
    expect(l.resolve(payoutPaid("p1", 1)).outcome).toBe("duplicate");
    expect(code(() => l.resolve(payoutFailed("p1", 1)))).toBe("ILLEGAL_TRANSITION");
    expect(l.balances().trader_payouts_payable).toMatchObject({ posted: 0n, available: 0n });
    expect(l.balances().cash_payouts_clearing.posted).toBe(-8000n);
  });

  it("a voided reserve releases the amount and a retry can take it", () => {
    const l = usd();
    approved(l);
    l.apply(reserve(1));
    expect(code(() => l.apply(reserve(2)))).toBe("PRECONDITION_FAILED");
    l.resolve(payoutFailed("p1", 1));
    expect(l.balances().trader_payouts_payable).toMatchObject({
      posted: 8000n,
      available: 8000n,
      debitsPending: 0n,
    });
    expect(code(() => l.resolve(payoutPaid("p1", 1)))).toBe("ILLEGAL_TRANSITION");
    l.apply(reserve(2));
    l.resolve(payoutPaid("p1", 2));
    expect(l.balances().trader_payouts_payable.posted).toBe(0n);
  });

  it("a payout cannot be reserved for more than was approved for it, even if others have payables", () => {
    const l = usd();
    approved(l, "p1", 8000n);
    approved(l, "p2", 50000n);
    expect(code(() => l.apply(reserve(1, 8001n, "p1")))).toBe("PRECONDITION_FAILED");
    expect(l.apply(reserve(1, 8000n, "p1")).outcome).toBe("created");
  });

  it("a paid payout cannot be paid again under a new attempt", () => {
    const l = usd();
    approved(l);
    l.apply(reserve(1));
    l.resolve(payoutPaid("p1", 1));
    expect(code(() => l.apply(reserve(2)))).toBe("PRECONDITION_FAILED");
  });

  it("an approved payout cannot be cancelled while a rail attempt is in flight", () => {
    const l = usd();
    approved(l);
    l.apply(reserve(1));
    const accrual = l.get("payout:p1:profit_share")!;
    expect(code(() => l.apply(reversalOf(accrual, { at, reason: "cancelled" })))).toBe("PRECONDITION_FAILED");
    l.resolve(payoutFailed("p1", 1));
    expect(l.apply(reversalOf(accrual, { at, reason: "cancelled" })).outcome).toBe("created");
  });

  it.each([
    ["unknown key", "payout:p9:attempt:1", "NOT_FOUND"],
    ["single-phase transfer", "payout:p1:profit_share", "ILLEGAL_TRANSITION"],
  ])("resolve refuses an %s", (_label, key, expected) => {
    const l = usd();
    approved(l);
    expect(code(() => l.post(key))).toBe(expected);
  });

  it("transfers handed out cannot be edited", () => {
    const l = usd();
    approved(l);
    const t = l.transfers()[0]!;
    expect(() => {
      (t as { amount: bigint }).amount = 1n;
    }).toThrow(TypeError);
  });
});

describe("balances and trial balance", () => {
  it("available subtracts pending reserves; the trial balance sums to zero", () => {
    const l = usd();
    for (const t of challengePurchasePostings({
      orderId: "o1",
      gross: 10000n,
      processorFee: 320n,
      currency: "USD",
      at,
    }))
      l.apply(t);
    approved(l);
    l.apply(reserve(1));
    const b = l.balances();
    expect(b.processor_clearing).toMatchObject({ posted: 9680n, available: 9680n });
    expect(b.cash_payouts_clearing).toMatchObject({ posted: 0n, available: -8000n, creditsPending: 8000n });
    const tb = l.trialBalance();
    expect([tb.totalDebits, tb.totalCredits, tb.balanced]).toEqual([18000n, 18000n, true]);
  });
});
