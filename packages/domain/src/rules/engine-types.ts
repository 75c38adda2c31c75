/**
 * Types of the incremental rules engine: its input events, its per-account state and the buffer
 * it writes its decisions into. Money is integer minor units in JS numbers (always safe integers,
 * see exact-math.ts), times are epoch milliseconds.
 */

/** A snapshot from the trading platform. The platform is the truth; equity is never recomputed. */
export interface AccountEvent {
  type: "account";
  t: number;
  balance: number;
  equity: number;
  openPositions: number;
}

export interface TradeOpenedEvent {
  type: "trade_opened";
  t: number;
  id: string;
  symbol: string;
  /** Volume in lots (0.01 = one micro lot); needed only by the lot-limit rule. */
  lots?: number | undefined;
  /** Stop-loss price, null/undefined when the trade has none (stop-loss-required rule). */
  stopLoss?: number | null | undefined;
  side?: "buy" | "sell" | undefined;
}

export interface TradeClosedEvent {
  type: "trade_closed";
  t: number;
  id: string;
  symbol: string;
  /** Lots closed (a partial close closes fewer than were opened). */
  lots: number;
  /** Realised profit of the trade in minor units (negative for a loss). */
  profit: number;
}

export interface ClockEvent {
  type: "clock";
  t: number;
}

export interface PhaseStartEvent {
  type: "phase_start";
  t: number;
}

/** A calendar entry: a release at `time` affecting `symbols` (a symbol, or a currency code). */
export interface NewsEvent {
  type: "news";
  t: number;
  time: number;
  symbols: string[];
  impact: "high" | "medium" | "low";
  title?: string | undefined;
}

export type EngineEvent =
  | AccountEvent
  | TradeOpenedEvent
  | TradeClosedEvent
  | ClockEvent
  | PhaseStartEvent
  | NewsEvent;

export type EngineEventType = EngineEvent["type"];

export const engineEventTypes: readonly EngineEventType[] = [
  "account",
  "trade_opened",
  "trade_closed",
  "clock",
  "phase_start",
  "news",
];

export type EngineStatus = "active" | "paused" | "awaiting_next_phase" | "failed" | "completed";

/** Rules that can appear in `breached`, `paused`, `warning` and `violation` events. */
export type RuleName =
  | "max_loss"
  | "daily_loss"
  | "max_lots"
  | "weekend_holding"
  | "news_window"
  | "trade_loss"
  | "stop_loss_required"
  | "inactivity";

/** Bit of each rule in `EngineOutputEvent.rules`; the bit order is the order of the `rules` list. */
export const ruleBits: Record<RuleName, number> = {
  max_loss: 1,
  daily_loss: 2,
  max_lots: 4,
  weekend_holding: 8,
  news_window: 16,
  trade_loss: 32,
  stop_loss_required: 64,
  inactivity: 128,
};

export const ruleNames = Object.keys(ruleBits) as RuleName[];

/** The list of rule names in a bit set, in bit order (max_loss first). */
export function rulesOfBits(bits: number): RuleName[] {
  const out: RuleName[] = [];
  for (const name of ruleNames) if (bits & ruleBits[name]) out.push(name);
  return out;
}

export type EngineOutputType =
  | "breached"
  | "paused"
  | "resumed"
  | "phase_passed"
  | "phase_started"
  | "expired"
  | "warning"
  | "violation";

/**
 * One decision. A slot in `EngineOutput`, reused between calls: copy what you keep.
 * Every field is always present (unused ones are 0 / ""), so the engine writes slots without
 * allocating and the object shape never changes.
 */
export class EngineOutputEvent {
  type: EngineOutputType = "resumed";
  /** Time of the input event that caused it. */
  t = 0;
  /** Index of the phase it concerns. */
  phase = 0;
  /** Start of the trading day it happened in, and of its phase (epoch ms). */
  dayStart = 0;
  phaseStart = 0;
  /** The deciding rule ("" for resumed/phase_passed/phase_started/expired). */
  rule: RuleName | "" = "";
  /** Every rule breached by the same snapshot (bits of `ruleBits`). */
  rules = 0;
  equity = 0;
  balance = 0;
  /** The floor that was crossed (loss rules), or the lot limit (max_lots, thousandths). */
  floor = 0;
  /** What the floor hangs from: the day's reference value, or the (trailing) high / initial balance. */
  reference = 0;
  /** The limit's amount (floor = reference − amount). */
  amount = 0;
  /** Warning level in percent of the limit used; for max_lots 1 = per-symbol limit, 2 = total. */
  level = 0;
  /** Symbol concerned (extension rules), or "". */
  symbol = "";
  /** Trade id concerned (extension rules), or "". */
  tradeId = "";
  /** A rule-specific number: lots in thousandths, the trade's profit, a news time, idle days. */
  value = 0;
}

/** A caller-owned, reusable buffer of decisions. `count` is reset by every `applyEvent`. */
export class EngineOutput {
  count = 0;
  readonly items: EngineOutputEvent[];

  constructor(capacity = 16) {
    this.items = [];
    for (let i = 0; i < capacity; i++) this.items.push(new EngineOutputEvent());
  }

  /** The next slot, reset for writing. Grows only if an event emits more than `capacity` decisions. */
  next(
    type: EngineOutputType,
    t: number,
    s: { phase: number; dayStart: number; phaseStart: number },
  ): EngineOutputEvent {
    if (this.count === this.items.length) this.items.push(new EngineOutputEvent());
    const e = this.items[this.count++]!;
    e.type = type;
    e.t = t;
    e.phase = s.phase;
    e.dayStart = s.dayStart;
    e.phaseStart = s.phaseStart;
    e.rule = "";
    e.rules = 0;
    e.equity = 0;
    e.balance = 0;
    e.floor = 0;
    e.reference = 0;
    e.amount = 0;
    e.level = 0;
    e.symbol = "";
    e.tradeId = "";
    e.value = 0;
    return e;
  }
}

/** A plain copy of an output slot (for results that outlive the buffer). */
export type EmittedEvent = {
  [K in keyof EngineOutputEvent]: EngineOutputEvent[K];
};

export function copyOutputEvent(e: EmittedEvent): EmittedEvent {
  return {
    type: e.type,
    t: e.t,
    phase: e.phase,
    dayStart: e.dayStart,
    phaseStart: e.phaseStart,
    rule: e.rule,
    rules: e.rules,
    equity: e.equity,
    balance: e.balance,
    floor: e.floor,
    reference: e.reference,
    amount: e.amount,
    level: e.level,
    symbol: e.symbol,
    tradeId: e.tradeId,
    value: e.value,
  };
}

/** An open trade tracked by the lot-limit rule: symbol and lots in thousandths. */
export interface OpenTrade {
  s: string;
  l: number;
}

/** A calendar entry kept by the news-window rule. */
export interface PendingNews {
  time: number;
  symbols: string[];
}

/**
 * The state of one account under one program: a plain JSON value. `JSON.parse(JSON.stringify(s))`
 * resumes exactly. Field order and types never change (the engine relies on one object shape).
 */
export interface EngineState {
  /** State format version. */
  v: number;
  status: EngineStatus;
  phase: number;
  /** 1 once the phase's first event was seen (the phase starts at its first event). */
  started: number;
  phaseStart: number;
  /** phaseStart + maxDays × 24 h, or NO_CEILING. */
  deadline: number;
  /** Start of the current trading day. */
  dayStart: number;
  /** First day start strictly after the current day's events; crossing it rolls the day. */
  nextDayStart: number;
  /** Time of the last event applied. */
  lastT: number;
  balance: number;
  equity: number;
  openPositions: number;
  /** 1 after a trade_opened until the next account snapshot. */
  notFlat: number;
  dayStartBalance: number;
  dayStartEquity: number;
  /** The value today's daily floor hangs from. */
  dayReference: number;
  /** Today's daily-loss amount. */
  dailyAmount: number;
  /** Today's daily floor, NO_FLOOR when the phase has no daily-loss rule. */
  dailyFloor: number;
  /** The max-loss high (initial balance, raised by trailing modes). */
  high: number;
  /** The max-loss floor, NO_FLOOR when the phase has no max-loss rule. */
  maxLossFloor: number;
  tradingDays: number;
  tradedToday: number;
  /** Number of ended trading days of the phase, and the highest profit among them. */
  daysRecorded: number;
  bestDayProfit: number;
  /** 1 when the soft daily limit already paused trading today. */
  pausedToday: number;
  /** Rule that failed the phase ("expired" for expiry), or "". */
  endRule: string;
  /** Time the phase was passed or failed, or 0. */
  endedAt: number;
  /** Warning levels already emitted today (bit i = level i of the program's list). */
  warnedDaily: number;
  warnedMax: number;
  /** Last trade activity (inactivity rule); phase start until a trade. */
  lastTradeAt: number;
  /** Next weekend cut-off instant (weekend-holding rule), or NO_CEILING. */
  nextWeekendCutoff: number;
  /** Open lots in thousandths (lot-limit rule). */
  openLots: number;
  lotsBySymbol: Record<string, number>;
  openTrades: Record<string, OpenTrade>;
  news: PendingNews[];
}
