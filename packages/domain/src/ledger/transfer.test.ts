import { describe, expect, it } from "vitest";
import { compareForIdempotency, type Transfer, validateTransfer } from "./transfer";

const base: Transfer = {
  idempotencyKey: "order:o1:purchase",
  debitAccount: "processor_clearing",
  creditAccount: "challenge_fee_revenue",
  amount: 9900n,
  currency: "USD",
  kind: "challenge_purchase",
  twoPhase: false,
  status: "posted",
  effectiveAt: "2026-03-01T09:30:00Z",
  refs: { orderId: "o1", traderId: "t1" },
  memo: "Challenge purchase",
  metadata: {},
};

describe("validateTransfer", () => {
  it("accepts a well-formed transfer", () => {
    expect(validateTransfer(base)).toEqual([]);
  });

  it.each([
    ["zero amount", { amount: 0n }, "amount"],
    ["negative amount", { amount: -5n }, "amount"],
    ["amount beyond BIGINT", { amount: 2n ** 63n }, "amount"],
    ["unknown currency", { currency: "XXY" }, "currency"],
    ["unknown debit account", { debitAccount: "cash" }, "debitAccount"],
    ["unknown credit account", { creditAccount: "bank" }, "creditAccount"],
    ["same account on both legs", { creditAccount: "processor_clearing" }, "creditAccount"],
    ["empty key", { idempotencyKey: "" }, "idempotencyKey"],
    ["key with spaces", { idempotencyKey: "order o1" }, "idempotencyKey"],
    ["single-phase created pending", { status: "pending" }, "status"],
    ["local time without offset", { effectiveAt: "2026-03-01T09:30:00" }, "effectiveAt"],
    ["impossible date", { effectiveAt: "2026-02-30T00:00:00Z" }, "effectiveAt"],
    ["unknown kind", { kind: "gift" }, "kind"],
    ["attempt zero", { refs: { attempt: 0 } }, "refs.attempt"],
  ])("refuses %s (path %s)", (_label, patch, path) => {
    const issues = validateTransfer({ ...base, ...patch } as unknown as Transfer);
    expect(issues.map((i) => i.path)).toEqual([path]);
  });
});

describe("compareForIdempotency", () => {
  it.each([
    ["identical", {}],
    ["memo reworded", { memo: "other words" }],
    ["same instant written differently", { effectiveAt: "2026-03-01T09:30:00.000Z" }],
    ["same instant in another offset", { effectiveAt: "2026-03-01T10:30:00+01:00" }],
  ])("same: %s", (_label, patch) => {
    expect(compareForIdempotency(base, { ...base, ...patch })).toEqual({ result: "same" });
  });

  it("a two-phase transfer re-sent after it was posted is the same request", () => {
    const pending: Transfer = { ...base, twoPhase: true, status: "pending" };
    expect(compareForIdempotency({ ...pending, status: "posted" }, pending)).toEqual({ result: "same" });
  });

  it.each([
    ["amount", { amount: 9901n }, [{ field: "amount", existing: "9900", incoming: "9901" }]],
    [
      "account",
      { debitAccount: "operating_cash" },
      [{ field: "debitAccount", existing: "processor_clearing", incoming: "operating_cash" }],
    ],
    [
      "a ref added",
      { refs: { orderId: "o1", traderId: "t1", challengeId: "c9" } },
      [{ field: "refs.challengeId", existing: "(none)", incoming: "c9" }],
    ],
    [
      "metadata changed",
      { metadata: { x: "1" } },
      [{ field: "metadata.x", existing: "(none)", incoming: "1" }],
    ],
    [
      "phase mode",
      { twoPhase: true, status: "pending" },
      [{ field: "twoPhase", existing: "false", incoming: "true" }],
    ],
  ] as const)("conflict: %s", (_label, patch, differences) => {
    expect(compareForIdempotency(base, { ...base, ...patch } as Transfer)).toEqual({
      result: "conflict",
      differences,
    });
  });

  it("lists every differing field", () => {
    const r = compareForIdempotency(base, {
      ...base,
      amount: 1n,
      currency: "EUR",
      effectiveAt: "2026-03-02T00:00:00Z",
    });
    expect(r.result === "conflict" && r.differences.map((d) => d.field)).toEqual([
      "amount",
      "currency",
      "effectiveAt",
    ]);
  });
});
