/**
 * The chart of accounts of a tenant's ledger. There is one ledger per tenant and currency; every
 * ledger has exactly these accounts. Balances are signed from the debit side (debits − credits),
 * so the whole ledger always sums to zero; `normalSide` says which sign is "healthy" for display.
 */
export type NormalSide = "debit" | "credit";
export type AccountType = "asset" | "liability" | "revenue" | "contra_revenue" | "expense";

export interface LedgerAccount {
  readonly code: string;
  readonly name: string;
  readonly type: AccountType;
  readonly normalSide: NormalSide;
  readonly description: string;
}

export const ledgerAccounts = [
  {
    code: "processor_clearing",
    name: "Payment processor clearing",
    type: "asset",
    normalSide: "debit",
    description:
      "Money the payment processor holds for the firm: customer payments in, minus refunds, chargebacks and processor fees, until it is settled to the firm's bank.",
  },
  {
    code: "operating_cash",
    name: "Operating cash",
    type: "asset",
    normalSide: "debit",
    description: "The firm's bank account: receives processor settlements and funds the payout rails.",
  },
  {
    code: "cash_payouts_clearing",
    name: "Payout rails clearing",
    type: "asset",
    normalSide: "debit",
    description:
      "Money sent out to traders and affiliates through payout rails (bank transfer, Stripe Connect, crypto). It goes negative as payouts leave and is topped up from operating cash.",
  },
  {
    code: "challenge_fee_revenue",
    name: "Challenge fee revenue",
    type: "revenue",
    normalSide: "credit",
    description: "Fees traders pay for evaluation challenges, at their gross amount.",
  },
  {
    code: "refunds",
    name: "Refunds",
    type: "contra_revenue",
    normalSide: "debit",
    description: "Challenge fees given back to buyers, in full or in part, through the processor.",
  },
  {
    code: "chargebacks",
    name: "Chargebacks",
    type: "contra_revenue",
    normalSide: "debit",
    description:
      "Payments taken back by the card network after a dispute; a won dispute puts the money back.",
  },
  {
    code: "processor_fees",
    name: "Processor fees",
    type: "expense",
    normalSide: "debit",
    description: "What the payment processor keeps on each payment.",
  },
  {
    code: "dispute_fees",
    name: "Dispute fees",
    type: "expense",
    normalSide: "debit",
    description: "What the processor charges for handling a chargeback, whatever its outcome.",
  },
  {
    code: "trader_payouts_payable",
    name: "Trader payouts payable",
    type: "liability",
    normalSide: "credit",
    description:
      "What the firm owes funded traders for approved payouts (profit share, phase reward, fee refund) and has not paid yet.",
  },
  {
    code: "trader_payout_expense",
    name: "Trader profit-share expense",
    type: "expense",
    normalSide: "debit",
    description:
      "The traders' share of funded-account profit and of challenge-phase profit, recognised when a payout is approved.",
  },
  {
    code: "fee_refunds",
    name: "Challenge fee refunds with payouts",
    type: "contra_revenue",
    normalSide: "debit",
    description:
      "Challenge fees given back to funded traders together with a payout, as the program promises.",
  },
  {
    code: "affiliate_commissions_payable",
    name: "Affiliate commissions payable",
    type: "liability",
    normalSide: "credit",
    description: "Commissions earned by affiliates and introducing brokers, minus clawbacks, not paid yet.",
  },
  {
    code: "affiliate_commission_expense",
    name: "Affiliate commission expense",
    type: "expense",
    normalSide: "debit",
    description: "Commissions the firm owes its affiliates and introducing brokers, net of clawbacks.",
  },
] as const satisfies readonly LedgerAccount[];

export type LedgerAccountCode = (typeof ledgerAccounts)[number]["code"];

export const ledgerAccountCodes: readonly LedgerAccountCode[] = ledgerAccounts.map((a) => a.code);

const byCode = new Map<string, LedgerAccount>(ledgerAccounts.map((a) => [a.code, a]));

export function isLedgerAccountCode(code: string): code is LedgerAccountCode {
  return byCode.has(code);
}

export function ledgerAccount(code: LedgerAccountCode): LedgerAccount {
  return byCode.get(code)!;
}
