import { describe, expect, it } from "vitest";
import { orderStatusOf } from "./order-reconcile";

const base = {
  total: 54_900n,
  paid: false,
  amountRefunded: 0n,
  disputes: [],
  paymentFailed: false,
  expired: false,
};

describe("orderStatusOf", () => {
  it.each([
    ["nothing yet", {}, "pending"],
    ["checkout expired", { expired: true }, "expired"],
    ["bank debit failed", { paymentFailed: true }, "payment_failed"],
    ["paid", { paid: true }, "paid"],
    ["paid, then part refunded", { paid: true, amountRefunded: 10_000n }, "partially_refunded"],
    ["paid, then fully refunded", { paid: true, amountRefunded: 54_900n }, "refunded"],
    ["a dispute is open", { paid: true, disputes: [{ outcome: "open" }] }, "disputed"],
    ["a dispute was won", { paid: true, disputes: [{ outcome: "won" }] }, "paid"],
    [
      "a dispute was lost, even after a partial refund",
      { paid: true, amountRefunded: 100n, disputes: [{ outcome: "lost" }] },
      "charged_back",
    ],
    ["a free order", { total: 0n, paid: true }, "paid"],
  ] as const)("%s → %s", (_label, facts, status) => {
    expect(orderStatusOf({ ...base, ...facts })).toBe(status);
  });
});
