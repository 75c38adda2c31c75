import { describe, expect, it } from "vitest";
import { fraudSignalsForTrader } from "./trader-fraud-signals";

const T0 = Date.UTC(2025, 4, 1);

describe("fraudSignalsForTrader", () => {
  it("gathers every signal about one trader, most severe first, and nothing about others", () => {
    const trades = Array.from({ length: 5 }, (_, i) => [
      {
        tradeId: `a${i}`,
        accountId: "A1",
        traderId: "t1",
        symbol: "XAUUSD",
        side: "buy" as const,
        volume: 1,
        openedAt: T0 + i * 60_000,
      },
      {
        tradeId: `b${i}`,
        accountId: "B1",
        traderId: "t2",
        symbol: "XAUUSD",
        side: "sell" as const,
        volume: 1,
        openedAt: T0 + i * 60_000 + 1500,
      },
    ]).flat();
    const signals = fraudSignalsForTrader({
      traderId: "t1",
      email: "t1@guerrillamail.com",
      signIns: [
        { traderId: "t1", at: T0, ip: "203.0.113.5" },
        { traderId: "t2", at: T0, ip: "203.0.113.5" },
        { traderId: "t2", at: T0, ip: "198.51.100.1", deviceFingerprint: "d2" },
        { traderId: "t3", at: T0, ip: "198.51.100.1", deviceFingerprint: "d2" },
      ],
      trades,
      chargebacks: [
        { traderId: "t1", chargebackId: "c1", at: T0, amountMinor: 30000n, currency: "USD", status: "open" },
      ],
    });
    expect(signals.map((s) => [s.kind, s.severity])).toEqual([
      ["hedging", "high"],
      ["chargeback_history", "medium"],
      ["disposable_email", "medium"],
      ["shared_ip", "medium"],
    ]);
    expect(signals.every((s) => s.traderId === "t1" && s.reason.endsWith("."))).toBe(true);
  });

  it("is empty for a clean trader", () => {
    expect(
      fraudSignalsForTrader({
        traderId: "t9",
        email: "t9@gmail.com",
        signIns: [{ traderId: "t9", at: T0, ip: "192.0.2.1", deviceFingerprint: "d9" }],
        payments: [{ traderId: "t9", at: T0, paymentFingerprint: "fp9" }],
      }),
    ).toEqual([]);
  });
});
