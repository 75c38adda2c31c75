import { AppError } from "../errors";
import { currencyExponent, formatMoney, parseMoney } from "../money";
import { type CompiledProgram, compileProgram } from "../programs/compile-program";
import { applyEvent, createEngineState } from "./apply-event";
import { describeState } from "./describe-state";
import {
  copyOutputEvent,
  type EmittedEvent,
  type EngineEvent,
  EngineOutput,
  type EngineState,
  type EngineStatus,
  engineEventTypes,
  rulesOfBits,
} from "./engine-types";
import { MAX_MINOR } from "./exact-math";
import { instantBefore, type ParsedInstant, parseInstant } from "./parse-instant";

/** The contract's result (spec/challenge-rules.md, "Result"). */
export interface ReplayResult {
  events: ReplayOutputEvent[];
  state: ReplayResultState;
}

export type ReplayOutputEvent = { t: string; type: string; phase: number } & Record<string, unknown>;

export interface ReplayResultState {
  status: EngineStatus;
  phase: number;
  balance: string;
  equity: string;
  dailyFloor: string | null;
  maxLossFloor: string | null;
  tradingDays: number;
  bestDayPct: string | null;
}

/** A validated scenario: the compiled program and its events with their original time strings. */
export interface ParsedScenario {
  program: CompiledProgram;
  events: EngineEvent[];
  times: string[];
}

function invalid(path: string, message: string): never {
  throw new AppError("VALIDATION", `${path}: ${message}`, { issues: [{ path, message }] });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates a scenario `{ program, events }` and converts it to engine inputs. */
export function parseScenario(input: unknown): ParsedScenario {
  if (!isObject(input)) invalid("scenario", "must be a JSON object with program and events");
  if (input.program === undefined) invalid("program", "is required");
  const program = compileProgram(input.program, { pathPrefix: "program" });
  const rawEvents = input.events;
  if (rawEvents === undefined) invalid("events", "is required");
  if (!Array.isArray(rawEvents)) invalid("events", "must be an array");
  const events: EngineEvent[] = [];
  const times: string[] = [];
  let previous: ParsedInstant | null = null;
  for (let i = 0; i < rawEvents.length; i++) {
    const parsed = parseEvent(program, rawEvents[i], i, previous);
    previous = parsed.instant;
    events.push(parsed.event);
    times.push(parsed.t);
  }
  return { program, events, times };
}

function parseEvent(
  program: CompiledProgram,
  raw: unknown,
  i: number,
  previous: ParsedInstant | null,
): { event: EngineEvent; t: string; instant: ParsedInstant } {
  const at = `events[${i}]`;
  if (!isObject(raw)) invalid(at, "must be an object");
  const ts = raw.t;
  if (ts === undefined || ts === null) invalid(`${at}.t`, "is required");
  if (typeof ts !== "string") invalid(`${at}.t`, "must be an ISO 8601 time string");
  const instant = parseInstant(ts);
  if (!instant) invalid(`${at}.t`, `${JSON.stringify(ts)} is not an ISO 8601 instant with Z or an offset`);
  if (previous && instantBefore(instant, previous))
    invalid(`${at}.t`, `is earlier than events[${i - 1}].t (events must be sorted by time)`);
  const t = instant.ms;
  const type = raw.type;
  if (type === undefined || type === null) invalid(`${at}.type`, "is required");
  if (typeof type !== "string" || !(engineEventTypes as readonly string[]).includes(type))
    invalid(
      `${at}.type`,
      `unknown event type ${JSON.stringify(type)} (expected ${engineEventTypes.join(", ")})`,
    );

  const money = (field: string): number => {
    const v = raw[field];
    if (v === undefined || v === null) invalid(`${at}.${field}`, "is required");
    if (typeof v !== "string") invalid(`${at}.${field}`, 'must be a decimal string like "1000.00"');
    let minor: bigint;
    try {
      minor = parseMoney(v, program.currency);
    } catch {
      return invalid(
        `${at}.${field}`,
        /^-?\d+(\.\d+)?$/.test(v)
          ? `has more than ${currencyExponent(program.currency)} decimal places for ${program.currency}`
          : 'must be a decimal string like "1000.00"',
      );
    }
    if (minor > BigInt(MAX_MINOR) || minor < -BigInt(MAX_MINOR)) invalid(`${at}.${field}`, "is out of range");
    return Number(minor);
  };
  const text = (field: string): string => {
    const v = raw[field];
    if (v === undefined || v === null) invalid(`${at}.${field}`, "is required");
    if (typeof v !== "string" || v.length === 0) invalid(`${at}.${field}`, "must be a non-empty string");
    return v;
  };
  const lots = (field: string, required: boolean): number | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) {
      if (required) invalid(`${at}.${field}`, "is required");
      return undefined;
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      invalid(`${at}.${field}`, "must be a positive number of lots");
    if (Math.abs(Math.round(v * 1000) - v * 1000) > 1e-6)
      invalid(`${at}.${field}`, "must have at most 3 decimal places");
    return v;
  };

  let event: EngineEvent;
  switch (type) {
    case "account": {
      const balance = money("balance");
      const equity = money("equity");
      const op = raw.openPositions;
      if (op !== undefined && op !== null && (typeof op !== "number" || !Number.isSafeInteger(op) || op < 0))
        invalid(`${at}.openPositions`, "must be a whole number, 0 or more");
      event = { type: "account", t, balance, equity, openPositions: typeof op === "number" ? op : 0 };
      break;
    }
    case "trade_opened": {
      const id = text("id");
      const symbol = text("symbol");
      const l = lots("lots", false);
      const sl = raw.stopLoss;
      if (sl !== undefined && sl !== null && (typeof sl !== "number" || !Number.isFinite(sl)))
        invalid(`${at}.stopLoss`, "must be a price (a number) or null");
      const side = raw.side;
      if (side !== undefined && side !== null && side !== "buy" && side !== "sell")
        invalid(`${at}.side`, 'must be one of "buy", "sell"');
      event = {
        type: "trade_opened",
        t,
        id,
        symbol,
        lots: l,
        stopLoss: typeof sl === "number" ? sl : null,
        side: side === "buy" || side === "sell" ? side : undefined,
      };
      break;
    }
    case "trade_closed": {
      const id = text("id");
      const symbol = text("symbol");
      const l = lots("lots", true)!;
      const profit = money("profit");
      event = { type: "trade_closed", t, id, symbol, lots: l, profit };
      break;
    }
    case "news": {
      const time = raw.time;
      if (time === undefined || time === null) invalid(`${at}.time`, "is required");
      const parsedTime = typeof time === "string" ? parseInstant(time) : null;
      if (!parsedTime) invalid(`${at}.time`, "must be an ISO 8601 instant with Z or an offset");
      const symbols = raw.symbols;
      if (symbols === undefined || symbols === null) invalid(`${at}.symbols`, "is required");
      if (!Array.isArray(symbols) || symbols.length === 0)
        invalid(`${at}.symbols`, "must be a non-empty array of symbols or currency codes");
      symbols.forEach((s, k) => {
        if (typeof s !== "string" || s.length === 0)
          invalid(`${at}.symbols[${k}]`, "must be a non-empty string");
      });
      const impact = raw.impact;
      if (impact === undefined || impact === null) invalid(`${at}.impact`, "is required");
      if (impact !== "high" && impact !== "medium" && impact !== "low")
        invalid(`${at}.impact`, 'must be one of "high", "medium", "low"');
      const title = typeof raw.title === "string" ? raw.title : undefined;
      event = { type: "news", t, time: parsedTime.ms, symbols: symbols as string[], impact, title };
      break;
    }
    case "clock":
      event = { type: "clock", t };
      break;
    default:
      event = { type: "phase_start", t };
  }
  return { event, t: ts, instant };
}

/** Formats minor units held in a number as the contract's money string. */
export function formatMinor(minor: number, currency: string): string {
  return formatMoney(BigInt(minor), currency);
}

/** The contract's `state` object for an engine state. */
export function resultState(program: CompiledProgram, s: EngineState): ReplayResultState {
  const d = describeState(program, s);
  const c = program.currency;
  return {
    status: s.status,
    phase: s.phase,
    balance: formatMinor(s.balance, c),
    equity: formatMinor(s.equity, c),
    dailyFloor: d.dailyFloor === null ? null : formatMinor(d.dailyFloor, c),
    maxLossFloor: d.maxLossFloor === null ? null : formatMinor(d.maxLossFloor, c),
    tradingDays: s.tradingDays,
    bestDayPct: d.bestDayPct,
  };
}

/** The contract's JSON form of one emitted event (`t` is the input event's own time string). */
export function resultEvent(program: CompiledProgram, e: EmittedEvent, t: string): ReplayOutputEvent {
  const c = program.currency;
  const base = { t, type: e.type, phase: e.phase };
  switch (e.type) {
    case "breached":
      return { ...base, rule: e.rule, rules: rulesOfBits(e.rules), ...lossFields(e, c) };
    case "paused":
      return { ...base, rule: e.rule, equity: formatMinor(e.equity, c), floor: formatMinor(e.floor, c) };
    case "phase_passed":
      return { ...base, balance: formatMinor(e.balance, c) };
    case "warning":
      return {
        ...base,
        rule: e.rule,
        level: e.level,
        equity: formatMinor(e.equity, c),
        floor: formatMinor(e.floor, c),
      };
    case "violation":
      return { ...base, rule: e.rule, ...extensionFields(e, c) };
    default:
      return base;
  }
}

function lossFields(e: EmittedEvent, c: string): Record<string, unknown> {
  if (e.rule === "max_loss" || e.rule === "daily_loss")
    return { equity: formatMinor(e.equity, c), floor: formatMinor(e.floor, c) };
  return { equity: formatMinor(e.equity, c), ...extensionFields(e, c) };
}

/** Details of an extension rule's decision (only programs that enable the rule can produce one). */
function extensionFields(e: EmittedEvent, c: string): Record<string, unknown> {
  switch (e.rule) {
    case "max_lots":
      return {
        symbol: e.symbol,
        tradeId: e.tradeId,
        scope: e.level === 1 ? "symbol" : "total",
        lots: e.value / 1000,
        limit: e.floor / 1000,
      };
    case "trade_loss":
      return {
        symbol: e.symbol,
        tradeId: e.tradeId,
        profit: formatMinor(e.value, c),
        limit: formatMinor(e.amount, c),
      };
    case "news_window":
      return { symbol: e.symbol, tradeId: e.tradeId, newsTime: new Date(e.value).toISOString() };
    case "stop_loss_required":
      return { symbol: e.symbol, tradeId: e.tradeId };
    case "weekend_holding":
      return { cutoff: new Date(e.value).toISOString() };
    case "inactivity":
      return { lastTradeAt: new Date(e.value).toISOString() };
    default:
      return {};
  }
}

/**
 * Recomputes the decisions for recorded engine inputs (disputes): the same `applyEvent` the live
 * pipeline runs, from a fresh state (or from `from`, a stored state, when given).
 */
export function replayEvents(
  program: CompiledProgram,
  events: readonly EngineEvent[],
  from?: EngineState,
): { events: EmittedEvent[]; eventIndex: number[]; state: EngineState } {
  const state = from ? (JSON.parse(JSON.stringify(from)) as EngineState) : createEngineState(program);
  const out = new EngineOutput();
  const emitted: EmittedEvent[] = [];
  const eventIndex: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const n = applyEvent(program, state, events[i]!, out);
    for (let k = 0; k < n; k++) {
      emitted.push(copyOutputEvent(out.items[k]!));
      eventIndex.push(i);
    }
  }
  return { events: emitted, eventIndex, state };
}

/** The replay contract: a scenario JSON value in, the result JSON value out (throws AppError). */
export function replayScenario(input: unknown): ReplayResult {
  const { program, events, times } = parseScenario(input);
  const r = replayEvents(program, events);
  return {
    events: r.events.map((e, k) => resultEvent(program, e, times[r.eventIndex[k]!]!)),
    state: resultState(program, r.state),
  };
}

/** Outcome of re-running recorded inputs against the decisions the pipeline stored. */
export interface DecisionCheck {
  matches: boolean;
  /** Index in the recomputed list of the first difference, -1 when they match. */
  firstMismatch: number;
  recomputed: EmittedEvent[];
}

/**
 * Disputes: recomputes the decisions from the stored engine inputs with the same `applyEvent`
 * and compares them, field by field, with the decisions the live pipeline recorded.
 */
export function verifyDecisions(
  program: CompiledProgram,
  inputs: readonly EngineEvent[],
  recorded: readonly EmittedEvent[],
): DecisionCheck {
  const { events } = replayEvents(program, inputs);
  const n = Math.max(events.length, recorded.length);
  for (let i = 0; i < n; i++) {
    const a = events[i];
    const b = recorded[i];
    if (!a || !b || JSON.stringify(a) !== JSON.stringify(copyOutputEvent(b)))
      return { matches: false, firstMismatch: i, recomputed: events };
  }
  return { matches: true, firstMismatch: -1, recomputed: events };
}
