import { challenges, risk, type TenantDb, trades } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import { localDate } from "@propdesk/domain/explain";
import {
  createEngineState,
  describeState,
  type EngineState,
  type EngineStatus,
} from "@propdesk/domain/rules";
import type { DayProfit } from "./challenge-engine";
import { compiledProgramFor } from "./program-cache";

/**
 * Where a trading account stands under its challenge's rules, from the persisted engine state (the
 * evaluator checkpoints it about every second): what the trader portal shows, and what payouts
 * check (flat or not, profit since the start, trading days, per-day profits for consistency).
 */
export interface AccountStanding {
  tradingAccountId: string;
  challengeId: string;
  phaseIndex: number;
  phaseName: string;
  phaseKind: "evaluation" | "funded";
  currency: string;
  balance: bigint;
  equity: bigint;
  openPositions: number;
  /** No open position (and no trade opened since the last snapshot). */
  flat: boolean;
  /**
   * The engine's status for this account; `not_started` before its first update, `closed` for an
   * account of an earlier phase (superseded by the next phase's account).
   */
  status: EngineStatus | "not_started" | "closed";
  /** An emergency stop suspended evaluation. */
  suspended: boolean;
  initialBalance: bigint;
  /** balance − initial balance. */
  profit: bigint;
  tradingDays: number;
  minTradingDays: number;
  firstTradeAt: Date | null;
  lastTradeAt: Date | null;
  /** Platform time of the last update the engine applied. */
  lastUpdateAt: Date | null;
  /** Profit of each trading day of the phase, in order; the last entry is today (`open`). */
  dayProfits: Array<{ day: string; profit: bigint; open: boolean }>;
  /** Best day / total profit in percent (two decimals), null while the profit is not positive. */
  bestDayPct: string | null;
  maxBestDayPct: number | null;
  floors: { daily: bigint | null; maxLoss: bigint | null };
  room: { daily: bigint | null; maxLoss: bigint | null };
  targetBalance: bigint | null;
  targetProgressPct: string | null;
  dayStart: Date | null;
  nextDayStart: Date | null;
  deadline: Date | null;
  /** When the evaluator last saved this state. */
  asOf: Date | null;
}

const big = (n: number | null) => (n === null ? null : BigInt(n));
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function getAccountStanding(db: TenantDb, tradingAccountId: string): Promise<AccountStanding> {
  const account = await challenges.findTradingAccount(db, tradingAccountId);
  if (!account) throw new AppError("NOT_FOUND", "That trading account does not exist.");
  const challenge = await challenges.findChallenge(db, account.challengeId);
  if (!challenge) throw new AppError("NOT_FOUND", "That trading account's challenge does not exist.");
  const program = compiledProgramFor(challenge.programVersionId, challenge.programVersion.definition);
  const row = await risk.findEngineState(db, account.challengeId);
  const times = await trades.tradeTimes(db, tradingAccountId);
  const current = row !== null && row.tradingAccountId === tradingAccountId;
  let state: EngineState;
  let status: AccountStanding["status"];
  if (current) {
    state = row.state as unknown as EngineState;
    status = state.started === 1 ? state.status : "not_started";
  } else {
    state = createEngineState(program);
    status = row !== null && row.phaseIndex > account.phaseIndex ? "closed" : "not_started";
  }
  const phase = program.phases[current ? state.phase : account.phaseIndex]!;
  if (!current) {
    // Fresh values for this account's phase (the engine has not seen it, or has moved past it).
    state.phase = phase.index;
    state.balance = phase.initial;
    state.equity = phase.initial;
  }
  const d = describeState(program, state);
  const closedDays = current ? ((row.dayProfits ?? []) as unknown as DayProfit[]) : [];
  const dayProfits = closedDays.map((x) => ({ day: x.day, profit: BigInt(x.profit), open: false }));
  if (current && state.started === 1)
    dayProfits.push({
      day: localDate(state.dayStart, program.timezone),
      profit: BigInt(state.balance - state.dayStartBalance),
      open: true,
    });
  return {
    tradingAccountId,
    challengeId: account.challengeId,
    phaseIndex: phase.index,
    phaseName: phase.name,
    phaseKind: phase.isEvaluation ? "evaluation" : "funded",
    currency: program.currency,
    balance: BigInt(d.balance),
    equity: BigInt(d.equity),
    openPositions: state.openPositions,
    flat: state.openPositions === 0 && state.notFlat === 0,
    status,
    suspended: current ? row.suspended : false,
    initialBalance: BigInt(d.initialBalance),
    profit: BigInt(d.profit),
    tradingDays: d.tradingDays,
    minTradingDays: d.minTradingDays,
    firstTradeAt: times.first,
    lastTradeAt: times.last,
    lastUpdateAt: current && state.started === 1 ? new Date(state.lastT) : null,
    dayProfits,
    bestDayPct: d.bestDayPct,
    maxBestDayPct: d.maxBestDayPct,
    floors: { daily: big(d.dailyFloor), maxLoss: big(d.maxLossFloor) },
    room: { daily: big(d.dailyRoom), maxLoss: big(d.maxLossRoom) },
    targetBalance: big(d.targetBalance),
    targetProgressPct: d.targetProgressPct,
    dayStart: date(d.dayStart),
    nextDayStart: date(d.nextDayStart),
    deadline: date(d.deadline),
    asOf: current ? row.updatedAt : null,
  };
}
