import { displayMoney } from "../money";
import type { CompiledPhase, CompiledProgram } from "../programs/compile-program";
import { type EmittedEvent, rulesOfBits } from "../rules/engine-types";
import { NO_CEILING } from "../rules/exact-math";
import { localDate, localDateTime, localTime, utcStamp } from "./local-time";

/**
 * Plain-language explanations of rules-engine decisions: what the trader portal and the bots show
 * (`trader`), and the precise account a staff member reads in a dispute (`staff`). Money goes
 * through `displayMoney`; times are local to the program's timezone (staff also get UTC).
 */
export type Audience = "trader" | "staff";

interface Ctx {
  program: CompiledProgram;
  ph: CompiledPhase;
  d: EmittedEvent;
  /** "96,000.00 USD" */
  money: (minor: number) => string;
  /** "96,000.00" */
  plain: (minor: number) => string;
  zone: string;
}

function context(program: CompiledProgram, d: EmittedEvent): Ctx {
  const money = (minor: number) => displayMoney(BigInt(minor), program.currency);
  const plain = (minor: number) => money(minor).slice(0, -(program.currency.length + 1));
  return { program, ph: program.phases[d.phase]!, d, money, plain, zone: program.timezone };
}

const firstDay = (d: EmittedEvent) => d.dayStart <= d.phaseStart;

/** "5%" from a JSON-number percentage. */
const pct = (n: number) => `${n}%`;

function dailyReferenceText(c: Ctx): string {
  const ref = c.ph.source.dailyLoss!.reference;
  if (firstDay(c.d)) return "your starting balance";
  if (ref === "balance") return "yesterday's closing balance";
  if (ref === "equity") return "yesterday's closing equity";
  return "the higher of yesterday's closing balance and equity,";
}

function dailyAmountText(c: Ctx): string {
  const dl = c.ph.source.dailyLoss!;
  if (dl.amount !== undefined) return `the daily limit of ${c.plain(c.d.amount)}`;
  if (dl.amountBase === "reference") return `${pct(dl.pct!)} of it (${c.plain(c.d.amount)})`;
  return `${pct(dl.pct!)} of ${c.plain(c.ph.initial)}`;
}

/** "Your daily floor today is 96,000.00 USD: yesterday's closing balance 101,000.00 minus 5% of 100,000.00." */
function dailyFloorSentence(c: Ctx): string {
  return `Your daily floor today is ${c.money(c.d.floor)}: ${dailyReferenceText(c)} ${c.plain(c.d.reference)} minus ${dailyAmountText(c)}.`;
}

function maxAmountText(c: Ctx): string {
  const ml = c.ph.source.maxLoss!;
  return ml.amount !== undefined ? c.plain(c.ph.maxAmount) : `${pct(ml.pct!)} of ${c.plain(c.ph.initial)}`;
}

function maxFloorSentence(c: Ctx): string {
  const mode = c.ph.source.maxLoss!.mode;
  const raised = c.d.reference > c.ph.initial;
  const from =
    mode === "static" || !raised
      ? `your initial balance ${c.plain(c.ph.initial)}`
      : mode === "trailing_eod"
        ? `your highest end-of-day balance ${c.plain(c.d.reference)}`
        : mode === "trailing_closed"
          ? `your highest balance ${c.plain(c.d.reference)}`
          : `your highest equity ${c.plain(c.d.reference)}`;
  const locked =
    c.ph.lockCap !== NO_CEILING &&
    c.d.floor === c.ph.lockCap &&
    c.d.reference - c.ph.maxAmount > c.ph.lockCap;
  const lock = locked ? `, capped at ${c.plain(c.ph.lockCap)} where it stops rising` : "";
  return `Your maximum loss floor is ${c.money(c.d.floor)}: ${from} minus ${maxAmountText(c)}${lock}.`;
}

const ruleLabel: Record<string, string> = {
  daily_loss: "daily loss limit",
  max_loss: "maximum loss limit",
  max_lots: "lot limit",
  weekend_holding: "weekend holding rule",
  news_window: "news trading rule",
  trade_loss: "per-trade loss limit",
  stop_loss_required: "stop-loss rule",
  inactivity: "inactivity rule",
};

function extensionSentence(c: Ctx): string {
  const { d } = c;
  const at = localTime(d.t, c.zone);
  switch (d.rule) {
    case "max_lots":
      return `At ${at} trade ${d.tradeId} on ${d.symbol} brought your open lots ${d.level === 1 ? `on ${d.symbol}` : "in total"} to ${d.value / 1000}, above the limit of ${d.floor / 1000}.`;
    case "weekend_holding": {
      const w = c.ph.source.weekendHolding!;
      return `You held open positions through the weekend cut-off (${w.cutoff.day} ${w.cutoff.time} ${c.zone}, ${localDateTime(d.value, c.zone)}).`;
    }
    case "news_window":
      return `At ${at} trade ${d.tradeId} on ${d.symbol} was opened or closed within the news window of a release at ${localTime(d.value, c.zone)}.`;
    case "trade_loss":
      return `Trade ${d.tradeId} on ${d.symbol} closed at ${at} with a loss of ${c.plain(-d.value)}, more than the ${c.money(d.amount)} allowed on one trade.`;
    case "stop_loss_required":
      return `At ${at} trade ${d.tradeId} on ${d.symbol} was opened without a stop-loss.`;
    case "inactivity":
      return `No trade was opened or closed for ${c.ph.source.inactivity!.days} days after ${localDateTime(d.value, c.zone)}.`;
    default:
      return `The ${ruleLabel[d.rule] ?? d.rule} was broken at ${at}.`;
  }
}

function traderText(c: Ctx): string {
  const { d, ph } = c;
  const at = localTime(d.t, c.zone);
  const on = localDate(d.t, c.zone);
  const name = ph.name;
  switch (d.type) {
    case "breached": {
      if (d.rule === "daily_loss" || d.rule === "max_loss") {
        const floor = d.rule === "daily_loss" ? dailyFloorSentence(c) : maxFloorSentence(c);
        const also =
          d.rules !== 0 && rulesOfBits(d.rules).length > 1 ? " It was also below today's daily floor." : "";
        return `${floor} At ${at} your equity was ${c.plain(d.equity)}, below it.${also} The ${name} has ended: the ${ruleLabel[d.rule]} is a hard limit.`;
      }
      return `${extensionSentence(c)} The ${name} has ended: the ${ruleLabel[d.rule] ?? d.rule} is a hard rule.`;
    }
    case "paused":
      return `${dailyFloorSentence(c)} At ${at} your equity was ${c.plain(d.equity)}, below it. Trading is paused until the next trading day starts at ${c.program.dayStart} (${c.zone} time).`;
    case "resumed":
      return `A new trading day started at ${at}: trading is open again.`;
    case "phase_passed":
      return `You passed the ${name} at ${at} on ${on} with a balance of ${c.money(d.balance)} (target ${c.plain(ph.targetBalance)}).`;
    case "phase_started":
      return `The ${name} started at ${at} on ${on}.`;
    case "expired":
      return `The ${name} ended at ${at} on ${on}: its ${ph.source.maxDays}-day time limit ran out before the target was reached.`;
    case "warning": {
      const limit = d.rule === "daily_loss" ? "today's daily loss limit" : "your maximum loss limit";
      return `You have used ${d.level}% of ${limit}: at ${at} your equity was ${c.plain(d.equity)}, ${c.money(d.equity - d.floor)} above the floor of ${c.plain(d.floor)}.`;
    }
    case "violation":
      return `${extensionSentence(c)} This was flagged for review by the risk team.`;
  }
}

function floorFormula(c: Ctx): string {
  const { d, ph } = c;
  if (d.rule === "daily_loss") {
    const dl = ph.source.dailyLoss!;
    const refName =
      dl.reference === "balance" ? "balance" : dl.reference === "equity" ? "equity" : "max(balance, equity)";
    const amount =
      dl.amount !== undefined
        ? `fixed amount ${c.plain(d.amount)}`
        : dl.amountBase === "reference"
          ? `${pct(dl.pct!)} of the reference = ${c.plain(d.amount)} (half-up to the minor unit)`
          : `${pct(dl.pct!)} of the phase's initial balance ${c.plain(ph.initial)} = ${c.plain(d.amount)}`;
    return `Daily floor ${c.plain(d.floor)} = ${refName} at the day start (${localDateTime(d.dayStart, c.zone)} ${c.zone}) ${c.plain(d.reference)} − ${amount}; rule kind ${dl.kind}.`;
  }
  const ml = ph.source.maxLoss!;
  const lock = ph.lockCap === NO_CEILING ? "" : `, capped at the lock ${c.plain(ph.lockCap)}`;
  const base = ml.mode === "static" ? "initial balance" : `${ml.mode} high`;
  return `Max-loss floor ${c.plain(d.floor)} = ${base} ${c.plain(d.reference)} − ${c.plain(ph.maxAmount)}${lock}; mode ${ml.mode}.`;
}

function staffText(c: Ctx): string {
  const { d, ph } = c;
  const when = `[${utcStamp(d.t)} · ${localDateTime(d.t, c.zone)} ${c.zone}] ${ph.name} (phase ${d.phase}):`;
  switch (d.type) {
    case "breached":
    case "paused": {
      const rules = rulesOfBits(d.rules).join(", ");
      if (d.rule === "daily_loss" || d.rule === "max_loss")
        return `${when} ${d.type} on ${d.rule}. Equity ${c.money(d.equity)} is strictly below the floor ${c.money(d.floor)} (balance ${c.plain(d.balance)}). ${floorFormula(c)} Limits under their floor in this snapshot: ${rules}. Trading day began ${localDateTime(d.dayStart, c.zone)}; phase began ${utcStamp(d.phaseStart)}.`;
      return `${when} ${d.type} on ${d.rule} (hard). ${extensionSentence(c)} Equity ${c.money(d.equity)}, balance ${c.money(d.balance)}.`;
    }
    case "warning":
      return `${when} warning on ${d.rule} at ${d.level}% used. Equity ${c.money(d.equity)}, floor ${c.money(d.floor)}, limit ${c.plain(d.amount)} from ${c.plain(d.reference)}.`;
    case "violation":
      return `${when} violation of ${d.rule} (soft, no status change). ${extensionSentence(c)}`;
    case "phase_passed":
      return `${when} phase_passed. Balance ${c.money(d.balance)} ≥ target balance ${c.plain(ph.targetBalance)}, no open positions, trading-day and consistency conditions met.`;
    case "expired":
      return `${when} expired: the event time is at or after phase start ${utcStamp(d.phaseStart)} + ${ph.source.maxDays} × 24 h.`;
    case "resumed":
      return `${when} resumed at the day start ${localDateTime(d.dayStart, c.zone)} after a soft daily-loss pause.`;
    case "phase_started":
      return `${when} phase_started; fresh state from initial balance ${c.money(ph.initial)}.`;
  }
}

/** One decision in plain language for a trader or a staff member. */
export function explainDecision(
  program: CompiledProgram,
  decision: EmittedEvent,
  audience: Audience = "trader",
): string {
  const c = context(program, decision);
  return audience === "trader" ? traderText(c) : staffText(c);
}

/** Every decision, in order. */
export function explainDecisions(
  program: CompiledProgram,
  decisions: readonly EmittedEvent[],
  audience: Audience = "trader",
): string[] {
  return decisions.map((d) => explainDecision(program, d, audience));
}
