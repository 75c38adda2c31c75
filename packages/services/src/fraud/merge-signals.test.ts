import type { FraudSignal } from "@propdesk/domain/fraud";
import { describe, expect, it } from "vitest";
import { mergeByKind } from "./fraud-evaluation";

const signal = (
  kind: FraudSignal["kind"],
  severity: FraudSignal["severity"],
  related: string[],
  reason: string,
): FraudSignal => ({
  kind,
  severity,
  traderId: "t1",
  relatedTraderIds: related,
  reason,
  evidence: { pairs: 5 },
});

describe("mergeByKind", () => {
  it("keeps one flag per kind: every related trader, both reasons, the highest severity", () => {
    const merged = mergeByKind([
      signal("hedging", "medium", ["b"], "Hedged against b."),
      signal("copy_trading", "medium", ["c"], "Copied c."),
      signal("hedging", "high", ["a"], "Hedged against a."),
    ]);
    expect(merged.map((s) => [s.kind, s.severity, s.relatedTraderIds, s.reason])).toEqual([
      ["hedging", "high", ["a", "b"], "Hedged against b. Hedged against a."],
      ["copy_trading", "medium", ["c"], "Copied c."],
    ]);
    expect((merged[0]!.evidence as { signals: unknown[] }).signals).toHaveLength(2);
  });
});
