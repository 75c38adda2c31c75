import { ledger, type TenantDb } from "@propdesk/db";
import {
  type AccountBalance,
  type Balances,
  type LedgerAccountCode,
  ledgerAccount,
  ledgerAccounts,
  type TrialBalance,
} from "@propdesk/domain/ledger";

/**
 * Balance queries over the materialised balances (one indexed read, exact to the minor unit). The
 * shapes are the domain's, so the database ledger and `InMemoryLedger` can be compared directly.
 */

export const firmWideDeskKey = ledger.firmWideDeskKey;

function emptyBalance(code: LedgerAccountCode): AccountBalance {
  return {
    account: code,
    normalSide: ledgerAccount(code).normalSide,
    debitsPosted: 0n,
    creditsPosted: 0n,
    debitsPending: 0n,
    creditsPending: 0n,
    posted: 0n,
    available: 0n,
  };
}

/** Posted on the account's normal side; available = posted minus pending amounts leaving it. */
function finish(b: AccountBalance): AccountBalance {
  if (b.normalSide === "debit") {
    b.posted = b.debitsPosted - b.creditsPosted;
    b.available = b.posted - b.creditsPending;
  } else {
    b.posted = b.creditsPosted - b.debitsPosted;
    b.available = b.posted - b.debitsPending;
  }
  return b;
}

export function balancesFromRows(rows: readonly ledger.BalanceRow[]): Balances {
  const out = {} as Balances;
  for (const a of ledgerAccounts) out[a.code] = emptyBalance(a.code);
  for (const r of rows) {
    const b = out[r.account as LedgerAccountCode];
    if (!b) continue;
    b.debitsPosted += r.debitsPosted;
    b.creditsPosted += r.creditsPosted;
    b.debitsPending += r.debitsPending;
    b.creditsPending += r.creditsPending;
  }
  for (const a of ledgerAccounts) finish(out[a.code]);
  return out;
}

/** Every account's balance in one currency, for the whole firm or one desk (or firm-wide movements). */
export async function ledgerBalances(
  db: TenantDb,
  currency: string,
  opts: { deskKey?: string } = {},
): Promise<Balances> {
  const rows = await ledger.listBalances(db, {
    currency,
    ...(opts.deskKey ? { deskKeys: [opts.deskKey] } : {}),
  });
  return balancesFromRows(rows);
}

/** The posted trial balance of one currency: the debit and credit columns must be equal. */
export async function trialBalanceOf(db: TenantDb, currency: string): Promise<TrialBalance> {
  const balances = await ledgerBalances(db, currency);
  const rows = ledgerAccounts.map((a) => {
    const b = balances[a.code];
    const net = b.debitsPosted - b.creditsPosted;
    return { account: a.code, name: a.name, debit: net > 0n ? net : 0n, credit: net < 0n ? -net : 0n };
  });
  const totalDebits = rows.reduce((s, r) => s + r.debit, 0n);
  const totalCredits = rows.reduce((s, r) => s + r.credit, 0n);
  const difference = totalDebits - totalCredits;
  return { currency, rows, totalDebits, totalCredits, difference, balanced: difference === 0n };
}

export interface PayoutPayable {
  currency: string;
  /** Approved for the payout (accruals posted into its payable). */
  approved: bigint;
  /** Paid out of it (posted attempts). */
  paid: bigint;
  /** Reserved by attempts under way (pending). */
  reserved: bigint;
  /** approved − paid − reserved: what may still be reserved. */
  available: bigint;
}

/** What one payout's payable holds (zeros when nothing was approved yet). */
export async function payoutPayable(db: TenantDb, payoutId: string): Promise<PayoutPayable | null> {
  const [row] = await ledger.findPayables(db, "trader_payouts_payable", [payoutId]);
  if (!row) return null;
  return {
    currency: row.currency,
    approved: row.creditsPosted,
    paid: row.debitsPosted,
    reserved: row.debitsPending,
    available: row.creditsPosted - row.debitsPosted - row.debitsPending,
  };
}
