import {
  type CompiledPhase,
  type CompiledProgram,
  DAILY_HARD,
  DAILY_NONE,
  DAILY_SOFT,
  MAX_NONE,
  MAX_TRAILING_CLOSED,
  MAX_TRAILING_EOD,
  MAX_TRAILING_INTRADAY,
  REF_BALANCE,
  REF_EQUITY,
} from "../programs/compile-program";
import type { EngineEvent, EngineOutput, EngineState } from "./engine-types";
import { ruleBits } from "./engine-types";
import { compareProducts, mulDivHalfUp, NO_CEILING, NO_FLOOR } from "./exact-math";
import {
  checkInactivity,
  checkWarnings,
  checkWeekend,
  clearLots,
  nextWeekendCutoff,
  onNews,
  onTradeClosed,
  onTradeOpened,
} from "./extension-rules";

/**
 * The rules engine, one event at a time. `applyEvent` mutates `state` in place, writes the
 * decisions into `out` and returns how many it wrote. The steps follow the replay contract
 * (spec/challenge-rules.md, "Semantics, in the order applied to each event"):
 *   1. phase start at its first event, 2. expiry, 3. one day roll, 4. apply, 5. breach, 6. pass.
 *
 * Hot path (an `account` event that crosses no day start): integer comparisons on the state's
 * numeric fields, no allocation, no date formatting.
 */

export const STATE_VERSION = 1;

/** Sets every per-phase field to the phase's fresh values (not started yet). */
function resetPhase(program: CompiledProgram, s: EngineState, index: number): void {
  const ph = program.phases[index]!;
  s.phase = index;
  s.started = 0;
  s.phaseStart = 0;
  s.deadline = NO_CEILING;
  s.dayStart = 0;
  s.nextDayStart = NO_CEILING;
  s.balance = ph.initial;
  s.equity = ph.initial;
  s.openPositions = 0;
  s.notFlat = 0;
  s.dayStartBalance = ph.initial;
  s.dayStartEquity = ph.initial;
  s.high = ph.initial;
  s.maxLossFloor = ph.maxMode === MAX_NONE ? NO_FLOOR : Math.min(ph.initial - ph.maxAmount, ph.lockCap);
  s.tradingDays = 0;
  s.tradedToday = 0;
  s.daysRecorded = 0;
  s.bestDayProfit = 0;
  s.pausedToday = 0;
  s.endRule = "";
  s.endedAt = 0;
  s.warnedDaily = 0;
  s.warnedMax = 0;
  s.lastTradeAt = 0;
  s.nextWeekendCutoff = NO_CEILING;
  s.openLots = 0;
  s.lotsBySymbol = {};
  s.openTrades = {};
  s.news = [];
  setDailyFloor(ph, s);
}

/** Today's daily floor from the day-start values (reference − amount). */
function setDailyFloor(ph: CompiledPhase, s: EngineState): void {
  if (ph.dailyKind === DAILY_NONE) {
    s.dayReference = 0;
    s.dailyAmount = 0;
    s.dailyFloor = NO_FLOOR;
    return;
  }
  const ref =
    ph.dailyReference === REF_BALANCE
      ? s.dayStartBalance
      : ph.dailyReference === REF_EQUITY
        ? s.dayStartEquity
        : Math.max(s.dayStartBalance, s.dayStartEquity);
  const amount = ph.dailyOnReference ? mulDivHalfUp(ref, ph.dailyPctNum, ph.dailyPctDen) : ph.dailyAmount;
  s.dayReference = ref;
  s.dailyAmount = amount;
  s.dailyFloor = ref - amount;
}

/** A fresh state for a program: phase 0, not started (it starts at the first event). */
export function createEngineState(program: CompiledProgram): EngineState {
  // Every field is listed here, in one order, so all states share one object shape.
  const s: EngineState = {
    v: STATE_VERSION,
    status: "active",
    phase: 0,
    started: 0,
    phaseStart: 0,
    deadline: NO_CEILING,
    dayStart: 0,
    nextDayStart: NO_CEILING,
    lastT: 0,
    balance: 0,
    equity: 0,
    openPositions: 0,
    notFlat: 0,
    dayStartBalance: 0,
    dayStartEquity: 0,
    dayReference: 0,
    dailyAmount: 0,
    dailyFloor: NO_FLOOR,
    high: 0,
    maxLossFloor: NO_FLOOR,
    tradingDays: 0,
    tradedToday: 0,
    daysRecorded: 0,
    bestDayProfit: 0,
    pausedToday: 0,
    endRule: "",
    endedAt: 0,
    warnedDaily: 0,
    warnedMax: 0,
    lastTradeAt: 0,
    nextWeekendCutoff: NO_CEILING,
    openLots: 0,
    lotsBySymbol: {},
    openTrades: {},
    news: [],
  };
  resetPhase(program, s, 0);
  return s;
}

/** Step 1: the phase starts at `t`. */
function startPhase(program: CompiledProgram, ph: CompiledPhase, s: EngineState, t: number): void {
  s.started = 1;
  s.phaseStart = t;
  s.deadline = ph.maxDaysMs < 0 ? NO_CEILING : t + ph.maxDaysMs;
  s.dayStart = program.calendar.previousAtOrBefore(t);
  s.nextDayStart = program.calendar.nextAfter(t);
  s.lastTradeAt = t;
  if (ph.weekendKind !== 0) s.nextWeekendCutoff = nextWeekendCutoff(program, ph, t);
}

/** Step 3: one roll into the trading day of `t`, however many days were skipped. */
function rollDay(
  program: CompiledProgram,
  ph: CompiledPhase,
  s: EngineState,
  t: number,
  out: EngineOutput,
): void {
  const dayProfit = s.balance - s.dayStartBalance;
  if (s.daysRecorded === 0 || dayProfit > s.bestDayProfit) s.bestDayProfit = dayProfit;
  s.daysRecorded++;
  if (ph.maxMode === MAX_TRAILING_EOD && s.balance > s.high) {
    s.high = s.balance;
    const floor = s.high - ph.maxAmount;
    s.maxLossFloor = Math.min(floor, ph.lockCap);
  }
  s.dayStartBalance = s.balance;
  s.dayStartEquity = s.equity;
  setDailyFloor(ph, s);
  s.tradedToday = 0;
  s.pausedToday = 0;
  s.warnedDaily = 0;
  s.warnedMax = 0;
  s.dayStart = program.calendar.previousAtOrBefore(t);
  s.nextDayStart = program.calendar.nextAfter(t);
  if (s.status === "paused") {
    s.status = "active";
    out.next("resumed", t, s);
  }
}

function failPhase(s: EngineState, rule: string, t: number): void {
  s.status = "failed";
  s.endRule = rule;
  s.endedAt = t;
}

/** Best-day consistency (a gate on passing): total profit > 0 and best day / total ≤ max. */
export function consistencySatisfied(ph: CompiledPhase, s: EngineState): boolean {
  const total = s.balance - ph.initial;
  if (total <= 0) return false;
  const running = s.balance - s.dayStartBalance;
  const best = s.daysRecorded === 0 || running > s.bestDayProfit ? running : s.bestDayProfit;
  // best / total ≤ num / den  ⇔  best × den ≤ num × total (total > 0), compared exactly.
  const c = compareProducts(best, ph.consistencyDen, ph.consistencyNum, total);
  return ph.consistencyInclusive ? c <= 0 : c < 0;
}

/** Step 6: passes the phase if every condition holds. */
function checkPass(
  program: CompiledProgram,
  ph: CompiledPhase,
  s: EngineState,
  t: number,
  out: EngineOutput,
) {
  if (
    s.balance >= ph.targetBalance &&
    s.openPositions === 0 &&
    s.notFlat === 0 &&
    s.tradingDays >= ph.minTradingDays &&
    (!ph.hasConsistency || consistencySatisfied(ph, s))
  ) {
    const e = out.next("phase_passed", t, s);
    e.balance = s.balance;
    e.equity = s.equity;
    s.status = s.phase + 1 < program.phases.length ? "awaiting_next_phase" : "completed";
    s.endRule = "";
    s.endedAt = t;
  }
}

/**
 * Applies one event. Returns the number of decisions written to `out` (also `out.count`).
 * Events must come in time order; the caller (replay or pipeline) guarantees it.
 */
export function applyEvent(
  program: CompiledProgram,
  s: EngineState,
  ev: EngineEvent,
  out: EngineOutput,
): number {
  out.count = 0;
  const status = s.status;
  if (status === "failed" || status === "completed") return 0;
  const t = ev.t;
  if (status === "awaiting_next_phase") {
    // After a pass every event is ignored until the next phase's account exists.
    if (ev.type !== "phase_start") return 0;
    resetPhase(program, s, s.phase + 1);
    s.status = "active";
  }
  const ph = program.phases[s.phase]!;
  if (s.started === 0) {
    startPhase(program, ph, s, t);
    if (s.phase > 0) out.next("phase_started", t, s);
  }
  s.lastT = t;

  // 2. Expiry, before the day roll.
  if (t >= s.deadline) {
    out.next("expired", t, s);
    failPhase(s, "expired", t);
    return out.count;
  }

  // Extension: inactivity fails the phase like an expiry (checked at the same point).
  if (ph.inactivityMs >= 0 && checkInactivity(ph, s, t, out)) return out.count;

  // 3. Day start: one roll however many day starts were crossed.
  if (t >= s.nextDayStart) rollDay(program, ph, s, t, out);

  // Extension: positions known open when the weekend cut-off passed.
  if (t >= s.nextWeekendCutoff) {
    checkWeekend(program, ph, s, t, out);
    if (s.status === "failed") return out.count;
  }

  // 4. Apply.
  if (ev.type === "account") {
    const balance = ev.balance;
    const equity = ev.equity;
    s.balance = balance;
    s.equity = equity;
    s.openPositions = ev.openPositions;
    s.notFlat = 0;
    if (s.openLots !== 0 && ev.openPositions === 0) clearLots(s);
    const mode = ph.maxMode;
    if (mode === MAX_TRAILING_CLOSED) {
      if (balance > s.high) {
        s.high = balance;
        const floor = balance - ph.maxAmount;
        s.maxLossFloor = Math.min(floor, ph.lockCap);
      }
    } else if (mode === MAX_TRAILING_INTRADAY) {
      if (equity > s.high) {
        s.high = equity;
        const floor = equity - ph.maxAmount;
        s.maxLossFloor = Math.min(floor, ph.lockCap);
      }
    }

    // 5. Breach: strictly below a floor (floors are NO_FLOOR when the rule is not set).
    const maxBreached = equity < s.maxLossFloor;
    const dailyBreached = equity < s.dailyFloor;
    if (maxBreached || dailyBreached) {
      if (maxBreached || ph.dailyKind === DAILY_HARD) {
        const e = out.next("breached", t, s);
        e.equity = equity;
        e.balance = balance;
        if (maxBreached) {
          e.rule = "max_loss";
          e.rules =
            ruleBits.max_loss | (dailyBreached && ph.dailyKind === DAILY_HARD ? ruleBits.daily_loss : 0);
          e.floor = s.maxLossFloor;
          e.reference = s.high;
          e.amount = ph.maxAmount;
        } else {
          e.rule = "daily_loss";
          e.rules = ruleBits.daily_loss;
          e.floor = s.dailyFloor;
          e.reference = s.dayReference;
          e.amount = s.dailyAmount;
        }
        failPhase(s, e.rule, t);
        return out.count;
      }
      if (ph.dailyKind === DAILY_SOFT && s.pausedToday === 0) {
        s.pausedToday = 1;
        s.status = "paused";
        const e = out.next("paused", t, s);
        e.rule = "daily_loss";
        e.rules = ruleBits.daily_loss;
        e.equity = equity;
        e.balance = balance;
        e.floor = s.dailyFloor;
        e.reference = s.dayReference;
        e.amount = s.dailyAmount;
      }
    }
    if (ph.warnLevels.length !== 0) checkWarnings(ph, s, t, out);
  } else if (ev.type === "trade_opened") {
    if (s.tradedToday === 0) {
      s.tradedToday = 1;
      s.tradingDays++;
    }
    s.notFlat = 1;
    s.lastTradeAt = t;
    if (ph.hasTradeRules) {
      onTradeOpened(ph, s, ev, out);
      if (s.status === "failed") return out.count;
    }
  } else if (ev.type === "trade_closed") {
    s.lastTradeAt = t;
    if (ph.hasTradeRules) {
      onTradeClosed(ph, s, ev, out);
      if (s.status === "failed") return out.count;
    }
  } else if (ev.type === "news") {
    if (ph.newsKind !== 0) onNews(ph, s, ev);
  }

  // 6. Pass.
  if (s.balance >= ph.targetBalance) checkPass(program, ph, s, t, out);
  return out.count;
}
