import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram } from "../programs/compile-program";
import { applyEvent, createEngineState } from "./apply-event";
import {
  copyOutputEvent,
  type EmittedEvent,
  type EngineEvent,
  EngineOutput,
  type EngineState,
} from "./engine-types";
import { replayEvents } from "./replay-scenario";

/**
 * Properties of the engine over random programs and random event streams: money around a
 * 100,000.00 account, times drifting over weeks so day starts, DST changes and expiries are crossed.
 */

const zones = [
  "UTC",
  "Europe/Prague",
  "America/Chicago",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
];
const modes = ["static", "trailing_eod", "trailing_closed", "trailing_intraday"] as const;

const extKind = fc.constantFrom("hard", "soft");

const limitArb = fc.oneof(
  fc.record({ pct: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ amount: fc.integer({ min: 100, max: 12_000 }).map((n) => `${n}.00`) }),
);

const phaseArb = (kind: "evaluation" | "funded") =>
  fc.record({
    kind: fc.constant(kind),
    profitTarget: kind === "evaluation" ? fc.option(limitArb, { nil: null }) : fc.constant(null),
    dailyLoss: fc.option(
      fc.record({
        pct: fc.integer({ min: 1, max: 6 }),
        amountBase: fc.constantFrom("initial", "reference"),
        reference: fc.constantFrom("balance", "equity", "max"),
        kind: fc.constantFrom("hard", "soft"),
      }),
      { nil: null },
    ),
    maxLoss: fc.option(
      fc.record({
        pct: fc.integer({ min: 2, max: 12 }),
        mode: fc.constantFrom(...modes),
        lockAt: fc.option(fc.constantFrom("0.00", "100.00", "2500.00"), { nil: null }),
      }),
      { nil: null },
    ),
    minTradingDays: fc.integer({ min: 0, max: 3 }),
    maxDays: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    consistency: fc.option(
      fc.record({ maxBestDayPct: fc.integer({ min: 20, max: 80 }), inclusive: fc.boolean() }),
      { nil: null },
    ),
    // Extensions, so their state (open trades, calendar) is covered by the resume property too.
    warnings: fc.option(fc.constant({ levels: [50, 80] }), { nil: null }),
    maxLots: fc.option(fc.record({ perSymbol: fc.constant(2), total: fc.constant(3), kind: extKind }), {
      nil: null,
    }),
    weekendHolding: fc.option(
      fc.record({ cutoff: fc.constant({ day: "friday", time: "21:00" }), kind: extKind }),
      {
        nil: null,
      },
    ),
    newsWindow: fc.option(
      fc.record({
        minutesBefore: fc.constant(120),
        minutesAfter: fc.constant(120),
        impacts: fc.constant(["high"]),
        kind: extKind,
      }),
      { nil: null },
    ),
    maxTradeLoss: fc.option(fc.record({ pct: fc.constant(1), kind: extKind }), { nil: null }),
    stopLossRequired: fc.option(fc.record({ kind: extKind }), { nil: null }),
    inactivity: fc.option(fc.record({ days: fc.integer({ min: 2, max: 10 }) }), { nil: null }),
  });

const programArb = fc.record({
  currency: fc.constant("USD"),
  initialBalance: fc.constant("100000.00"),
  timezone: fc.constantFrom(...zones),
  dayStart: fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30))
    .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
  phases: fc.tuple(phaseArb("evaluation"), phaseArb("evaluation"), phaseArb("funded")).map((p) => [...p]),
});

const START = Date.parse("2026-03-01T00:00:00Z");

/** A sorted stream: each step advances 0 to 40 hours and is an account, trade, clock or phase_start. */
const eventsArb = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 * 3_600_000 })),
      kind: fc.constantFrom(
        "account",
        "account",
        "account",
        "account",
        "trade_opened",
        "trade_closed",
        "news",
        "clock",
        "phase_start",
      ),
      symbol: fc.constantFrom("EURUSD", "XAUUSD", "US30"),
      lots: fc.integer({ min: 1, max: 2500 }),
      trade: fc.integer({ min: 0, max: 5 }),
      balance: fc.integer({ min: 85_000_00, max: 116_000_00 }),
      drift: fc.integer({ min: -6_000_00, max: 3_000_00 }),
      open: fc.integer({ min: 0, max: 2 }),
    }),
    { maxLength: 60 },
  )
  .map((steps) => {
    let t = START;
    return steps.map((s, i): EngineEvent => {
      t += s.gap;
      switch (s.kind) {
        case "account":
          return {
            type: "account",
            t,
            balance: s.balance,
            equity: s.open === 0 ? s.balance : s.balance + s.drift,
            openPositions: s.open,
          };
        case "trade_opened":
          return {
            type: "trade_opened",
            t,
            id: `T${s.trade}`,
            symbol: s.symbol,
            lots: s.lots / 1000,
            stopLoss: s.open === 0 ? null : 1.1,
          };
        case "trade_closed":
          return {
            type: "trade_closed",
            t,
            id: `T${s.trade}`,
            symbol: s.symbol,
            lots: s.lots / 1000,
            profit: s.drift,
          };
        case "news":
          return {
            type: "news",
            t,
            time: t + s.lots * 60_000,
            symbols: [i % 2 ? "USD" : s.symbol],
            impact: "high",
          };
        case "clock":
          return { type: "clock", t };
        default:
          return { type: "phase_start", t };
      }
    });
  });

function runAll(program: ReturnType<typeof compileProgram>, state: EngineState, events: EngineEvent[]) {
  const out = new EngineOutput();
  const emitted: EmittedEvent[] = [];
  for (const ev of events) {
    const n = applyEvent(program, state, ev, out);
    for (let k = 0; k < n; k++) emitted.push(copyOutputEvent(out.items[k]!));
  }
  return emitted;
}

describe("engine properties", () => {
  it("a trailing max-loss floor never falls within a phase", () => {
    fc.assert(
      fc.property(programArb, eventsArb, (input, events) => {
        const program = compileProgram(input);
        const s = createEngineState(program);
        const out = new EngineOutput();
        let phase = s.phase;
        let floor = s.maxLossFloor;
        for (const ev of events) {
          applyEvent(program, s, ev, out);
          if (s.phase === phase) expect(s.maxLossFloor).toBeGreaterThanOrEqual(floor);
          phase = s.phase;
          floor = s.maxLossFloor;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a static max-loss floor never moves within a phase (initial − amount)", () => {
    fc.assert(
      fc.property(programArb, eventsArb, (input, events) => {
        for (const p of input.phases) if (p.maxLoss) p.maxLoss.mode = "static";
        const program = compileProgram(input);
        const s = createEngineState(program);
        const out = new EngineOutput();
        for (const ev of events) {
          applyEvent(program, s, ev, out);
          const ph = program.phases[s.phase]!;
          if (ph.maxMode !== 0) expect(s.maxLossFloor).toBe(ph.initial - ph.maxAmount);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("splitting the stream anywhere, storing the state as JSON and resuming gives the identical result", () => {
    fc.assert(
      fc.property(programArb, eventsArb, fc.nat(), (input, events, cut) => {
        const at = events.length === 0 ? 0 : cut % (events.length + 1);
        const whole = replayEvents(compileProgram(input), events);

        const first = compileProgram(input);
        const s1 = createEngineState(first);
        const head = runAll(first, s1, events.slice(0, at));
        const stored = JSON.stringify(s1);
        // A new process: a freshly compiled program (cold day-start cache) and the parsed state.
        const second = compileProgram(input);
        const s2 = JSON.parse(stored) as EngineState;
        const tail = runAll(second, s2, events.slice(at));

        expect([...head, ...tail]).toEqual(whole.events);
        expect(s2).toEqual(whole.state);
      }),
      { numRuns: 300 },
    );
  });

  it("replay is deterministic, whatever the day-start cache already holds", () => {
    fc.assert(
      fc.property(programArb, eventsArb, eventsArb, (input, events, other) => {
        const program = compileProgram(input);
        const a = replayEvents(program, events);
        replayEvents(program, other); // warms the shared cache with other days
        const b = replayEvents(program, events);
        expect(b).toEqual(a);
        expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
      }),
      { numRuns: 200 },
    );
  });

  it("the state is JSON of numbers and strings only, with safe-integer money", () => {
    fc.assert(
      fc.property(programArb, eventsArb, (input, events) => {
        const { state } = replayEvents(compileProgram(input), events);
        for (const [k, v] of Object.entries(state)) {
          if (typeof v === "number") expect(Number.isSafeInteger(v), k).toBe(true);
          else if (typeof v !== "string") expect(JSON.parse(JSON.stringify(v)), k).toEqual(v);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("nothing is emitted after a failure or completion", () => {
    fc.assert(
      fc.property(programArb, eventsArb, (input, events) => {
        const r = replayEvents(compileProgram(input), events);
        const end = r.events.findIndex((e) => e.type === "breached" || e.type === "expired");
        if (end >= 0) expect(r.events.length).toBe(end + 1);
      }),
      { numRuns: 200 },
    );
  });
});
