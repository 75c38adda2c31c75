/**
 * Builders for test scenarios (used by the rules tests only). A scenario is the replay contract's
 * JSON: `{ program, events }` with money as strings and ISO times.
 */
import { replayScenario } from "./replay-scenario";

export type Json = Record<string, unknown>;

/** An FTMO-style two-phase program, overridable per field; phases default to one evaluation. */
export function program(overrides: Json = {}, phases?: Json[]): Json {
  return {
    currency: "USD",
    initialBalance: "100000.00",
    timezone: "UTC",
    dayStart: "00:00",
    phases: phases ?? [phase()],
    ...overrides,
  };
}

export function phase(overrides: Json = {}): Json {
  return {
    name: "Challenge",
    kind: "evaluation",
    profitTarget: { pct: 10 },
    dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "hard" },
    maxLoss: { pct: 10, mode: "static", lockAt: null },
    minTradingDays: 0,
    maxDays: null,
    consistency: null,
    ...overrides,
  };
}

export function account(t: string, balance: string, equity = balance, openPositions = 0): Json {
  return { t, type: "account", balance, equity, openPositions };
}

export function opened(t: string, id = "T1", symbol = "EURUSD", extra: Json = {}): Json {
  return { t, type: "trade_opened", id, symbol, ...extra };
}

export function clock(t: string): Json {
  return { t, type: "clock" };
}

export function phaseStart(t: string): Json {
  return { t, type: "phase_start" };
}

export function run(prog: Json, events: Json[]) {
  return replayScenario({ program: prog, events });
}
