import { type CompiledPhase, type CompiledProgram, EXT_HARD, IMPACT_BITS } from "../programs/compile-program";
import { nextWeeklyAfter } from "./day-starts";
import type {
  EngineOutput,
  EngineOutputEvent,
  EngineState,
  NewsEvent,
  RuleName,
  TradeClosedEvent,
  TradeOpenedEvent,
} from "./engine-types";
import { ruleBits } from "./engine-types";
import { compareProducts } from "./exact-math";

/**
 * Rules beyond the replay contract. Each is an optional phase field (program-schema.ts says where
 * each comes from); a phase without them never reaches this code. A `hard` rule emits `breached`
 * and fails the phase; a `soft` one emits `violation` (flagged for review, nothing else changes).
 */

/** Writes a decision for an extension rule; a hard one fails the phase. */
function decide(
  s: EngineState,
  kind: number,
  rule: RuleName,
  t: number,
  out: EngineOutput,
): EngineOutputEvent {
  const hard = kind === EXT_HARD;
  const e = out.next(hard ? "breached" : "violation", t, s);
  e.rule = rule;
  e.rules = ruleBits[rule];
  e.equity = s.equity;
  e.balance = s.balance;
  if (hard) {
    s.status = "failed";
    s.endRule = rule;
    s.endedAt = t;
  }
  return e;
}

/** The phase fails after `inactivity.days` × 24 h without trade activity. True if it failed. */
export function checkInactivity(ph: CompiledPhase, s: EngineState, t: number, out: EngineOutput): boolean {
  if (t < s.lastTradeAt + ph.inactivityMs) return false;
  const e = decide(s, EXT_HARD, "inactivity", t, out);
  e.value = s.lastTradeAt;
  return true;
}

/** First weekend cut-off strictly after `t`. */
export function nextWeekendCutoff(program: CompiledProgram, ph: CompiledPhase, t: number): number {
  return nextWeeklyAfter(program.calendar.clock, t, ph.weekendDay, ph.weekendMinutes);
}

/**
 * Called with the first event at or after the weekend cut-off, before that event is applied: the
 * positions known then are the ones held across the cut-off.
 */
export function checkWeekend(
  program: CompiledProgram,
  ph: CompiledPhase,
  s: EngineState,
  t: number,
  out: EngineOutput,
): void {
  const cutoff = s.nextWeekendCutoff;
  s.nextWeekendCutoff = nextWeekendCutoff(program, ph, t);
  if (s.openPositions > 0 || s.notFlat === 1) {
    const e = decide(s, ph.weekendKind, "weekend_holding", t, out);
    e.value = cutoff;
  }
}

/** True when the news entry lists the symbol itself, or a currency code the symbol contains. */
function newsAffects(entry: string, symbol: string): boolean {
  if (entry === symbol) return true;
  return entry.length === 3 && symbol.toUpperCase().includes(entry.toUpperCase());
}

function checkNews(
  ph: CompiledPhase,
  s: EngineState,
  t: number,
  id: string,
  symbol: string,
  out: EngineOutput,
) {
  for (const n of s.news) {
    if (t < n.time - ph.newsBeforeMs || t > n.time + ph.newsAfterMs) continue;
    if (!n.symbols.some((entry) => newsAffects(entry, symbol))) continue;
    const e = decide(s, ph.newsKind, "news_window", t, out);
    e.symbol = symbol;
    e.tradeId = id;
    e.value = n.time;
    return;
  }
}

/** A calendar entry: kept when its impact is restricted, dropped once its window has passed. */
export function onNews(ph: CompiledPhase, s: EngineState, ev: NewsEvent): void {
  if (s.news.length > 0) s.news = s.news.filter((n) => n.time + ph.newsAfterMs >= ev.t);
  if ((IMPACT_BITS[ev.impact] & ph.newsImpacts) === 0 || ev.time + ph.newsAfterMs < ev.t) return;
  s.news.push({ time: ev.time, symbols: [...ev.symbols] });
}

export function onTradeOpened(
  ph: CompiledPhase,
  s: EngineState,
  ev: TradeOpenedEvent,
  out: EngineOutput,
): void {
  const t = ev.t;
  if (ph.stopLossKind !== 0 && (ev.stopLoss === undefined || ev.stopLoss === null)) {
    const e = decide(s, ph.stopLossKind, "stop_loss_required", t, out);
    e.symbol = ev.symbol;
    e.tradeId = ev.id;
    if (s.status === "failed") return;
  }
  if (ph.lotsKind !== 0 && ev.lots !== undefined) {
    const lots = Math.round(ev.lots * 1000);
    const symbolLots = (s.lotsBySymbol[ev.symbol] ?? 0) + lots;
    const total = s.openLots + lots;
    s.lotsBySymbol[ev.symbol] = symbolLots;
    s.openLots = total;
    s.openTrades[ev.id] = { s: ev.symbol, l: (s.openTrades[ev.id]?.l ?? 0) + lots };
    const overSymbol = symbolLots > ph.lotsPerSymbol;
    if (overSymbol || total > ph.lotsTotal) {
      const e = decide(s, ph.lotsKind, "max_lots", t, out);
      e.symbol = ev.symbol;
      e.tradeId = ev.id;
      e.level = overSymbol ? 1 : 2;
      e.value = overSymbol ? symbolLots : total;
      e.floor = overSymbol ? ph.lotsPerSymbol : ph.lotsTotal;
      if (s.status === "failed") return;
    }
  }
  if (ph.newsKind !== 0) checkNews(ph, s, t, ev.id, ev.symbol, out);
}

export function onTradeClosed(
  ph: CompiledPhase,
  s: EngineState,
  ev: TradeClosedEvent,
  out: EngineOutput,
): void {
  const t = ev.t;
  if (ph.lotsKind !== 0) {
    const open = s.openTrades[ev.id];
    if (open) {
      const closed = Math.min(open.l, Math.round(ev.lots * 1000));
      open.l -= closed;
      s.openLots -= closed;
      const left = (s.lotsBySymbol[open.s] ?? 0) - closed;
      if (left > 0) s.lotsBySymbol[open.s] = left;
      else delete s.lotsBySymbol[open.s];
      if (open.l <= 0) delete s.openTrades[ev.id];
    }
  }
  if (ph.tradeLossKind !== 0 && ev.profit < -ph.tradeLossAmount) {
    const e = decide(s, ph.tradeLossKind, "trade_loss", t, out);
    e.symbol = ev.symbol;
    e.tradeId = ev.id;
    e.value = ev.profit;
    e.amount = ph.tradeLossAmount;
    if (s.status === "failed") return;
  }
  if (ph.newsKind !== 0) checkNews(ph, s, t, ev.id, ev.symbol, out);
}

/** A flat snapshot: the platform says nothing is open, so the lot count starts again. */
export function clearLots(s: EngineState): void {
  s.openLots = 0;
  s.lotsBySymbol = {};
  s.openTrades = {};
}

/**
 * Early warnings on an account snapshot: the highest newly crossed level of each limit, once per
 * level and trading day. Used share = (base − equity) / amount where base = floor + amount
 * (the day's reference, or the trailing high / initial balance).
 */
export function checkWarnings(ph: CompiledPhase, s: EngineState, t: number, out: EngineOutput): void {
  const levels = ph.warnLevels;
  if (ph.warnDaily && s.dailyAmount > 0 && ph.dailyKind !== 0) {
    const bits = crossed(levels, s.dayReference - s.equity, s.dailyAmount, s.warnedDaily);
    if (bits !== s.warnedDaily) {
      emitWarning(s, t, out, "daily_loss", levels, bits, s.dailyFloor, s.dayReference, s.dailyAmount);
      s.warnedDaily = bits;
    }
  }
  if (ph.warnMax && ph.maxAmount > 0 && ph.maxMode !== 0) {
    const base = s.maxLossFloor + ph.maxAmount;
    const bits = crossed(levels, base - s.equity, ph.maxAmount, s.warnedMax);
    if (bits !== s.warnedMax) {
      emitWarning(s, t, out, "max_loss", levels, bits, s.maxLossFloor, base, ph.maxAmount);
      s.warnedMax = bits;
    }
  }
}

/** Bit set of levels reached (used × 100 ≥ level × amount), including those already warned. */
function crossed(levels: number[], used: number, amount: number, warned: number): number {
  let bits = warned;
  for (let i = 0; i < levels.length; i++) {
    if (compareProducts(used, 100, levels[i]!, amount) >= 0) bits |= 1 << i;
  }
  return bits;
}

function emitWarning(
  s: EngineState,
  t: number,
  out: EngineOutput,
  rule: RuleName,
  levels: number[],
  bits: number,
  floor: number,
  reference: number,
  amount: number,
): void {
  let top = 0;
  for (let i = 0; i < levels.length; i++) if (bits & (1 << i)) top = levels[i]!;
  const e = out.next("warning", t, s);
  e.rule = rule;
  e.rules = ruleBits[rule];
  e.level = top;
  e.equity = s.equity;
  e.balance = s.balance;
  e.floor = floor;
  e.reference = reference;
  e.amount = amount;
}
