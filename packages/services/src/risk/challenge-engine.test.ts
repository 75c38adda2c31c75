import { compileProgram, programTemplate } from "@propdesk/domain/programs";
import { EngineOutput, replayEvents } from "@propdesk/domain/rules";
import { describe, expect, it } from "vitest";
import { evaluateInput, expectedPhase, newChallengeEngine, nextDue, roomOf } from "./challenge-engine";
import { replayChallenge } from "./replay-challenge";
import type { RiskInput } from "./risk-input";

const program = compileProgram({
  ...programTemplate("two-step-cfd")!.program,
  phases: [
    {
      name: "Challenge",
      kind: "evaluation",
      profitTarget: { pct: 2 },
      dailyLoss: { pct: 2, amountBase: "initial", reference: "balance", kind: "soft" },
      maxLoss: { pct: 4, mode: "static", lockAt: null },
      minTradingDays: 0,
    },
    {
      name: "Funded",
      kind: "funded",
      dailyLoss: { pct: 2, amountBase: "initial", reference: "balance", kind: "hard" },
      maxLoss: { pct: 4, mode: "static", lockAt: null },
    },
  ],
});

const T0 = Date.UTC(2026, 0, 5, 8);
let id = 0;
function input(kind: RiskInput["kind"], t: number, extra: Partial<RiskInput> = {}): RiskInput {
  return {
    inputId: ++id,
    challengeId: "c",
    tradingAccountId: "a0",
    phaseIndex: 0,
    kind,
    t,
    balance: 0,
    equity: 0,
    openPositions: 0,
    amount: 0,
    tradeId: "",
    symbol: "",
    side: null,
    lots: null,
    stopLoss: null,
    restoreState: null,
    restoreOf: null,
    receivedAtMs: t,
    ...extra,
  };
}
const account = (t: number, balance: number, equity: number, extra: Partial<RiskInput> = {}) =>
  input("account", t, { balance, equity, ...extra });

describe("evaluateInput", () => {
  it("applies the domain engine exactly: the same decisions as replaying the same events", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    const inputs = [
      input("phase_start", T0),
      account(T0 + 60_000, 10_000_000, 9_900_000),
      account(T0 + 120_000, 10_000_000, 9_790_000),
      account(T0 + 180_000, 9_500_000, 9_550_000),
    ];
    const decisions = inputs.flatMap((i) => evaluateInput(engine, i, out).decisions.map((d) => d.decision));
    const direct = replayEvents(program, [
      { type: "phase_start", t: T0 },
      { type: "account", t: T0 + 60_000, balance: 10_000_000, equity: 9_900_000, openPositions: 0 },
      { type: "account", t: T0 + 120_000, balance: 10_000_000, equity: 9_790_000, openPositions: 0 },
      { type: "account", t: T0 + 180_000, balance: 9_500_000, equity: 9_550_000, openPositions: 0 },
    ]).events;
    expect(decisions).toEqual(direct);
    expect(decisions.map((d) => d.type)).toEqual(["paused", "breached"]);
  });

  it("keeps the state before a breach, so an override can resume from it", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    evaluateInput(engine, account(T0, 10_000_000, 10_050_000), out);
    const r = evaluateInput(engine, account(T0 + 60_000, 10_000_000, 9_500_000), out);
    expect(r.decisions[0]!.decision.type).toBe("breached");
    expect(r.decisions[0]!.stateBefore).toMatchObject({ status: "active", equity: 10_050_000 });
    expect(engine.state!.status).toBe("failed");
    evaluateInput(engine, input("restore", T0 + 60_000, { restoreState: r.decisions[0]!.stateBefore }), out);
    expect(engine.state!.status).toBe("active");
    expect(evaluateInput(engine, account(T0 + 120_000, 10_000_000, 10_010_000), out).decisions).toEqual([]);
  });

  it("sets aside updates of another phase's account, while suspended, and clocks from the past", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    evaluateInput(engine, account(T0, 10_000_000, 10_000_000), out);
    expect(
      evaluateInput(engine, account(T0 + 60_000, 10_000_000, 10_000_000, { phaseIndex: 1 }), out),
    ).toMatchObject({
      evaluated: false,
      skipped: "other_phase",
    });
    evaluateInput(engine, input("suspend", T0 + 60_000), out);
    expect(evaluateInput(engine, account(T0 + 120_000, 10_000_000, 9_000_000), out)).toMatchObject({
      evaluated: false,
      skipped: "suspended",
    });
    evaluateInput(engine, input("unsuspend", T0 + 120_000), out);
    expect(evaluateInput(engine, input("clock", T0 - 1), out)).toMatchObject({
      evaluated: false,
      skipped: "past",
    });
    expect(engine.state!.equity).toBe(10_000_000);
  });

  it("applies an update stamped before the last one at the last time (the engine's clock never goes back)", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    evaluateInput(engine, account(T0 + 600_000, 10_000_000, 10_000_000), out);
    evaluateInput(engine, account(T0, 10_000_000, 10_020_000), out);
    expect(engine.state!.lastT).toBe(T0 + 600_000);
    expect(engine.state!.equity).toBe(10_020_000);
  });

  it("moves today's reference with a balance adjustment: a withdrawal is not a trading loss", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    evaluateInput(engine, account(T0, 10_150_000, 10_150_000, { openPositions: 1 }), out);
    const floor = engine.state!.dailyFloor;
    evaluateInput(engine, input("balance_adjustment", T0 + 1000, { amount: -250_000 }), out);
    expect(engine.state!.dailyFloor).toBe(floor - 250_000);
    // 9,700,000 after the withdrawal is above the moved daily floor (9,550,000): nothing happens.
    expect(
      evaluateInput(engine, account(T0 + 2000, 9_900_000, 9_700_000, { openPositions: 1 }), out).decisions,
    ).toEqual([]);
    expect(engine.state!.maxLossFloor).toBe(9_600_000);
  });

  it("starts the next phase only at its phase_start and keeps the closed days of the phase", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    evaluateInput(engine, account(T0, 10_000_000, 10_000_000), out);
    evaluateInput(engine, account(T0 + 86_400_000, 10_100_000, 10_100_000), out);
    expect(engine.days).toEqual([{ dayStart: expect.any(Number), day: "Mon 2026-01-05", profit: 0 }]);
    const passed = evaluateInput(engine, account(T0 + 86_460_000, 10_250_000, 10_250_000), out);
    expect(passed.decisions.map((d) => d.decision.type)).toEqual(["phase_passed"]);
    expect(expectedPhase(engine.state)).toBe(1);
    expect(evaluateInput(engine, account(T0 + 86_520_000, 10_250_000, 10_250_000), out).skipped).toBe(
      "other_phase",
    );
    const started = evaluateInput(engine, input("phase_start", T0 + 90_000_000, { phaseIndex: 1 }), out);
    expect(started.decisions.map((d) => d.decision.type)).toEqual(["phase_started"]);
    expect(engine.days).toEqual([]);
    expect(engine.state!.phase).toBe(1);
  });

  it("reports the room left and when a clock is next due", () => {
    const engine = newChallengeEngine(program);
    const out = new EngineOutput();
    expect(nextDue(engine)).toBeNull();
    evaluateInput(engine, account(T0, 10_000_000, 9_900_000), out);
    // Daily floor 9,800,000 (100,000 left of 200,000) is nearer than the max-loss floor 9,600,000.
    expect(roomOf(engine)).toEqual({
      dailyFloor: 9_800_000,
      maxLossFloor: 9_600_000,
      room: 100_000,
      roomBp: 5000,
    });
    expect(nextDue(engine)).toBe(engine.state!.nextDayStart);
  });
});

describe("replayChallenge", () => {
  it("finds a stored decision that differs from the recomputation", () => {
    const inputs = [account(T0, 10_000_000, 10_000_000), account(T0 + 60_000, 10_000_000, 9_500_000)];
    const fresh = newChallengeEngine(program);
    const out = new EngineOutput();
    const stored = inputs.flatMap((i) =>
      evaluateInput(fresh, i, out).decisions.map((d) => ({
        inputId: i.inputId,
        idx: d.idx,
        decision: d.decision,
      })),
    );
    expect(replayChallenge(program, inputs, stored).matches).toBe(true);
    const altered = [
      { ...stored[0]!, decision: { ...stored[0]!.decision, floor: stored[0]!.decision.floor - 1 } },
    ];
    const r = replayChallenge(program, inputs, altered);
    expect(r).toMatchObject({ matches: false, firstMismatch: 0 });
    expect(replayChallenge(program, inputs, []).rows).toMatchObject([{ stored: null, matches: false }]);
  });
});
