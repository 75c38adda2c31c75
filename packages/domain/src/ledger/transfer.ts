import { AppError, type ErrorIssue } from "../errors";
import { isCurrency } from "../money";
import { isLedgerAccountCode, type LedgerAccountCode } from "./chart-of-accounts";
import { instantMs } from "./instant";

/** What a transfer records, in business terms. Reversals keep their own kind and point at the original. */
export const transferKinds = [
  "challenge_purchase",
  "processor_fee",
  "refund",
  "chargeback",
  "dispute_fee",
  "chargeback_reversal",
  "dispute_fee_return",
  "processor_settlement",
  "trader_profit_share",
  "trader_phase_reward",
  "trader_fee_refund",
  "trader_payout",
  "affiliate_commission",
  "affiliate_clawback",
  "affiliate_payout",
  "payout_rail_funding",
  "reversal",
] as const;
export type TransferKind = (typeof transferKinds)[number];

export type TransferStatus = "pending" | "posted" | "voided";

/** Business ids a transfer belongs to: the drill-down from a balance to the challenge, order or payout. */
export interface TransferRefs {
  orderId?: string;
  /** The processor's id of the payment (payment intent or charge id). */
  paymentId?: string;
  refundId?: string;
  disputeId?: string;
  challengeId?: string;
  traderId?: string;
  tradingAccountId?: string;
  payoutId?: string;
  /** Which attempt of a payout (1, 2, …): a failed rail attempt is voided and retried as a new one. */
  attempt?: number;
  affiliateId?: string;
  commissionId?: string;
  affiliatePayoutId?: string;
  settlementId?: string;
  /** For a reversal: the idempotency key of the transfer it cancels. */
  reversesKey?: string;
}

export const transferRefKeys = [
  "orderId",
  "paymentId",
  "refundId",
  "disputeId",
  "challengeId",
  "traderId",
  "tradingAccountId",
  "payoutId",
  "attempt",
  "affiliateId",
  "commissionId",
  "affiliatePayoutId",
  "settlementId",
  "reversesKey",
] as const satisfies readonly (keyof TransferRefs)[];

/**
 * One movement of value: `amount` minor units leave `creditAccount` and arrive in `debitAccount`.
 * A single-phase transfer is created `posted`. A two-phase transfer is created `pending` (it
 * reserves the amount) and is then posted or voided exactly once; nothing else ever changes.
 */
export interface Transfer {
  /** Chosen by the client and derived from business ids (`payout:<id>:attempt:1`): same key, one effect. */
  readonly idempotencyKey: string;
  readonly debitAccount: LedgerAccountCode;
  readonly creditAccount: LedgerAccountCode;
  /** Minor units, strictly positive. */
  readonly amount: bigint;
  /** ISO 4217; both legs are in this currency (the ledger is per tenant and currency). */
  readonly currency: string;
  readonly kind: TransferKind;
  readonly twoPhase: boolean;
  readonly status: TransferStatus;
  /** When the business event happened (ISO instant), supplied by the caller. */
  readonly effectiveAt: string;
  readonly refs: TransferRefs;
  /** Plain-language cause, for people reading the ledger. Not compared for idempotency. */
  readonly memo: string;
  /** Extra facts as strings (e.g. `platformBalanceReduction` in minor units). Compared for idempotency. */
  readonly metadata: Readonly<Record<string, string>>;
}

// PostgreSQL BIGINT upper bound: the database stores amounts there.
const MAX_AMOUNT = 2n ** 63n - 1n;
const keyPattern = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Every reason a transfer is malformed, with the field it concerns; empty when it is valid. */
export function validateTransfer(t: Transfer): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (typeof t.idempotencyKey !== "string" || !keyPattern.test(t.idempotencyKey))
    add("idempotencyKey", "must be 1-200 characters of letters, digits and _ . : -");
  if (typeof t.amount !== "bigint") add("amount", "must be a bigint count of minor units");
  else if (t.amount <= 0n) add("amount", `must be greater than zero (got ${t.amount})`);
  else if (t.amount > MAX_AMOUNT) add("amount", "exceeds the largest storable amount (2^63 - 1)");
  if (typeof t.currency !== "string" || !isCurrency(t.currency))
    add("currency", `"${String(t.currency)}" is not an ISO 4217 currency code`);
  const debitKnown = isLedgerAccountCode(t.debitAccount);
  const creditKnown = isLedgerAccountCode(t.creditAccount);
  if (!debitKnown) add("debitAccount", `"${String(t.debitAccount)}" is not an account of the ledger`);
  if (!creditKnown) add("creditAccount", `"${String(t.creditAccount)}" is not an account of the ledger`);
  if (debitKnown && creditKnown && t.debitAccount === t.creditAccount)
    add("creditAccount", "must differ from debitAccount");
  if (!(transferKinds as readonly string[]).includes(t.kind))
    add("kind", `"${String(t.kind)}" is not a transfer kind`);
  if (t.status !== "pending" && t.status !== "posted" && t.status !== "voided")
    add("status", `"${String(t.status)}" is not pending, posted or voided`);
  else if (!t.twoPhase && t.status !== "posted")
    add("status", "a single-phase transfer can only be posted; set twoPhase to reserve first");
  if (typeof t.effectiveAt !== "string" || instantMs(t.effectiveAt) === null)
    add("effectiveAt", "must be an ISO instant like 2026-03-01T09:30:00Z");
  for (const k of transferRefKeys) {
    const v = t.refs?.[k];
    if (v === undefined) continue;
    if (k === "attempt") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
        add("refs.attempt", "must be an integer ≥ 1");
    } else if (typeof v !== "string" || v.length === 0) add(`refs.${k}`, "must be a non-empty string");
  }
  for (const [k, v] of Object.entries(t.metadata ?? {}))
    if (typeof v !== "string") add(`metadata.${k}`, "must be a string");
  return issues;
}

export function assertValidTransfer(t: Transfer): void {
  const issues = validateTransfer(t);
  if (issues.length > 0) {
    const key = typeof t?.idempotencyKey === "string" ? ` "${t.idempotencyKey}"` : "";
    throw new AppError(
      "VALIDATION",
      `Transfer${key} is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}.`,
      { issues },
    );
  }
}

export interface IdempotencyDifference {
  field: string;
  existing: string;
  incoming: string;
}

export type IdempotencyComparison =
  | { result: "same" }
  | { result: "conflict"; differences: IdempotencyDifference[] };

const show = (v: unknown): string => (v === undefined ? "(none)" : String(v));

/**
 * Whether `incoming` is a repeat of `existing` (same key). Everything the client chose is compared
 * except `memo` (wording may change between releases) and `status` (a pending transfer may have been
 * posted or voided since it was first sent; re-sending its creation is still the same request).
 * `effectiveAt` is compared as an instant, so "…T09:30:00Z" equals "…T09:30:00.000Z".
 */
export function compareForIdempotency(existing: Transfer, incoming: Transfer): IdempotencyComparison {
  const differences: IdempotencyDifference[] = [];
  const cmp = (field: string, a: unknown, b: unknown) => {
    if (a !== b) differences.push({ field, existing: show(a), incoming: show(b) });
  };
  cmp("idempotencyKey", existing.idempotencyKey, incoming.idempotencyKey);
  cmp("debitAccount", existing.debitAccount, incoming.debitAccount);
  cmp("creditAccount", existing.creditAccount, incoming.creditAccount);
  cmp("amount", existing.amount, incoming.amount);
  cmp("currency", existing.currency, incoming.currency);
  cmp("kind", existing.kind, incoming.kind);
  cmp("twoPhase", existing.twoPhase, incoming.twoPhase);
  const ea = instantMs(existing.effectiveAt);
  const ia = instantMs(incoming.effectiveAt);
  if (ea === null || ia === null || ea !== ia)
    differences.push({
      field: "effectiveAt",
      existing: existing.effectiveAt,
      incoming: incoming.effectiveAt,
    });
  for (const k of transferRefKeys) cmp(`refs.${k}`, existing.refs[k], incoming.refs[k]);
  const metaKeys = new Set([...Object.keys(existing.metadata), ...Object.keys(incoming.metadata)]);
  for (const k of [...metaKeys].sort()) cmp(`metadata.${k}`, existing.metadata[k], incoming.metadata[k]);
  return differences.length === 0 ? { result: "same" } : { result: "conflict", differences };
}

/** Settles a two-phase transfer: post it (the reserve becomes real) or void it (the reserve is released). */
export interface PendingResolution {
  readonly idempotencyKey: string;
  readonly action: "post" | "void";
}
