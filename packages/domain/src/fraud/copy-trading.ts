import { AppError } from "../errors";
import type { FraudSeverity, FraudSignal } from "./fraud-signal";
import { listPhrase, plural, sortSignals } from "./fraud-signal";

/** A trade-opened event from the risk pipeline. */
export interface TradeOpenedEvent {
  tradeId: string;
  accountId: string;
  traderId: string;
  symbol: string;
  side: "buy" | "sell";
  /** Size in lots (not money). */
  volume: number;
  /** Epoch milliseconds. */
  openedAt: number;
}

export interface CopyTradingOptions {
  /** Two trades are "together" when opened at most this far apart (default 10 s). */
  windowMs?: number;
  /** Sizes are similar when smaller / larger >= this (default 0.8). */
  minSizeRatio?: number;
  /** Matching pairs needed between two traders before a signal fires (default 5). */
  minPairs?: number;
  /** Examples kept in the evidence (default 5). */
  maxExamples?: number;
  /** Report only signals about these traders (default: everyone involved). */
  traderIds?: readonly string[];
}

export interface TradePairExample {
  symbol: string;
  gapMs: number;
  trade: Pick<TradeOpenedEvent, "tradeId" | "accountId" | "side" | "volume" | "openedAt">;
  other: Pick<TradeOpenedEvent, "tradeId" | "accountId" | "side" | "volume" | "openedAt">;
}

export interface CopyTradingEvidence {
  pairs: number;
  symbols: string[];
  accountIds: string[];
  otherAccountIds: string[];
  windowMs: number;
  minSizeRatio: number;
  examples: TradePairExample[];
}

interface PairStats {
  kind: "copy_trading" | "hedging";
  a: string;
  b: string;
  pairs: number;
  symbols: Set<string>;
  accountsA: Set<string>;
  accountsB: Set<string>;
  examples: { a: TradeOpenedEvent; b: TradeOpenedEvent }[];
}

function check(opts: CopyTradingOptions): Required<Omit<CopyTradingOptions, "traderIds">> {
  const o = {
    windowMs: opts.windowMs ?? 10_000,
    minSizeRatio: opts.minSizeRatio ?? 0.8,
    minPairs: opts.minPairs ?? 5,
    maxExamples: opts.maxExamples ?? 5,
  };
  const issues = [];
  if (!(o.windowMs > 0))
    issues.push({ path: "windowMs", message: "must be a positive number of milliseconds" });
  if (!(o.minSizeRatio > 0 && o.minSizeRatio <= 1))
    issues.push({ path: "minSizeRatio", message: "must be in (0, 1]" });
  if (!(Number.isInteger(o.minPairs) && o.minPairs >= 1))
    issues.push({ path: "minPairs", message: "must be an integer >= 1" });
  if (issues.length > 0) throw new AppError("VALIDATION", "Invalid copy-trading options", { issues });
  return o;
}

/**
 * Copy trading (same symbol, same direction) and hedging (same symbol, opposite direction) across
 * accounts of different traders: trades opened within `windowMs` of each other with sizes within
 * `minSizeRatio`. Trades are grouped by symbol and sorted by time, and each trade is compared only
 * with the trades inside its window, so the cost is O(n log n + n * trades per window), not all
 * pairs. Within one pair of traders each trade counts in at most one pair (matched greedily in
 * time order), so one big trade cannot pair with ten small ones. A signal fires for each of the
 * two traders once they have `minPairs` pairs; hedging is high severity, copy trading medium
 * (high from twice `minPairs`).
 */
export function detectCopyAndHedgeTrading(
  events: readonly TradeOpenedEvent[],
  opts: CopyTradingOptions = {},
): FraudSignal<CopyTradingEvidence>[] {
  const { windowMs, minSizeRatio, minPairs, maxExamples } = check(opts);
  const bySymbol = new Map<string, TradeOpenedEvent[]>();
  for (const e of events) {
    const list = bySymbol.get(e.symbol);
    if (list) list.push(e);
    else bySymbol.set(e.symbol, [e]);
  }

  const stats = new Map<string, PairStats>();
  // "tradeId|otherTrader|kind" already used in a pair.
  const used = new Set<string>();
  for (const [symbol, list] of bySymbol) {
    list.sort((x, y) => x.openedAt - y.openedAt || x.tradeId.localeCompare(y.tradeId));
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j]!;
        if (b.openedAt - a.openedAt > windowMs) break;
        if (a.traderId === b.traderId) continue;
        const small = Math.min(a.volume, b.volume);
        const large = Math.max(a.volume, b.volume);
        if (!(large > 0) || small / large < minSizeRatio) continue;
        const kind = a.side === b.side ? "copy_trading" : "hedging";
        const ua = `${a.tradeId}|${b.traderId}|${kind}`;
        const ub = `${b.tradeId}|${a.traderId}|${kind}`;
        if (used.has(ua) || used.has(ub)) continue;
        used.add(ua);
        used.add(ub);
        const [first, second] = a.traderId < b.traderId ? [a, b] : [b, a];
        const key = `${kind}|${first.traderId}|${second.traderId}`;
        let s = stats.get(key);
        if (!s) {
          s = {
            kind,
            a: first.traderId,
            b: second.traderId,
            pairs: 0,
            symbols: new Set(),
            accountsA: new Set(),
            accountsB: new Set(),
            examples: [],
          };
          stats.set(key, s);
        }
        s.pairs++;
        s.symbols.add(symbol);
        s.accountsA.add(first.accountId);
        s.accountsB.add(second.accountId);
        if (s.examples.length < maxExamples) s.examples.push({ a: first, b: second });
      }
    }
  }

  const only = opts.traderIds === undefined ? undefined : new Set(opts.traderIds);
  const signals: FraudSignal<CopyTradingEvidence>[] = [];
  for (const s of stats.values()) {
    if (s.pairs < minPairs) continue;
    const severity: FraudSeverity = s.kind === "hedging" || s.pairs >= 2 * minPairs ? "high" : "medium";
    for (const side of ["a", "b"] as const) {
      const traderId = side === "a" ? s.a : s.b;
      if (only && !only.has(traderId)) continue;
      const other = side === "a" ? s.b : s.a;
      const symbols = [...s.symbols].sort();
      const pick = (e: TradeOpenedEvent) => ({
        tradeId: e.tradeId,
        accountId: e.accountId,
        side: e.side,
        volume: e.volume,
        openedAt: e.openedAt,
      });
      signals.push({
        kind: s.kind,
        severity,
        traderId,
        relatedTraderIds: [other],
        reason: `${plural(s.pairs, "trade")} on ${listPhrase(symbols)} opened in the ${
          s.kind === "hedging" ? "opposite" : "same"
        } direction within ${windowMs / 1000} s of trader ${other}'s, with sizes within ${Math.round(
          minSizeRatio * 100,
        )}% of each other (fires from ${minPairs}).`,
        evidence: {
          pairs: s.pairs,
          symbols,
          accountIds: [...(side === "a" ? s.accountsA : s.accountsB)].sort(),
          otherAccountIds: [...(side === "a" ? s.accountsB : s.accountsA)].sort(),
          windowMs,
          minSizeRatio,
          examples: s.examples.map(({ a, b }) => {
            const [mine, theirs] = side === "a" ? [a, b] : [b, a];
            return {
              symbol: a.symbol,
              gapMs: Math.abs(b.openedAt - a.openedAt),
              trade: pick(mine),
              other: pick(theirs),
            };
          }),
        },
      });
    }
  }
  return sortSignals(signals);
}
