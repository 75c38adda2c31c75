import { displayMoney } from "../money";
import type { CompiledProgram } from "../programs/compile-program";
import { describeState } from "../rules/describe-state";
import type { EngineState } from "../rules/engine-types";
import { localDate, localTime } from "./local-time";

/**
 * The trader portal's summary of an account: where the floors are, how much room is left, how far
 * the target is, and when the next trading day starts.
 */
export function explainState(program: CompiledProgram, state: EngineState): string[] {
  const d = describeState(program, state);
  const money = (minor: number) => displayMoney(BigInt(minor), program.currency);
  const zone = program.timezone;
  const out: string[] = [];

  switch (d.status) {
    case "active":
      out.push(
        d.started
          ? `Your ${d.phaseName} is running.`
          : `Your ${d.phaseName} starts with your first trade or update.`,
      );
      break;
    case "paused":
      out.push(`Trading is paused for the rest of today: your equity went below today's daily floor.`);
      break;
    case "awaiting_next_phase":
      out.push(`You passed the ${d.phaseName}. The next phase starts when your new account is ready.`);
      break;
    case "completed":
      out.push(`You passed the ${d.phaseName}, the last phase of this program.`);
      break;
    case "failed":
      out.push(
        d.endRule === "expired"
          ? `The ${d.phaseName} has ended: its time limit ran out.`
          : `The ${d.phaseName} has ended on the ${d.endRule?.replace(/_/g, " ")} rule.`,
      );
      break;
  }

  out.push(`Balance ${money(d.balance)}, equity ${money(d.equity)}.`);
  if (d.dailyFloor !== null && d.dailyRoom !== null) {
    out.push(
      d.dailyRoom >= 0
        ? `Today's daily floor is ${money(d.dailyFloor)}: you can lose ${money(d.dailyRoom)} more today.`
        : `Today's daily floor is ${money(d.dailyFloor)}: equity is ${money(-d.dailyRoom)} below it.`,
    );
  }
  if (d.maxLossFloor !== null && d.maxLossRoom !== null) {
    const lock =
      d.maxLossLock !== null && d.maxLossFloor === d.maxLossLock ? " (locked: it will not rise further)" : "";
    out.push(
      `Your maximum loss floor is ${money(d.maxLossFloor)}${lock}, ${money(d.maxLossRoom)} below your equity.`,
    );
  }
  if (d.targetBalance !== null) {
    out.push(
      `Target: a balance of ${money(d.targetBalance)}; your profit is ${money(d.profit)}${d.targetProgressPct === null ? "" : ` (${d.targetProgressPct}% of the target)`}.`,
    );
  }
  if (d.minTradingDays > 0) out.push(`Trading days: ${d.tradingDays} of the ${d.minTradingDays} required.`);
  if (d.maxBestDayPct !== null) {
    out.push(
      d.bestDayPct === null
        ? `Best-day rule: no single day may be more than ${d.maxBestDayPct}% of your profit (you have no profit yet).`
        : `Your best day is ${d.bestDayPct}% of your profit; the limit is ${d.maxBestDayPct}%.`,
    );
  }
  if (d.nextDayStart !== null && (d.status === "active" || d.status === "paused")) {
    out.push(
      `The next trading day starts at ${localTime(d.nextDayStart, zone)} on ${localDate(d.nextDayStart, zone)} (${zone} time).`,
    );
  }
  if (d.deadline !== null && (d.status === "active" || d.status === "paused")) {
    out.push(
      `The phase must be passed before ${localTime(d.deadline, zone)} on ${localDate(d.deadline, zone)}.`,
    );
  }
  return out;
}
