import { type CompiledProgram, DAILY_NONE, MAX_NONE } from "../programs/compile-program";
import type { EngineState, EngineStatus } from "./engine-types";
import { NO_CEILING, ratioPercentString } from "./exact-math";

/** What the trader portal shows about one account: read-only, derived from program + state. */
export interface StateDescription {
  currency: string;
  status: EngineStatus;
  phase: number;
  phaseName: string;
  phaseKind: "evaluation" | "funded";
  started: boolean;
  balance: number;
  equity: number;
  initialBalance: number;
  /** Today's daily floor, null when the phase has no daily-loss rule. */
  dailyFloor: number | null;
  dailyKind: "hard" | "soft" | null;
  /** The value today's floor hangs from, and the limit amount (floor = reference − amount). */
  dailyReference: number | null;
  dailyAmount: number | null;
  /** equity − daily floor: how much more the account can lose today (negative once below). */
  dailyRoom: number | null;
  maxLossFloor: number | null;
  maxLossMode: "static" | "trailing_eod" | "trailing_closed" | "trailing_intraday" | null;
  /** The value the max-loss floor hangs from (initial balance, or the trailing high). */
  maxLossHigh: number | null;
  maxLossAmount: number | null;
  /** The floor stops rising here (initial + lockAt), null without a lock. */
  maxLossLock: number | null;
  maxLossRoom: number | null;
  /** balance needed to pass, null when the phase cannot be passed by a target. */
  targetBalance: number | null;
  targetAmount: number | null;
  /** balance − initial. */
  profit: number;
  /** profit / target in percent (two decimals, half-up), null without a target. */
  targetProgressPct: string | null;
  tradingDays: number;
  minTradingDays: number;
  /** Highest day profit of the phase, including the running day. */
  bestDayProfit: number | null;
  /** best day / total profit × 100, two decimals rounded half-up; null when total profit ≤ 0. */
  bestDayPct: string | null;
  maxBestDayPct: number | null;
  /** Start of the current trading day and the next day start (epoch ms); null before the phase starts. */
  dayStart: number | null;
  nextDayStart: number | null;
  /** Phase deadline (epoch ms), null without maxDays or before the phase starts. */
  deadline: number | null;
  /** Time the phase was passed or failed, and the rule that failed it. */
  endedAt: number | null;
  endRule: string | null;
}

const modes = ["static", "trailing_eod", "trailing_closed", "trailing_intraday"] as const;

export function describeState(program: CompiledProgram, s: EngineState): StateDescription {
  const ph = program.phases[s.phase]!;
  const hasDaily = ph.dailyKind !== DAILY_NONE;
  const hasMax = ph.maxMode !== MAX_NONE;
  const profit = s.balance - ph.initial;
  const running = s.balance - s.dayStartBalance;
  const best = s.daysRecorded === 0 || running > s.bestDayProfit ? running : s.bestDayProfit;
  const started = s.started === 1;
  let targetProgressPct: string | null = null;
  if (ph.hasTarget && ph.target > 0) {
    const neg = profit < 0;
    const pct = ratioPercentString(neg ? -profit : profit, ph.target);
    targetProgressPct = neg && pct !== "0.00" ? `-${pct}` : pct;
  }
  return {
    currency: program.currency,
    status: s.status,
    phase: s.phase,
    phaseName: ph.name,
    phaseKind: ph.isEvaluation ? "evaluation" : "funded",
    started,
    balance: s.balance,
    equity: s.equity,
    initialBalance: ph.initial,
    dailyFloor: hasDaily ? s.dailyFloor : null,
    dailyKind: hasDaily ? (ph.dailyKind === 1 ? "hard" : "soft") : null,
    dailyReference: hasDaily ? s.dayReference : null,
    dailyAmount: hasDaily ? s.dailyAmount : null,
    dailyRoom: hasDaily ? s.equity - s.dailyFloor : null,
    maxLossFloor: hasMax ? s.maxLossFloor : null,
    maxLossMode: hasMax ? modes[ph.maxMode - 1]! : null,
    maxLossHigh: hasMax ? s.high : null,
    maxLossAmount: hasMax ? ph.maxAmount : null,
    maxLossLock: hasMax && ph.lockCap !== NO_CEILING ? ph.lockCap : null,
    maxLossRoom: hasMax ? s.equity - s.maxLossFloor : null,
    targetBalance: ph.hasTarget ? ph.targetBalance : null,
    targetAmount: ph.hasTarget ? ph.target : null,
    profit,
    targetProgressPct,
    tradingDays: s.tradingDays,
    minTradingDays: ph.minTradingDays,
    bestDayProfit: started ? best : null,
    bestDayPct: profit > 0 ? ratioPercentString(best, profit) : null,
    maxBestDayPct: ph.hasConsistency ? ph.source.consistency!.maxBestDayPct : null,
    dayStart: started ? s.dayStart : null,
    nextDayStart: started ? s.nextDayStart : null,
    deadline: started && s.deadline !== NO_CEILING ? s.deadline : null,
    endedAt: s.status === "failed" || s.endedAt !== 0 ? s.endedAt : null,
    endRule: s.endRule === "" ? null : s.endRule,
  };
}
