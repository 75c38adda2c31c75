import { AppError } from "../errors";
import { type LedgerAccountCode, ledgerAccount, ledgerAccounts, type NormalSide } from "./chart-of-accounts";
import type { Transfer } from "./transfer";

export interface AccountBalance {
  account: LedgerAccountCode;
  normalSide: NormalSide;
  debitsPosted: bigint;
  creditsPosted: bigint;
  /** Amounts reserved by pending two-phase transfers (voided ones count nowhere). */
  debitsPending: bigint;
  creditsPending: bigint;
  /** Posted balance on the account's normal side (a payable shows what is owed as a positive number). */
  posted: bigint;
  /** Posted balance minus what pending transfers are about to take out of it. */
  available: bigint;
}

export type Balances = Record<LedgerAccountCode, AccountBalance>;

function emptyBalances(): Balances {
  const out = {} as Balances;
  for (const a of ledgerAccounts)
    out[a.code] = {
      account: a.code,
      normalSide: a.normalSide,
      debitsPosted: 0n,
      creditsPosted: 0n,
      debitsPending: 0n,
      creditsPending: 0n,
      posted: 0n,
      available: 0n,
    };
  return out;
}

function finish(b: AccountBalance): void {
  if (b.normalSide === "debit") {
    b.posted = b.debitsPosted - b.creditsPosted;
    b.available = b.posted - b.creditsPending;
  } else {
    b.posted = b.creditsPosted - b.debitsPosted;
    b.available = b.posted - b.debitsPending;
  }
}

function singleCurrency(transfers: readonly Transfer[]): string | null {
  const first = transfers[0]?.currency ?? null;
  for (const t of transfers)
    if (t.currency !== first)
      throw new AppError(
        "VALIDATION",
        `A ledger has one currency: found ${first} and ${t.currency} (transfer ${t.idempotencyKey}).`,
        { issues: [{ path: "currency", message: "mixed currencies" }] },
      );
  return first;
}

/**
 * Balances of every account from a list of transfers of one ledger (one currency). Only posted
 * transfers move balances; pending ones reduce `available`; voided ones are ignored.
 */
export function deriveBalances(transfers: readonly Transfer[]): Balances {
  singleCurrency(transfers);
  const out = emptyBalances();
  for (const t of transfers) {
    const d = out[t.debitAccount];
    const c = out[t.creditAccount];
    if (t.status === "posted") {
      d.debitsPosted += t.amount;
      c.creditsPosted += t.amount;
    } else if (t.status === "pending") {
      d.debitsPending += t.amount;
      c.creditsPending += t.amount;
    }
  }
  for (const a of ledgerAccounts) finish(out[a.code]);
  return out;
}

export interface TrialBalanceRow {
  account: LedgerAccountCode;
  name: string;
  /** The net posted balance shown in the debit or the credit column (the other is zero). */
  debit: bigint;
  credit: bigint;
}

export interface TrialBalance {
  currency: string | null;
  rows: TrialBalanceRow[];
  totalDebits: bigint;
  totalCredits: bigint;
  /** totalDebits − totalCredits: zero in any correct ledger. */
  difference: bigint;
  balanced: boolean;
}

/** The posted trial balance: every account's net balance in one column; the columns must be equal. */
export function trialBalance(transfers: readonly Transfer[]): TrialBalance {
  const currency = singleCurrency(transfers);
  const balances = deriveBalances(transfers);
  const rows: TrialBalanceRow[] = [];
  let totalDebits = 0n;
  let totalCredits = 0n;
  for (const a of ledgerAccounts) {
    const b = balances[a.code];
    const net = b.debitsPosted - b.creditsPosted;
    const row = {
      account: a.code,
      name: ledgerAccount(a.code).name,
      debit: net > 0n ? net : 0n,
      credit: net < 0n ? -net : 0n,
    };
    totalDebits += row.debit;
    totalCredits += row.credit;
    rows.push(row);
  }
  const difference = totalDebits - totalCredits;
  return { currency, rows, totalDebits, totalCredits, difference, balanced: difference === 0n };
}

/**
 * What can still be refunded on an order: the purchase minus refunds and chargebacks, plus won
 * disputes, all posted. Reversals of those transfers are taken into account.
 */
export function refundableAmount(transfers: readonly Transfer[], orderId: string): bigint {
  let total = 0n;
  const sign: Partial<Record<Transfer["kind"], bigint>> = {
    challenge_purchase: 1n,
    refund: -1n,
    chargeback: -1n,
    chargeback_reversal: 1n,
  };
  const byKey = new Map(transfers.map((t) => [t.idempotencyKey, t]));
  for (const t of transfers) {
    if (t.status !== "posted" || t.refs.orderId !== orderId) continue;
    if (t.kind === "reversal") {
      const original = t.refs.reversesKey === undefined ? undefined : byKey.get(t.refs.reversesKey);
      const s = original ? sign[original.kind] : undefined;
      if (s !== undefined) total -= s * t.amount;
    } else {
      const s = sign[t.kind];
      if (s !== undefined) total += s * t.amount;
    }
  }
  return total > 0n ? total : 0n;
}
