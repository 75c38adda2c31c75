/**
 * `npm run --silent bench:rules`: throughput of the rules engine's live path, printed as JSON.
 *
 * Workload: 100,000 accounts in memory on four programs (daily loss + trailing max loss + profit
 * target + consistency on every one; different zones, day starts, references and trailing modes).
 * Updates are interleaved round-robin (account 0 update 0, account 1 update 0, …) and span about
 * 60 hours, so every account crosses two or three day starts during the run. A few accounts (3%)
 * trade wildly, so breaches, soft pauses and resumes happen too. All event objects are
 * built before the clock starts; the timed loop is only `applyEvent(program, state, event, out)`.
 *
 * The baseline is the same interleaved loop over typed arrays doing only the core comparisons
 * (floor checks, trailing high, target), i.e. the cost floor of any engine on this machine.
 */
import { compileProgram } from "../src/programs/compile-program";
import { applyEvent, createEngineState } from "../src/rules/apply-event";
import { type AccountEvent, EngineOutput, type EngineState } from "../src/rules/engine-types";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const UPDATES = Number(process.env.BENCH_UPDATES ?? 40);
const STEP_MS = 90 * 60_000; // one update per account every 90 minutes: 60 hours in all
const START = Date.parse("2026-03-05T06:00:00Z");

const programs = [
  {
    currency: "USD",
    initialBalance: "100000.00",
    timezone: "Europe/Prague",
    dayStart: "00:00",
    phases: [
      {
        kind: "evaluation",
        profitTarget: { pct: 10 },
        dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "hard" },
        maxLoss: { pct: 10, mode: "trailing_eod", lockAt: "0.00" },
        consistency: { maxBestDayPct: 50, inclusive: true },
      },
      { kind: "funded", dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "hard" } },
    ],
  },
  {
    currency: "USD",
    initialBalance: "50000.00",
    timezone: "America/Chicago",
    dayStart: "17:00",
    phases: [
      {
        kind: "evaluation",
        profitTarget: { amount: "3000.00" },
        dailyLoss: { amount: "1000.00", reference: "balance", kind: "soft" },
        maxLoss: { amount: "2000.00", mode: "trailing_eod", lockAt: "0.00" },
        consistency: { maxBestDayPct: 50, inclusive: true },
      },
    ],
  },
  {
    currency: "USD",
    initialBalance: "25000.00",
    timezone: "UTC",
    dayStart: "00:00",
    phases: [
      {
        kind: "evaluation",
        // A low target so balances reach it and the consistency gate is actually evaluated.
        profitTarget: { pct: 1 },
        dailyLoss: { pct: 4, amountBase: "reference", reference: "equity", kind: "hard" },
        maxLoss: { pct: 6, mode: "trailing_closed", lockAt: "0.00" },
        consistency: { maxBestDayPct: 30, inclusive: false },
      },
    ],
  },
  {
    currency: "USD",
    initialBalance: "200000.00",
    timezone: "America/New_York",
    dayStart: "17:00",
    phases: [
      {
        kind: "evaluation",
        profitTarget: { pct: 8 },
        dailyLoss: { pct: 4, amountBase: "initial", reference: "max", kind: "hard" },
        maxLoss: { pct: 8, mode: "trailing_intraday", lockAt: null },
        consistency: { maxBestDayPct: 40, inclusive: true },
      },
    ],
  },
].map((p) => compileProgram(p));

/** Deterministic pseudo-random numbers (mulberry32), so every run replays the same workload. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- Build (not timed) ----
const buildStart = performance.now();
const programOf = new Uint8Array(ACCOUNTS);
const states: EngineState[] = new Array(ACCOUNTS);
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < ACCOUNTS; i++) {
  programOf[i] = i % programs.length;
  states[i] = createEngineState(programs[programOf[i]!]!);
}
const heapAfter = process.memoryUsage().heapUsed;

const events: AccountEvent[] = new Array(ACCOUNTS * UPDATES);
const random = rng(42);
for (let i = 0; i < ACCOUNTS; i++) {
  const initial = programs[programOf[i]!]!.initial;
  // Closed P/L drifts slowly (some accounts upwards to the target); equity floats around it.
  const drift = Math.round((random() - 0.3) * initial * 0.0008);
  const swing = random() < 0.03 ? 12 : 1;
  let balance = initial;
  for (let k = 0; k < UPDATES; k++) {
    balance += drift + Math.round((random() - 0.5) * initial * 0.002 * swing);
    const open = random() < 0.6 ? 1 : 0;
    const floating = open ? Math.round((random() - 0.55) * initial * 0.006 * swing) : 0;
    events[k * ACCOUNTS + i] = {
      type: "account",
      t: START + k * STEP_MS + (i % 3600) * 1000,
      balance,
      equity: balance + floating,
      openPositions: open,
    };
  }
}
const buildMs = performance.now() - buildStart;

// Baseline inputs: the same values in typed arrays.
const bBalance = new Float64Array(ACCOUNTS * UPDATES);
const bEquity = new Float64Array(ACCOUNTS * UPDATES);
const bTime = new Float64Array(ACCOUNTS * UPDATES);
for (let n = 0; n < events.length; n++) {
  const e = events[n]!;
  bBalance[n] = e.balance;
  bEquity[n] = e.equity;
  bTime[n] = e.t;
}

// ---- Warm-up (not timed): JIT and the programs' day-start caches, on throwaway states ----
const out = new EngineOutput();
{
  const throwaway = Array.from({ length: ACCOUNTS }, (_, i) => createEngineState(programs[programOf[i]!]!));
  for (let k = 0; k < Math.min(3, UPDATES); k++)
    for (let i = 0; i < ACCOUNTS; i++)
      applyEvent(programs[programOf[i]!]!, throwaway[i]!, events[k * ACCOUNTS + i]!, out);
}

// ---- Timed: the engine, from fresh states ----
let decisions = 0;
const t0 = process.hrtime.bigint();
for (let k = 0; k < UPDATES; k++) {
  const base = k * ACCOUNTS;
  for (let i = 0; i < ACCOUNTS; i++) {
    decisions += applyEvent(programs[programOf[i]!]!, states[i]!, events[base + i]!, out);
  }
}
const engineNs = Number(process.hrtime.bigint() - t0);

// ---- Timed: the raw baseline (comparisons only) ----
const dailyFloor = new Float64Array(ACCOUNTS);
const dailyAmount = new Float64Array(ACCOUNTS);
const maxFloor = new Float64Array(ACCOUNTS);
const maxAmount = new Float64Array(ACCOUNTS);
const high = new Float64Array(ACCOUNTS);
const target = new Float64Array(ACCOUNTS);
const nextDay = new Float64Array(ACCOUNTS);
const bal = new Float64Array(ACCOUNTS);
const failed = new Uint8Array(ACCOUNTS);
for (let i = 0; i < ACCOUNTS; i++) {
  const ph = programs[programOf[i]!]!.phases[0]!;
  dailyAmount[i] = ph.dailyAmount;
  dailyFloor[i] = ph.initial - ph.dailyAmount;
  maxAmount[i] = ph.maxAmount;
  maxFloor[i] = ph.initial - ph.maxAmount;
  high[i] = ph.initial;
  target[i] = ph.targetBalance;
  nextDay[i] = START + 86_400_000;
  bal[i] = ph.initial;
}
let baselineHits = 0;
const t1 = process.hrtime.bigint();
for (let k = 0; k < UPDATES; k++) {
  const base = k * ACCOUNTS;
  for (let i = 0; i < ACCOUNTS; i++) {
    if (failed[i] === 1) continue;
    const n = base + i;
    const t = bTime[n]!;
    const b = bBalance[n]!;
    const e = bEquity[n]!;
    if (t >= nextDay[i]!) {
      dailyFloor[i] = bal[i]! - dailyAmount[i]!;
      nextDay[i] = nextDay[i]! + 86_400_000;
    }
    bal[i] = b;
    if (b > high[i]!) {
      high[i] = b;
      maxFloor[i] = b - maxAmount[i]!;
    }
    if (e < maxFloor[i]! || e < dailyFloor[i]!) {
      failed[i] = 1;
      baselineHits++;
    } else if (b >= target[i]!) baselineHits++;
  }
}
const baselineNs = Number(process.hrtime.bigint() - t1);

// ---- Report ----
const evaluations = ACCOUNTS * UPDATES;
const statusCounts: Record<string, number> = {};
let jsonBytes = 0;
let dayRolls = 0;
for (let i = 0; i < ACCOUNTS; i++) {
  const s = states[i]!;
  statusCounts[s.status] = (statusCounts[s.status] ?? 0) + 1;
  dayRolls += s.daysRecorded;
  if (i % 100 === 0) jsonBytes += JSON.stringify(s).length;
}

process.stdout.write(
  `${JSON.stringify(
    {
      evaluationsPerSecond: Math.round(evaluations / (engineNs / 1e9)),
      baselineEvaluationsPerSecond: Math.round(evaluations / (baselineNs / 1e9)),
      goalEvaluationsPerSecond: 2_000_000,
      accounts: ACCOUNTS,
      updatesPerAccount: UPDATES,
      evaluations,
      engineMs: Math.round(engineNs / 1e6),
      baselineMs: Math.round(baselineNs / 1e6),
      nsPerEvaluation: Number((engineNs / evaluations).toFixed(1)),
      bytesPerAccountState: Math.round(jsonBytes / Math.ceil(ACCOUNTS / 100)),
      heapBytesPerAccountStateEstimate: Math.round((heapAfter - heapBefore) / ACCOUNTS),
      programs: programs.length,
      rules: ["daily_loss", "max_loss (trailing)", "profit_target", "consistency"],
      dayStartsCrossed: dayRolls,
      decisionsEmitted: decisions,
      finalStatus: statusCounts,
      baselineDecisions: baselineHits,
      buildMs: Math.round(buildMs),
      node: process.version,
    },
    null,
    2,
  )}\n`,
);
