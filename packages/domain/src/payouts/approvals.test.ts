import { describe, expect, it } from "vitest";
import { canApprove, type PayoutForApproval, requiredApprovals } from "./approvals";

const usd = (amount: bigint) => ({ amount, currency: "USD" });

describe("requiredApprovals", () => {
  it.each([
    ["below the threshold", 499_999n, 500_000n, 1],
    ["exactly at the threshold", 500_000n, 500_000n, 1],
    ["one cent above", 500_001n, 500_000n, 2],
    ["no threshold configured", 10n ** 12n, null, 1],
  ])("%s → %i", (_label, amount, threshold, n) => {
    expect(requiredApprovals(usd(amount), threshold === null ? null : usd(threshold))).toBe(n);
  });

  it("refuses a threshold in another currency", () => {
    expect(() => requiredApprovals(usd(1n), { amount: 1n, currency: "EUR" })).toThrow(/threshold is in EUR/);
  });
});

describe("canApprove", () => {
  const payout = (required: 1 | 2, status = "pending_approval"): PayoutForApproval => ({
    id: "po_1",
    status,
    requestedBy: "trader_1",
    amount: usd(900_000n),
    requiredApprovals: required,
  });
  const approvals = (...ids: string[]) => ids.map((approverId) => ({ approverId }));

  it.each([
    ["one needed, first approver", 1, [], "fin_a", { allowed: true, approvalsAfter: 1, fullyApproved: true }],
    [
      "two needed, first approver",
      2,
      [],
      "fin_a",
      { allowed: true, approvalsAfter: 1, fullyApproved: false },
    ],
    [
      "two needed, a different second approver",
      2,
      ["fin_a"],
      "fin_b",
      { allowed: true, approvalsAfter: 2, fullyApproved: true },
    ],
    [
      "duplicate rows of one approver count once",
      2,
      ["fin_a", "fin_a"],
      "fin_b",
      { allowed: true, approvalsAfter: 2, fullyApproved: true },
    ],
  ] as const)("allowed: %s", (_label, required, existing, approver, expected) => {
    expect(canApprove(payout(required), approver, approvals(...existing))).toEqual(expected);
  });

  it.each([
    ["the requester", 2, [], "trader_1", "pending_approval", ["requester_cannot_approve"]],
    ["the same person twice", 2, ["fin_a"], "fin_a", "pending_approval", ["already_approved_by_user"]],
    ["a third approver", 2, ["fin_a", "fin_b"], "fin_c", "pending_approval", ["fully_approved"]],
    [
      "a payout already approved",
      1,
      ["fin_a"],
      "fin_b",
      "approved",
      ["not_awaiting_approval", "fully_approved"],
    ],
    [
      "a rejected payout, by its requester",
      1,
      [],
      "trader_1",
      "rejected",
      ["not_awaiting_approval", "requester_cannot_approve"],
    ],
  ] as const)("refused: %s", (_label, required, existing, approver, status, codes) => {
    const r = canApprove(payout(required, status), approver, approvals(...existing));
    expect(r.allowed === false && r.reasons.map((x) => x.code)).toEqual(codes);
  });

  it("says who must act next", () => {
    const r = canApprove(payout(2), "fin_a", approvals("fin_a"));
    expect(r.allowed === false && r.reasons[0]!.message).toBe(
      "You already approved payout po_1; a second, different finance user must approve it.",
    );
  });
});
