export type FraudSignalKind =
  | "shared_ip"
  | "shared_device"
  | "shared_payment_method"
  | "copy_trading"
  | "hedging"
  | "disposable_email"
  | "chargeback_history";

export type FraudSeverity = "low" | "medium" | "high";

/**
 * One reason to look harder at a trader, shown on the trader and on any payout review. `reason`
 * is a sentence a reviewer can read as is; `evidence` holds the records that made it fire.
 */
export interface FraudSignal<E = Record<string, unknown>> {
  kind: FraudSignalKind;
  severity: FraudSeverity;
  traderId: string;
  /** Other traders involved (sharing an identifier, copying or hedging); empty for personal signals. */
  relatedTraderIds: string[];
  reason: string;
  evidence: E;
}

const SEVERITY_RANK: Record<FraudSeverity, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first, then by kind and trader, so lists read the same every time. */
export function sortSignals<T extends FraudSignal<unknown>>(signals: T[]): T[] {
  return signals.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.kind.localeCompare(b.kind) ||
      a.traderId.localeCompare(b.traderId),
  );
}

/** "A, B and C" for reasons. */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
