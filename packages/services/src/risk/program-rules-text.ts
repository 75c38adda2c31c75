import { displayMoney } from "@propdesk/domain";
import type { CompiledPhase, CompiledProgram } from "@propdesk/domain/programs";
import { NO_CEILING } from "@propdesk/domain/rules";

/**
 * A program's rules in plain language, phase by phase, for the trader portal ("the rules of your
 * challenge") and the console. Amounts are the phase's own, in the program's currency.
 */
export interface PhaseRulesText {
  index: number;
  name: string;
  kind: "evaluation" | "funded";
  rules: string[];
}

function phaseRules(program: CompiledProgram, ph: CompiledPhase): string[] {
  const money = (minor: number) => displayMoney(BigInt(minor), program.currency);
  const src = ph.source;
  const out: string[] = [];
  out.push(`You start with ${money(ph.initial)}.`);
  if (ph.hasTarget && ph.isEvaluation)
    out.push(
      `Reach a balance of ${money(ph.targetBalance)} (a profit of ${money(ph.target)}) with no position open to pass.`,
    );
  if (!ph.isEvaluation) out.push("This is a funded account: there is no target, your profit is paid out.");
  const dl = src.dailyLoss;
  if (dl) {
    const ref =
      dl.reference === "balance"
        ? "your balance at the start of the trading day"
        : dl.reference === "equity"
          ? "your equity at the start of the trading day"
          : "the higher of your balance and equity at the start of the trading day";
    const amount =
      dl.amount !== undefined
        ? money(ph.dailyAmount)
        : dl.amountBase === "reference"
          ? `${dl.pct}% of that value`
          : `${dl.pct}% of ${money(ph.initial)} (${money(ph.dailyAmount)})`;
    out.push(
      dl.kind === "hard"
        ? `Daily loss: your equity must stay above ${ref} minus ${amount}. Going below ends the phase.`
        : `Daily loss: if your equity goes below ${ref} minus ${amount}, trading is paused until the next trading day.`,
    );
  }
  const ml = src.maxLoss;
  if (ml) {
    const amount = ml.amount !== undefined ? money(ph.maxAmount) : `${ml.pct}% (${money(ph.maxAmount)})`;
    const from =
      ml.mode === "static"
        ? `your starting balance`
        : ml.mode === "trailing_eod"
          ? "your highest end-of-day balance"
          : ml.mode === "trailing_closed"
            ? "your highest balance"
            : "your highest equity";
    const lock = ph.lockCap !== NO_CEILING ? ` It stops rising once it reaches ${money(ph.lockCap)}.` : "";
    out.push(
      `Maximum loss: your equity must stay above ${from} minus ${amount}. Going below ends the phase.${lock}`,
    );
  }
  if (ph.minTradingDays > 0)
    out.push(`Trade on at least ${ph.minTradingDays} different days before you can pass.`);
  if (src.maxDays !== null && src.maxDays !== undefined)
    out.push(`You have ${src.maxDays} days from your first trade or update to pass.`);
  if (src.consistency)
    out.push(
      `Consistency: no single day may bring more than ${src.consistency.maxBestDayPct}% of your total profit when you pass.`,
    );
  if (src.maxLots) {
    const parts = [
      src.maxLots.perSymbol !== undefined && src.maxLots.perSymbol !== null
        ? `${src.maxLots.perSymbol} lots per symbol`
        : null,
      src.maxLots.total !== undefined && src.maxLots.total !== null
        ? `${src.maxLots.total} lots in total`
        : null,
    ].filter(Boolean);
    out.push(
      `Position size: at most ${parts.join(" and ")} open at once${src.maxLots.kind === "hard" ? " (going over ends the phase)" : ""}.`,
    );
  }
  if (src.weekendHolding)
    out.push(
      `No positions held over the weekend: close them before ${src.weekendHolding.cutoff.day} ${src.weekendHolding.cutoff.time} (${program.timezone})${src.weekendHolding.kind === "hard" ? ", or the phase ends" : ""}.`,
    );
  if (src.newsWindow)
    out.push(
      `No trading within ${src.newsWindow.minutesBefore} minutes before and ${src.newsWindow.minutesAfter} minutes after ${src.newsWindow.impacts.join("/")}-impact news on the instruments they affect.`,
    );
  if (src.maxTradeLoss)
    out.push(
      `No single trade may lose more than ${src.maxTradeLoss.pct !== undefined ? `${src.maxTradeLoss.pct}% of your starting balance` : money(ph.tradeLossAmount)}.`,
    );
  if (src.stopLossRequired) out.push("Every trade needs a stop-loss.");
  if (src.inactivity)
    out.push(`Trade at least once every ${src.inactivity.days} days, or the account closes.`);
  if (src.warnings?.levels.length)
    out.push(`We warn you when you have used ${src.warnings.levels.join("% and ")}% of a loss limit.`);
  return out;
}

export function programRulesText(program: CompiledProgram): PhaseRulesText[] {
  return program.phases.map((ph) => ({
    index: ph.index,
    name: ph.name,
    kind: ph.isEvaluation ? "evaluation" : "funded",
    rules: phaseRules(program, ph),
  }));
}

/** When trading days start, in words: "Trading days start at 00:00, Europe/Prague time." */
export function dayStartText(program: CompiledProgram): string {
  return `Trading days start at ${program.dayStart}, ${program.timezone} time.`;
}
