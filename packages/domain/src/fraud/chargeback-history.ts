import { displayMoney } from "../money";
import type { FraudSeverity, FraudSignal } from "./fraud-signal";
import { listPhrase, plural } from "./fraud-signal";

export interface ChargebackRecord {
  traderId: string;
  chargebackId: string;
  /** Epoch milliseconds when the dispute was opened. */
  at: number;
  /** Integer minor units. */
  amountMinor: bigint;
  currency: string;
  /** "open" while disputed; "lost" when the firm lost the money; "won" when the firm won. */
  status: "open" | "won" | "lost";
  reason?: string;
}

export interface ChargebackEvidence {
  count: number;
  byStatus: Record<ChargebackRecord["status"], number>;
  /** Totals per currency, as minor-unit strings (bigint does not serialise to JSON). */
  totals: Record<string, string>;
  firstAt: number;
  lastAt: number;
  chargebackIds: string[];
}

/**
 * A signal for a trader with chargebacks. Disputes the firm won still count (they show a habit),
 * but they alone make a low-severity signal; any open or lost dispute is medium, and two or more
 * open or lost ones, or any lost one with `lostIsHigh` (default), are high.
 */
export function chargebackHistorySignal(
  traderId: string,
  chargebacks: readonly ChargebackRecord[],
  opts: { lostIsHigh?: boolean } = {},
): FraudSignal<ChargebackEvidence> | null {
  const mine = chargebacks.filter((c) => c.traderId === traderId).sort((a, b) => a.at - b.at);
  if (mine.length === 0) return null;
  const byStatus = { open: 0, won: 0, lost: 0 };
  const totals = new Map<string, bigint>();
  for (const c of mine) {
    byStatus[c.status]++;
    totals.set(c.currency, (totals.get(c.currency) ?? 0n) + c.amountMinor);
  }
  const against = byStatus.open + byStatus.lost;
  let severity: FraudSeverity = against === 0 ? "low" : "medium";
  if (against >= 2 || (byStatus.lost > 0 && opts.lostIsHigh !== false)) severity = "high";
  const parts = (["lost", "open", "won"] as const)
    .filter((s) => byStatus[s] > 0)
    .map((s) => `${byStatus[s]} ${s}`);
  const amounts = [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([cur, v]) => displayMoney(v, cur));
  const first = new Date(mine[0]!.at).toISOString().slice(0, 10);
  return {
    kind: "chargeback_history",
    severity,
    traderId,
    relatedTraderIds: [],
    reason: `${plural(mine.length, "chargeback")} (${parts.join(", ")}) totalling ${listPhrase(amounts)} since ${first}.`,
    evidence: {
      count: mine.length,
      byStatus,
      totals: Object.fromEntries([...totals].map(([k, v]) => [k, v.toString()])),
      firstAt: mine[0]!.at,
      lastAt: mine[mine.length - 1]!.at,
      chargebackIds: mine.map((c) => c.chargebackId),
    },
  };
}
