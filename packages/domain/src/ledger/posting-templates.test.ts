import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { refundableAmount, trialBalance } from "./balances";
import {
  affiliateClawbackPosting,
  affiliateCommissionPosting,
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
import { validateTransfer } from "./transfer";

const at = "2026-03-01T09:30:00Z";
const legs = (
  ts: { idempotencyKey: string; debitAccount: string; creditAccount: string; amount: bigint }[],
) => ts.map((t) => [t.idempotencyKey, t.debitAccount, t.creditAccount, t.amount]);

describe("challenge purchase", () => {
  it("posts gross revenue and the processor fee out of clearing", () => {
    const ts = challengePurchasePostings({
      orderId: "o1",
      gross: 9900n,
      processorFee: 317n,
      currency: "USD",
      at,
    });
    expect(legs(ts)).toEqual([
      ["order:o1:purchase", "processor_clearing", "challenge_fee_revenue", 9900n],
      ["order:o1:processor_fee", "processor_fees", "processor_clearing", 317n],
    ]);
    expect(ts.every((t) => t.status === "posted" && validateTransfer(t).length === 0)).toBe(true);
  });

  it.each([
    ["fee unknown", undefined, 1],
    ["zero fee posts nothing for it", 0n, 1],
  ])("%s", (_label, processorFee, count) => {
    expect(
      challengePurchasePostings({ orderId: "o1", gross: 500n, processorFee, currency: "USD", at }),
    ).toHaveLength(count);
  });

  it.each([
    ["zero gross", 0n, undefined, "gross"],
    ["fee above gross", 100n, 101n, "processorFee"],
    ["negative fee", 100n, -1n, "processorFee"],
  ])("refuses %s", (_label, gross, processorFee, path) => {
    try {
      challengePurchasePostings({ orderId: "o1", gross, processorFee, currency: "USD", at });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues[0]?.path).toBe(path);
    }
  });

  it("the same event gives the same keys and contents (idempotent re-delivery)", () => {
    const a = challengePurchasePostings({ orderId: "o1", gross: 100n, currency: "JPY", at, traderId: "t1" });
    const b = challengePurchasePostings({ orderId: "o1", gross: 100n, currency: "JPY", at, traderId: "t1" });
    expect(a).toEqual(b);
  });

  it.each([
    ["colon in id", "a:b"],
    ["empty id", ""],
    ["space", "a b"],
  ])("refuses an order id with %s", (_l, orderId) => {
    expect(() => challengePurchasePostings({ orderId, gross: 1n, currency: "USD", at })).toThrow(AppError);
  });
});

describe("refunds against what is still refundable", () => {
  const purchase = challengePurchasePostings({ orderId: "o1", gross: 10000n, currency: "USD", at });

  it.each([
    ["full refund", 10000n, "Full refund r1 of order o1"],
    ["partial refund", 2500n, "Partial refund r1 of order o1"],
  ])("%s", (_label, amount, memo) => {
    const [t] = refundPostings({
      refundId: "r1",
      orderId: "o1",
      amount,
      refundable: 10000n,
      currency: "USD",
      at,
    });
    expect(t!.memo).toBe(memo);
    expect([t!.debitAccount, t!.creditAccount, t!.amount]).toEqual(["refunds", "processor_clearing", amount]);
  });

  it("a second partial refund can only take what is left", () => {
    const [r1] = refundPostings({
      refundId: "r1",
      orderId: "o1",
      amount: 2500n,
      refundable: 10000n,
      currency: "USD",
      at,
    });
    const left = refundableAmount([...purchase, r1!], "o1");
    expect(left).toBe(7500n);
    expect(() =>
      refundPostings({ refundId: "r2", orderId: "o1", amount: 7501n, refundable: left, currency: "USD", at }),
    ).toThrow(/exceeds the 75.00 USD still refundable/);
  });

  it.each([
    [
      "chargeback leaves nothing",
      chargebackPostings({ disputeId: "d1", orderId: "o1", amount: 10000n, currency: "USD", at }),
      0n,
    ],
    [
      "won dispute restores it",
      [
        ...chargebackPostings({ disputeId: "d1", orderId: "o1", amount: 10000n, currency: "USD", at }),
        ...chargebackReversalPostings({
          disputeId: "d1",
          orderId: "o1",
          amount: 10000n,
          currency: "USD",
          at,
        }),
      ],
      10000n,
    ],
  ])("refundable after a %s", (_label, extra, expected) => {
    expect(refundableAmount([...purchase, ...extra], "o1")).toBe(expected);
  });
});

describe("chargebacks", () => {
  it("posts the disputed amount and the dispute fee", () => {
    const ts = chargebackPostings({
      disputeId: "d1",
      orderId: "o1",
      amount: 9900n,
      disputeFee: 1500n,
      currency: "USD",
      at,
    });
    expect(legs(ts)).toEqual([
      ["dispute:d1:chargeback", "chargebacks", "processor_clearing", 9900n],
      ["dispute:d1:fee", "dispute_fees", "processor_clearing", 1500n],
    ]);
  });

  it("a won dispute is new transfers in the other direction", () => {
    const ts = chargebackReversalPostings({
      disputeId: "d1",
      orderId: "o1",
      amount: 9900n,
      disputeFeeReturned: 1500n,
      currency: "USD",
      at,
    });
    expect(legs(ts)).toEqual([
      ["dispute:d1:reversal", "processor_clearing", "chargebacks", 9900n],
      ["dispute:d1:fee_return", "processor_clearing", "dispute_fees", 1500n],
    ]);
  });
});

describe("payouts", () => {
  const amounts = {
    traderShare: 80000n,
    phaseProfitShare: 1500n,
    feeRefund: 9900n,
    balanceReduction: 100000n,
  };

  it("approval accrues what the firm owes, one transfer per component", () => {
    const ts = payoutAccrualPostings({ payoutId: "p1", traderId: "t1", amounts, currency: "USD", at });
    expect(legs(ts)).toEqual([
      ["payout:p1:profit_share", "trader_payout_expense", "trader_payouts_payable", 80000n],
      ["payout:p1:phase_reward", "trader_payout_expense", "trader_payouts_payable", 1500n],
      ["payout:p1:fee_refund", "fee_refunds", "trader_payouts_payable", 9900n],
    ]);
    expect(ts[0]!.metadata).toEqual({ platformBalanceReduction: "100000" });
  });

  it("zero components are left out", () => {
    const ts = payoutAccrualPostings({
      payoutId: "p1",
      traderId: "t1",
      amounts: { ...amounts, phaseProfitShare: 0n, feeRefund: 0n },
      currency: "USD",
      at,
    });
    expect(ts.map((t) => t.kind)).toEqual(["trader_profit_share"]);
  });

  it.each([
    ["nothing to pay", { traderShare: 0n, phaseProfitShare: 0n, feeRefund: 0n, balanceReduction: 0n }],
    [
      "balance reduced for no share",
      { traderShare: 0n, phaseProfitShare: 0n, feeRefund: 10n, balanceReduction: 5n },
    ],
    ["negative share", { ...amounts, traderShare: -1n }],
  ])("refuses %s", (_label, bad) => {
    expect(() =>
      payoutAccrualPostings({ payoutId: "p1", traderId: "t1", amounts: bad, currency: "USD", at }),
    ).toThrow(AppError);
  });

  it("each rail attempt is its own pending transfer, posted or voided by key", () => {
    const t = payoutReservePosting({
      payoutId: "p1",
      attempt: 2,
      traderId: "t1",
      amount: 91400n,
      currency: "USD",
      at,
    });
    expect([t.idempotencyKey, t.status, t.twoPhase, t.refs.attempt]).toEqual([
      "payout:p1:attempt:2",
      "pending",
      true,
      2,
    ]);
    expect(payoutPaid("p1", 2)).toEqual({ idempotencyKey: "payout:p1:attempt:2", action: "post" });
    expect(payoutFailed("p1", 2)).toEqual({ idempotencyKey: "payout:p1:attempt:2", action: "void" });
    expect(() => ledgerKeys.payoutAttempt("p1", 0)).toThrow(AppError);
  });
});

describe("affiliates", () => {
  it("a clawback cannot exceed the commission", () => {
    const base = { commissionId: "c1", affiliateId: "a1", currency: "USD", at };
    expect(affiliateCommissionPosting({ ...base, amount: 1000n }).creditAccount).toBe(
      "affiliate_commissions_payable",
    );
    expect(affiliateClawbackPosting({ ...base, amount: 1000n, commissionAmount: 1000n }).debitAccount).toBe(
      "affiliate_commissions_payable",
    );
    expect(() => affiliateClawbackPosting({ ...base, amount: 1001n, commissionAmount: 1000n })).toThrow(
      /cannot exceed/,
    );
  });
});

describe("reversals", () => {
  const [purchase] = challengePurchasePostings({ orderId: "o1", gross: 4200n, currency: "USD", at });

  it("swap the legs, keep the refs and point at the original", () => {
    const r = reversalOf(purchase!, { at, reason: "posted to the wrong desk" });
    expect([r.idempotencyKey, r.debitAccount, r.creditAccount, r.amount, r.refs.reversesKey]).toEqual([
      "order:o1:purchase:reversal",
      "challenge_fee_revenue",
      "processor_clearing",
      4200n,
      "order:o1:purchase",
    ]);
    expect(trialBalance([purchase!, r]).rows.every((row) => row.debit === 0n && row.credit === 0n)).toBe(
      true,
    );
  });

  it.each([
    ["pending", "void it instead"],
    ["voided", "only a posted transfer"],
  ] as const)("refuse a %s transfer", (status, message) => {
    expect(() => reversalOf({ ...purchase!, twoPhase: true, status }, { at, reason: "x" })).toThrow(message);
  });
});
