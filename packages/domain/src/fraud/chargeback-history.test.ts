import { describe, expect, it } from "vitest";
import type { ChargebackRecord } from "./chargeback-history";
import { chargebackHistorySignal } from "./chargeback-history";

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
let n = 0;
const cb = (
  status: ChargebackRecord["status"],
  amountMinor: bigint,
  currency = "USD",
  at = "2025-01-03",
  traderId = "t1",
) => ({
  traderId,
  chargebackId: `cb${++n}`,
  at: day(at),
  amountMinor,
  currency,
  status,
});

describe("chargebackHistorySignal", () => {
  it.each([
    [
      "one dispute the firm won is low",
      [cb("won", 9900n)],
      "low",
      "1 chargeback (1 won) totalling 99.00 USD since 2025-01-03.",
    ],
    [
      "one open dispute is medium",
      [cb("open", 9900n)],
      "medium",
      "1 chargeback (1 open) totalling 99.00 USD since 2025-01-03.",
    ],
    [
      "one lost dispute is high",
      [cb("lost", 9900n)],
      "high",
      "1 chargeback (1 lost) totalling 99.00 USD since 2025-01-03.",
    ],
    [
      "two open or lost disputes are high, totals added in minor units",
      [cb("open", 50000n, "USD", "2025-02-01"), cb("lost", 70000n)],
      "high",
      "2 chargebacks (1 lost, 1 open) totalling 1,200.00 USD since 2025-01-03.",
    ],
    [
      "totals per currency, zero-decimal JPY included",
      [cb("open", 15000n, "JPY"), cb("won", 1n, "EUR", "2025-03-01")],
      "medium",
      "2 chargebacks (1 open, 1 won) totalling 0.01 EUR and 15,000 JPY since 2025-01-03.",
    ],
  ] as const)("%s", (_label, records, severity, reason) => {
    const s = chargebackHistorySignal("t1", records);
    expect(s).toMatchObject({ kind: "chargeback_history", severity, traderId: "t1", relatedTraderIds: [] });
    expect(s!.reason).toBe(reason);
  });

  it("keeps the evidence as JSON-safe minor-unit strings", () => {
    const s = chargebackHistorySignal("t1", [cb("open", 50000n), cb("lost", 70000n, "USD", "2025-02-01")])!;
    expect(s.evidence).toMatchObject({
      count: 2,
      byStatus: { open: 1, lost: 1, won: 0 },
      totals: { USD: "120000" },
      firstAt: day("2025-01-03"),
      lastAt: day("2025-02-01"),
    });
    expect(JSON.parse(JSON.stringify(s.evidence)).totals).toEqual({ USD: "120000" });
  });

  it("a firm may treat a single lost dispute as medium", () => {
    expect(chargebackHistorySignal("t1", [cb("lost", 100n)], { lostIsHigh: false })!.severity).toBe("medium");
  });

  it.each([
    ["no chargebacks", []],
    ["only another trader's", [cb("lost", 100n, "USD", "2025-01-03", "t2")]],
  ])("does not fire with %s", (_label, records) => {
    expect(chargebackHistorySignal("t1", records)).toBeNull();
  });
});
