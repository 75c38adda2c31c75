import { localDate } from "@propdesk/domain/explain";
import type { CompiledProgram } from "@propdesk/domain/programs";
import {
  type AccountEvent,
  applyEvent,
  copyOutputEvent,
  createEngineState,
  type EmittedEvent,
  type EngineEvent,
  type EngineOutput,
  type EngineState,
  NO_CEILING,
  NO_FLOOR,
} from "@propdesk/domain/rules";
import type { RiskInput } from "./risk-input";

/**
 * The live pipeline's pure core: a challenge's rules engine (`applyEvent` from the domain) fed with
 * stored inputs. The evaluator and the replay both call `evaluateInput` on the same rows in the
 * same order, so every decision can be recomputed from the inputs. Around `applyEvent` it decides
 * what the engine sees:
 *
 * - platform updates of a trading account of another phase than the engine's (a superseded
 *   account, or the next phase's account before its `phase_start`) are recorded, not evaluated;
 * - while the challenge is suspended (emergency stop) platform updates and clocks are not evaluated;
 * - a `clock` at or before the last applied time changes nothing; a platform update stamped before
 *   the last applied time is applied at that time (the engine needs time order; the platform's seq
 *   already ordered it);
 * - a balance adjustment (a payout withdrawal, a deposit) moves today's reference with the money,
 *   so a withdrawal is not counted as a trading loss; the maximum-loss floor does not move;
 * - `restore` (a staff override) resumes from the stored state before the overridden decision.
 *
 * It also keeps the profit of each closed trading day of the phase (payout consistency rules).
 */
export interface DayProfit {
  /** Start of the trading day (epoch ms) and its local date in the program's time zone. */
  dayStart: number;
  day: string;
  profit: number;
}

export interface ChallengeEngine {
  program: CompiledProgram;
  /** Null until the first evaluated input. */
  state: EngineState | null;
  suspended: boolean;
  days: DayProfit[];
}

export type SkipReason = "other_phase" | "suspended" | "past" | "not_started";

export interface Decision {
  idx: number;
  decision: EmittedEvent;
  /** The engine state before the input (breaches and expiries: an override restores it). */
  stateBefore: EngineState | null;
}

export interface InputOutcome {
  evaluated: boolean;
  skipped: SkipReason | null;
  decisions: Decision[];
}

export function newChallengeEngine(program: CompiledProgram): ChallengeEngine {
  return { program, state: null, suspended: false, days: [] };
}

const none: Decision[] = [];
// Outcomes without decisions are shared constants: the hot path allocates nothing for them.
const skipped: Record<SkipReason, InputOutcome> = {
  other_phase: Object.freeze({ evaluated: false, skipped: "other_phase", decisions: none }),
  suspended: Object.freeze({ evaluated: false, skipped: "suspended", decisions: none }),
  past: Object.freeze({ evaluated: false, skipped: "past", decisions: none }),
  not_started: Object.freeze({ evaluated: false, skipped: "not_started", decisions: none }),
};
const evaluatedNothing: InputOutcome = Object.freeze({ evaluated: true, skipped: null, decisions: none });
const skip = (reason: SkipReason): InputOutcome => skipped[reason];
const done = (decisions: Decision[] = none): InputOutcome =>
  decisions === none ? evaluatedNothing : { evaluated: true, skipped: null, decisions };

/** A deep copy of an engine state (plain JSON). */
export function cloneState(s: EngineState): EngineState {
  return JSON.parse(JSON.stringify(s)) as EngineState;
}

/** The phase whose account the engine listens to: the next one once a phase is passed. */
export function expectedPhase(state: EngineState | null): number {
  if (!state) return 0;
  return state.status === "awaiting_next_phase" ? state.phase + 1 : state.phase;
}

/**
 * The state before an input, copied into a reusable object (no allocation on the hot path). A
 * shallow copy is exact unless the phase has rules that change nested objects in place (trade and
 * news rules); then those are deep-copied.
 */
const scratchStates = new WeakMap<ChallengeEngine, EngineState>();
function snapshotBefore(engine: ChallengeEngine, s: EngineState): EngineState {
  let copy = scratchStates.get(engine);
  if (!copy) {
    copy = { ...s };
    scratchStates.set(engine, copy);
  } else Object.assign(copy, s);
  const ph = engine.program.phases[s.phase];
  if (ph && (ph.hasTradeRules || ph.newsKind !== 0 || ph.weekendKind !== 0)) {
    copy.openTrades = JSON.parse(JSON.stringify(s.openTrades));
    copy.lotsBySymbol = JSON.parse(JSON.stringify(s.lotsBySymbol));
    copy.news = JSON.parse(JSON.stringify(s.news));
  }
  return copy;
}

function lotsNumber(lots: string | null): number | undefined {
  if (lots === null) return undefined;
  const n = Number(lots);
  return Number.isFinite(n) ? n : undefined;
}

/** A balance adjustment moves the balance, equity and today's reference and floor by the amount. */
function rebase(s: EngineState, amount: number): void {
  s.balance += amount;
  s.equity += amount;
  s.dayStartBalance += amount;
  s.dayStartEquity += amount;
  s.dayReference += amount;
  if (s.dailyFloor !== NO_FLOOR) s.dailyFloor += amount;
}

// The engine keeps nothing of an account event: one object is reused for all of them.
const accountEvent: AccountEvent = { type: "account", t: 0, balance: 0, equity: 0, openPositions: 0 };

function toEngineEvent(input: RiskInput, t: number): EngineEvent {
  switch (input.kind) {
    case "account":
      accountEvent.t = t;
      accountEvent.balance = input.balance;
      accountEvent.equity = input.equity;
      accountEvent.openPositions = input.openPositions;
      return accountEvent;
    case "trade_opened":
      return {
        type: "trade_opened",
        t,
        id: input.tradeId,
        symbol: input.symbol,
        lots: lotsNumber(input.lots),
        stopLoss: input.stopLoss === null ? null : Number(input.stopLoss),
        side: input.side ?? undefined,
      };
    case "trade_closed":
      return {
        type: "trade_closed",
        t,
        id: input.tradeId,
        symbol: input.symbol,
        lots: lotsNumber(input.lots) ?? 0,
        profit: input.amount,
      };
    case "phase_start":
      return { type: "phase_start", t };
    default:
      return { type: "clock", t };
  }
}

/**
 * Applies one stored input to a challenge's engine. `out` is a reusable engine output buffer.
 * Deterministic: the same inputs in the same order give the same decisions and state.
 */
export function evaluateInput(engine: ChallengeEngine, input: RiskInput, out: EngineOutput): InputOutcome {
  switch (input.kind) {
    case "suspend":
      engine.suspended = true;
      return done();
    case "unsuspend":
      engine.suspended = false;
      return done();
    case "restore":
      if (!input.restoreState) return skip("not_started");
      engine.state = cloneState(input.restoreState);
      return done();
    default:
      break;
  }
  if (engine.suspended && input.kind !== "phase_start") return skip("suspended");
  if (input.phaseIndex !== expectedPhase(engine.state)) return skip("other_phase");
  const program = engine.program;
  let s = engine.state;
  if (!s) {
    if (input.kind === "balance_adjustment" || input.kind === "clock") return skip("not_started");
    s = createEngineState(program);
    engine.state = s;
  }
  const lastT = s.started === 1 ? s.lastT : Number.NEGATIVE_INFINITY;
  if (input.kind === "clock" && input.t <= lastT) return skip("past");
  const t = Math.max(input.t, lastT);

  if (input.kind === "balance_adjustment") {
    if (s.started !== 1 || (s.status !== "active" && s.status !== "paused")) return skip("not_started");
    rebase(s, input.amount);
    return done();
  }

  const before = snapshotBefore(engine, s);
  const n = applyEvent(program, s, toEngineEvent(input, t), out);
  trackDays(engine, before, s);
  if (n === 0) return done();
  const decisions: Decision[] = [];
  for (let k = 0; k < n; k++) {
    const d = copyOutputEvent(out.items[k]!);
    decisions.push({
      idx: k,
      decision: d,
      stateBefore: d.type === "breached" || d.type === "expired" ? cloneState(before) : null,
    });
  }
  return done(decisions);
}

/** Records the day that closed when the engine rolled into a new trading day; a new phase starts afresh. */
function trackDays(engine: ChallengeEngine, before: EngineState, after: EngineState): void {
  if (after.phase !== before.phase) {
    engine.days = [];
    return;
  }
  if (after.daysRecorded > before.daysRecorded && before.started === 1) {
    const profit = before.balance - before.dayStartBalance;
    const day = {
      dayStart: before.dayStart,
      day: localDate(before.dayStart, engine.program.timezone),
      profit,
    };
    // An override may replay a day again: the same day start replaces its entry.
    const i = engine.days.findIndex((x) => x.dayStart === before.dayStart);
    if (i >= 0) engine.days[i] = day;
    else engine.days.push(day);
  }
}

/** The earliest time a clock would change something: day start, deadline, inactivity, weekend cut-off. */
export function nextDue(engine: ChallengeEngine): number | null {
  const s = engine.state;
  if (!s || s.started !== 1 || (s.status !== "active" && s.status !== "paused") || engine.suspended)
    return null;
  const ph = engine.program.phases[s.phase]!;
  let due = s.nextDayStart;
  if (s.deadline < due) due = s.deadline;
  if (ph.inactivityMs >= 0 && s.lastTradeAt + ph.inactivityMs < due) due = s.lastTradeAt + ph.inactivityMs;
  if (s.nextWeekendCutoff < due) due = s.nextWeekendCutoff;
  return due >= NO_CEILING ? null : due;
}

export interface Room {
  dailyFloor: number | null;
  maxLossFloor: number | null;
  /** Equity minus the nearest floor (null without loss rules). */
  room: number | null;
  /** That room in basis points of its limit's amount (10,000 = the whole limit left). */
  roomBp: number | null;
}

/** Where the floors are and how much room is left, for the live risk table. */
export function roomOf(engine: ChallengeEngine): Room {
  const s = engine.state;
  if (!s) return { dailyFloor: null, maxLossFloor: null, room: null, roomBp: null };
  const ph = engine.program.phases[s.phase]!;
  const daily = s.dailyFloor === NO_FLOOR ? null : s.dailyFloor;
  const max = s.maxLossFloor === NO_FLOOR ? null : s.maxLossFloor;
  let room: number | null = null;
  let roomBp: number | null = null;
  const consider = (floor: number | null, amount: number) => {
    if (floor === null) return;
    const r = s.equity - floor;
    const bp = amount > 0 ? Math.max(-1_000_000, Math.min(1_000_000, Math.floor((r * 10_000) / amount))) : 0;
    if (roomBp === null || bp < roomBp) {
      roomBp = bp;
      room = r;
    }
  };
  consider(daily, s.dailyAmount);
  consider(max, ph.maxAmount);
  return { dailyFloor: daily, maxLossFloor: max, room, roomBp };
}
