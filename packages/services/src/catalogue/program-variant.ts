import { AppError, formatMoney, parseMoney } from "@propdesk/domain";
import { canonicalJson, type ProgramInput } from "@propdesk/domain/programs";

/**
 * The terms a challenge is sold under, derived from the product's program version: its account
 * size, the add-ons bought and whether the desk requires KYC before trading. Pure.
 *
 * A challenge is bound to one immutable program version, so when the terms differ from the base
 * version they become a version of their own (see ADR "Add-ons as program variants").
 */
export type AddonKind = "profit_split" | "no_time_limit";
export const addonKinds: readonly AddonKind[] = ["profit_split", "no_time_limit"];

export interface AddonTerms {
  kind: AddonKind;
  params: Record<string, unknown>;
}

export interface SoldTerms {
  /** Minor units in the program's currency. */
  accountSize: bigint;
  addons: AddonTerms[];
  kycBeforeTrading: boolean;
}

/** Limits written as amounts, which would not scale with a different account size. */
export function amountLimits(program: ProgramInput): string[] {
  const found: string[] = [];
  program.phases.forEach((p, i) => {
    const at = `phases[${i}]`;
    if (p.initialBalance) found.push(`${at}.initialBalance`);
    if (p.profitTarget?.amount !== undefined) found.push(`${at}.profitTarget.amount`);
    if (p.dailyLoss?.amount !== undefined) found.push(`${at}.dailyLoss.amount`);
    if (p.maxLoss?.amount !== undefined) found.push(`${at}.maxLoss.amount`);
    if (p.maxLoss?.lockAt != null) found.push(`${at}.maxLoss.lockAt`);
    if (p.maxTradeLoss?.amount !== undefined) found.push(`${at}.maxTradeLoss.amount`);
  });
  return found;
}

/** Checks an add-on's parameters for its kind; returns them normalised. */
export function checkAddonParams(kind: AddonKind, params: Record<string, unknown>): Record<string, unknown> {
  if (kind === "profit_split") {
    const pct = Number(params.traderPct);
    if (!Number.isFinite(pct) || pct <= 0 || pct > 100 || Math.round(pct * 100) !== pct * 100)
      throw new AppError(
        "VALIDATION",
        "traderPct: the trader's share must be a percentage above 0 and at most 100.",
        {
          issues: [{ path: "traderPct", message: "must be a percentage above 0 and at most 100" }],
        },
      );
    return { traderPct: pct };
  }
  return {};
}

/** What an add-on changes, in words for the pricing page. */
export function describeAddon(a: AddonTerms): string {
  return a.kind === "profit_split"
    ? `Profit split raised to ${String(a.params.traderPct)}% for you`
    : "No time limit on evaluation phases";
}

/** The program as sold. Throws VALIDATION when the size cannot be applied to the program. */
export function deriveSoldProgram(base: ProgramInput, terms: SoldTerms): ProgramInput {
  const program: ProgramInput = structuredClone(base);
  const size = formatMoney(terms.accountSize, base.currency);
  if (size !== formatMoney(parseMoney(base.initialBalance, base.currency), base.currency)) {
    const fixed = amountLimits(base);
    if (fixed.length > 0)
      throw new AppError(
        "VALIDATION",
        `accountSize: this program states ${fixed.join(", ")} as amounts, so it is only sold at its own size (${base.initialBalance} ${base.currency}).`,
        { issues: [{ path: "accountSize", message: "the program's amounts do not scale" }] },
      );
    program.initialBalance = size;
  }
  for (const a of [...terms.addons].sort((x, y) => x.kind.localeCompare(y.kind))) {
    if (a.kind === "profit_split") program.profitSplit = { traderPct: Number(a.params.traderPct) };
    if (a.kind === "no_time_limit")
      program.phases = program.phases.map((p) =>
        p.kind === "evaluation" ? { ...p, maxDays: undefined } : p,
      );
  }
  if (terms.kycBeforeTrading) program.kycRequired = true;
  return program;
}

/** A stable key for the terms, to find a variant made before. */
export function variantKey(terms: SoldTerms): string {
  return canonicalJson({
    accountSize: terms.accountSize.toString(),
    addons: [...terms.addons]
      .map((a) => ({ kind: a.kind, params: a.params }))
      .sort((x, y) => canonicalJson(x).localeCompare(canonicalJson(y))),
    kyc: terms.kycBeforeTrading,
  });
}
