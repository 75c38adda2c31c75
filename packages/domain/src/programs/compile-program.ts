import { AppError } from "../errors";
import { currencyExponent, parseMoney } from "../money";
import { DayStartCalendar, parseDayStart } from "../rules/day-starts";
import { MAX_MINOR, mulDivHalfUp, NO_CEILING, percentFraction } from "../rules/exact-math";
import {
  formatFieldPath,
  type PhaseInput,
  type ProgramInput,
  programSchema,
  zodMessage,
} from "./program-schema";

/** Codes kept as small numbers so the engine's hot path compares integers, not strings. */
export const DAILY_NONE = 0;
export const DAILY_HARD = 1;
export const DAILY_SOFT = 2;

export const REF_BALANCE = 0;
export const REF_EQUITY = 1;
export const REF_MAX = 2;

export const MAX_NONE = 0;
export const MAX_STATIC = 1;
export const MAX_TRAILING_EOD = 2;
export const MAX_TRAILING_CLOSED = 3;
export const MAX_TRAILING_INTRADAY = 4;

/** Extension rules: not set, hard (fails the phase) or soft (a `violation` event, no status change). */
export const EXT_NONE = 0;
export const EXT_HARD = 1;
export const EXT_SOFT = 2;

export const IMPACT_BITS = { high: 1, medium: 2, low: 4 } as const;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const DAY_MS = 86_400_000;

/** One phase with every amount in minor units and every option decided; all fields always present. */
export interface CompiledPhase {
  index: number;
  name: string;
  isEvaluation: boolean;
  /** The phase's initial balance (minor units). */
  initial: number;
  hasTarget: boolean;
  /** Target amount; 0 when there is none. */
  target: number;
  /** initial + target, or NO_CEILING when the phase cannot be passed. */
  targetBalance: number;
  dailyKind: number;
  dailyReference: number;
  /** True when the daily amount is a pct of the day's reference value (recomputed at each day start). */
  dailyOnReference: boolean;
  /** The fixed daily amount (minor units) when not on reference. */
  dailyAmount: number;
  dailyPctNum: number;
  dailyPctDen: number;
  maxMode: number;
  maxAmount: number;
  /** initial + lockAt, or NO_CEILING. */
  lockCap: number;
  minTradingDays: number;
  /** maxDays × 24 h in ms, or -1 when there is no limit. */
  maxDaysMs: number;
  hasConsistency: boolean;
  /** maxBestDayPct / 100 as an exact fraction. */
  consistencyNum: number;
  consistencyDen: number;
  consistencyInclusive: boolean;
  // Extensions (see program-schema.ts for each rule's origin).
  /** Warning levels in percent of a limit used, increasing. Empty: no warnings. */
  warnLevels: number[];
  warnDaily: boolean;
  warnMax: boolean;
  lotsKind: number;
  /** Lot limits in thousandths of a lot, NO_CEILING when not set. */
  lotsPerSymbol: number;
  lotsTotal: number;
  weekendKind: number;
  /** Cut-off weekday (0 = Sunday) and minutes after local midnight. */
  weekendDay: number;
  weekendMinutes: number;
  newsKind: number;
  newsBeforeMs: number;
  newsAfterMs: number;
  /** Impacts that restrict trading (IMPACT_BITS). */
  newsImpacts: number;
  tradeLossKind: number;
  /** Largest allowed loss on one closed trade (minor units). */
  tradeLossAmount: number;
  stopLossKind: number;
  /** Days without a trade × 24 h in ms, -1 when the rule is not set. */
  inactivityMs: number;
  /** True when a rule looks at trade events (stop-loss, lots, per-trade loss, news). */
  hasTradeRules: boolean;
  /** The validated input, for explanations and describeState. */
  source: PhaseInput;
}

export interface CompiledProgram {
  /** The validated input (unknown keys removed). */
  source: ProgramInput;
  currency: string;
  /** Minor-unit digits of the currency (2 for USD). */
  exponent: number;
  timezone: string;
  dayStart: string;
  dayStartMinutes: number;
  initial: number;
  phases: CompiledPhase[];
  /** Shared, cached day-start instants of (timezone, dayStart). */
  calendar: DayStartCalendar;
}

export interface CompileOptions {
  /** Prefix for error paths, e.g. "program" → `program.phases[0].dailyLoss.pct`. Default "program". */
  pathPrefix?: string;
}

function fail(prefix: string, path: ReadonlyArray<PropertyKey>, message: string): never {
  const where = formatFieldPath(prefix, path);
  throw new AppError("VALIDATION", `${where}: ${message}`, { issues: [{ path: where, message }] });
}

/**
 * Validates a program (zod schema), converts money to minor units and precomputes what the engine
 * needs. Throws `AppError("VALIDATION")` whose message is one line naming the first bad field.
 */
export function compileProgram(input: unknown, options: CompileOptions = {}): CompiledProgram {
  const prefix = options.pathPrefix ?? "program";
  const parsed = programSchema.safeParse(input, { error: zodMessage });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(prefix, issue.path, issue.message);
  }
  const p = parsed.data;
  const currency = p.currency;
  const money = (value: string, path: ReadonlyArray<PropertyKey>): number => {
    let minor: bigint;
    try {
      minor = parseMoney(value, currency);
    } catch {
      return fail(prefix, path, `has more than ${currencyExponent(currency)} decimal places for ${currency}`);
    }
    if (minor > BigInt(MAX_MINOR) || minor < -BigInt(MAX_MINOR)) fail(prefix, path, "is out of range");
    return Number(minor);
  };
  const positive = (value: string, path: ReadonlyArray<PropertyKey>): number => {
    const n = money(value, path);
    if (n <= 0) fail(prefix, path, "must be greater than zero");
    return n;
  };
  const nonNegative = (value: string, path: ReadonlyArray<PropertyKey>): number => {
    const n = money(value, path);
    if (n < 0) fail(prefix, path, "must not be negative");
    return n;
  };

  const initial = positive(p.initialBalance, ["initialBalance"]);
  const phases = p.phases.map((ph, index): CompiledPhase => {
    const at = (...rest: PropertyKey[]) => ["phases", index, ...rest];
    const phInitial =
      ph.initialBalance === undefined || ph.initialBalance === null
        ? initial
        : positive(ph.initialBalance, at("initialBalance"));
    const pctOf = (pct: number, base: number) => {
      const f = percentFraction(pct)!;
      return mulDivHalfUp(base, f.num, f.den);
    };

    const isEvaluation = ph.kind === "evaluation";
    let target = 0;
    const hasTarget = isEvaluation && ph.profitTarget !== undefined && ph.profitTarget !== null;
    if (hasTarget && ph.profitTarget) {
      target =
        ph.profitTarget.amount !== undefined
          ? nonNegative(ph.profitTarget.amount, at("profitTarget", "amount"))
          : pctOf(ph.profitTarget.pct!, phInitial);
    }

    let dailyKind = DAILY_NONE;
    let dailyReference = REF_BALANCE;
    let dailyOnReference = false;
    let dailyAmount = 0;
    let dailyPctNum = 0;
    let dailyPctDen = 1;
    const dl = ph.dailyLoss;
    if (dl) {
      dailyKind = dl.kind === "hard" ? DAILY_HARD : DAILY_SOFT;
      dailyReference =
        dl.reference === "balance" ? REF_BALANCE : dl.reference === "equity" ? REF_EQUITY : REF_MAX;
      if (dl.amount !== undefined) dailyAmount = nonNegative(dl.amount, at("dailyLoss", "amount"));
      else {
        const f = percentFraction(dl.pct!)!;
        dailyPctNum = f.num;
        dailyPctDen = f.den;
        if (dl.amountBase === "reference") dailyOnReference = true;
        else dailyAmount = mulDivHalfUp(phInitial, f.num, f.den);
      }
    }

    let maxMode = MAX_NONE;
    let maxAmount = 0;
    let lockCap = NO_CEILING;
    const ml = ph.maxLoss;
    if (ml) {
      maxMode =
        ml.mode === "static"
          ? MAX_STATIC
          : ml.mode === "trailing_eod"
            ? MAX_TRAILING_EOD
            : ml.mode === "trailing_closed"
              ? MAX_TRAILING_CLOSED
              : MAX_TRAILING_INTRADAY;
      maxAmount =
        ml.amount !== undefined ? nonNegative(ml.amount, at("maxLoss", "amount")) : pctOf(ml.pct!, phInitial);
      if (ml.lockAt !== undefined && ml.lockAt !== null) {
        const lock = nonNegative(ml.lockAt, at("maxLoss", "lockAt"));
        // A lock only caps a trailing floor; a static floor never moves anyway.
        if (maxMode !== MAX_STATIC) lockCap = phInitial + lock;
      }
    }

    const kindOf = (k: "hard" | "soft" | undefined) =>
      k === undefined ? EXT_NONE : k === "hard" ? EXT_HARD : EXT_SOFT;
    const warn = ph.warnings ?? null;
    const warnRules = warn?.rules ?? ["daily_loss", "max_loss"];
    const lots = ph.maxLots ?? null;
    const toMilli = (v: number | null | undefined) =>
      v === null || v === undefined ? NO_CEILING : Math.round(v * 1000);
    const weekend = ph.weekendHolding ?? null;
    const news = ph.newsWindow ?? null;
    const tradeLoss = ph.maxTradeLoss ?? null;
    let tradeLossAmount = 0;
    if (tradeLoss)
      tradeLossAmount =
        tradeLoss.amount !== undefined
          ? nonNegative(tradeLoss.amount, at("maxTradeLoss", "amount"))
          : pctOf(tradeLoss.pct!, phInitial);

    const cons = ph.consistency;
    const consFrac = cons ? percentFraction(cons.maxBestDayPct)! : { num: 0, den: 1 };
    return {
      index,
      name: ph.name ?? `Phase ${index + 1}`,
      isEvaluation,
      initial: phInitial,
      hasTarget,
      target,
      targetBalance: hasTarget ? phInitial + target : NO_CEILING,
      dailyKind,
      dailyReference,
      dailyOnReference,
      dailyAmount,
      dailyPctNum,
      dailyPctDen,
      maxMode,
      maxAmount,
      lockCap,
      minTradingDays: ph.minTradingDays ?? 0,
      maxDaysMs: ph.maxDays === undefined || ph.maxDays === null ? -1 : ph.maxDays * DAY_MS,
      hasConsistency: !!cons,
      consistencyNum: consFrac.num,
      consistencyDen: consFrac.den,
      consistencyInclusive: cons ? cons.inclusive : true,
      warnLevels: warn ? [...warn.levels] : [],
      warnDaily: !!warn && warnRules.includes("daily_loss"),
      warnMax: !!warn && warnRules.includes("max_loss"),
      lotsKind: kindOf(lots?.kind),
      lotsPerSymbol: toMilli(lots?.perSymbol),
      lotsTotal: toMilli(lots?.total),
      weekendKind: kindOf(weekend?.kind),
      weekendDay: weekend ? WEEKDAYS.indexOf(weekend.cutoff.day) : 0,
      weekendMinutes: weekend ? parseDayStart(weekend.cutoff.time)! : 0,
      newsKind: kindOf(news?.kind),
      newsBeforeMs: news ? news.minutesBefore * 60_000 : 0,
      newsAfterMs: news ? news.minutesAfter * 60_000 : 0,
      newsImpacts: news ? news.impacts.reduce((bits, i) => bits | IMPACT_BITS[i], 0) : 0,
      tradeLossKind: kindOf(tradeLoss?.kind),
      tradeLossAmount,
      stopLossKind: kindOf(ph.stopLossRequired?.kind),
      inactivityMs: ph.inactivity ? ph.inactivity.days * DAY_MS : -1,
      hasTradeRules: !!(lots || tradeLoss || news || ph.stopLossRequired),
      source: ph,
    };
  });

  const dayStartMinutes = parseDayStart(p.dayStart)!;
  return {
    source: p,
    currency,
    exponent: currencyExponent(currency),
    timezone: p.timezone,
    dayStart: p.dayStart,
    dayStartMinutes,
    initial,
    phases,
    calendar: new DayStartCalendar(p.timezone, dayStartMinutes),
  };
}
