import { AppError } from "../errors";
import { instantMs, toIso } from "../ledger/instant";
import type { Transfer, TransferKind } from "../ledger/transfer";
import { isCurrency, parseMoney } from "../money";
import { type CsvHeaderMap, CsvIssues, readCsvTable } from "./csv-table";

/** What a money movement is, in a vocabulary shared by the ledger and the processor. */
export const reconCategories = [
  "charge",
  "processor_fee",
  "refund",
  "chargeback",
  "dispute_fee",
  "chargeback_reversal",
  "dispute_fee_return",
  "settlement",
  "trader_payout",
  "affiliate_payout",
  "other",
] as const;
export type ReconCategory = (typeof reconCategories)[number];

/**
 * A processor record (Stripe balance transaction or payout, or a statement line). Amounts are signed
 * from the firm's processor balance: + money in (a charge), − money out (refund, fee, payout).
 */
export interface ProcessorRecord {
  id: string;
  /** Our reference carried by the processor (payment intent id, payout id, idempotency key). */
  reference: string;
  amount: bigint;
  currency: string;
  /** ISO instant or date. */
  date: string;
  type: ReconCategory;
}

/** A balance adjustment on a trading account (a payout withdrawal is negative). */
export interface PlatformAdjustment {
  id: string;
  accountId: string;
  reference: string;
  amount: bigint;
  currency: string;
  date: string;
}

/** Where a line of the report leads: the transfer, the payment, the payout, the account. */
export interface DrillDown {
  transferKey?: string;
  payoutId?: string;
  orderId?: string;
  paymentId?: string;
  traderId?: string;
  tradingAccountId?: string;
  processorRecordId?: string;
  platformAdjustmentId?: string;
  platformAccountId?: string;
}

/** A posted ledger transfer as reconciliation sees it: what the processor and the platform should show. */
export interface LedgerReconRecord {
  transferKey: string;
  /** Every id an external record may carry for it: the key itself, payout, order, payment ids. */
  references: string[];
  currency: string;
  date: string;
  drill: DrillDown;
  processor?: { category: ReconCategory; amount: bigint };
  platform?: { accountId: string; amount: bigint };
}

const processorSide: Partial<Record<TransferKind, { category: ReconCategory; sign: bigint }>> = {
  challenge_purchase: { category: "charge", sign: 1n },
  processor_fee: { category: "processor_fee", sign: -1n },
  refund: { category: "refund", sign: -1n },
  chargeback: { category: "chargeback", sign: -1n },
  dispute_fee: { category: "dispute_fee", sign: -1n },
  chargeback_reversal: { category: "chargeback_reversal", sign: 1n },
  dispute_fee_return: { category: "dispute_fee_return", sign: 1n },
  processor_settlement: { category: "settlement", sign: -1n },
  trader_payout: { category: "trader_payout", sign: -1n },
  affiliate_payout: { category: "affiliate_payout", sign: -1n },
};

/**
 * What each posted transfer should look like at the processor and on the platform. A reversal
 * appears as its original category with the opposite sign; pending and voided transfers moved no
 * money and are left out. Accruals (profit share, commissions) have no processor counterpart, but a
 * profit share carries the trading account's balance reduction for the platform side.
 */
export function ledgerReconRecords(transfers: readonly Transfer[]): LedgerReconRecord[] {
  const out: LedgerReconRecord[] = [];
  for (const t of transfers) {
    if (t.status !== "posted") continue;
    const r = t.refs;
    const references = [
      t.idempotencyKey,
      r.reversesKey,
      r.payoutId,
      r.paymentId,
      r.orderId,
      r.refundId,
      r.disputeId,
      r.settlementId,
      r.affiliatePayoutId,
    ].filter((x): x is string => x !== undefined);
    const rec: LedgerReconRecord = {
      transferKey: t.idempotencyKey,
      references: [...new Set(references)],
      currency: t.currency,
      date: t.effectiveAt,
      drill: {
        transferKey: t.idempotencyKey,
        payoutId: r.payoutId,
        orderId: r.orderId,
        paymentId: r.paymentId,
        traderId: r.traderId,
        tradingAccountId: r.tradingAccountId,
      },
    };
    const reversed =
      t.kind === "reversal" ? (t.metadata.reversedKind as TransferKind | undefined) : undefined;
    const side = processorSide[reversed ?? t.kind];
    if (side)
      rec.processor = { category: side.category, amount: (reversed ? -side.sign : side.sign) * t.amount };
    const reduction = t.metadata.platformBalanceReduction;
    if (t.kind === "trader_profit_share" && r.tradingAccountId !== undefined && reduction !== undefined) {
      const amount = BigInt(reduction);
      if (amount > 0n) rec.platform = { accountId: r.tradingAccountId, amount: -amount };
    }
    if (rec.processor || rec.platform) out.push(rec);
  }
  return out;
}

/** The part of a Stripe balance transaction we read (as returned by the API, source possibly expanded). */
export interface StripeBalanceTransactionLike {
  id: string;
  amount: number;
  fee: number;
  currency: string;
  created: number;
  reporting_category: string;
  source?: string | { id: string; metadata?: Record<string, string> | null } | null;
}

const stripeCategory: Record<string, ReconCategory> = {
  charge: "charge",
  refund: "refund",
  dispute: "chargeback",
  dispute_reversal: "chargeback_reversal",
  payout: "settlement",
  transfer: "trader_payout",
};

/**
 * A Stripe balance transaction as processor records: the gross movement, plus its fee as a separate
 * record (a charge's processor fee, a dispute's dispute fee) so each matches its own ledger transfer.
 * The reference is `source.metadata.propdesk_reference` when the source is expanded and has one,
 * else the source id. Stripe amounts are taken as ISO 4217 minor units, which holds for most
 * currencies; the adapter must convert the few where Stripe's unit differs (see Stripe's currency docs).
 */
export function fromStripeBalanceTransaction(bt: StripeBalanceTransactionLike): ProcessorRecord[] {
  for (const [field, v] of [
    ["amount", bt.amount],
    ["fee", bt.fee],
    ["created", bt.created],
  ] as const)
    if (!Number.isSafeInteger(v))
      throw new AppError(
        "VALIDATION",
        `Balance transaction ${bt.id}: ${field} must be an integer (got ${v}).`,
        {
          issues: [{ path: field, message: "must be an integer" }],
        },
      );
  const currency = bt.currency.toUpperCase();
  if (!isCurrency(currency))
    throw new AppError("VALIDATION", `Balance transaction ${bt.id}: unknown currency "${bt.currency}".`, {
      issues: [{ path: "currency", message: "unknown currency" }],
    });
  const src = bt.source;
  const reference =
    src === null || src === undefined
      ? bt.id
      : typeof src === "string"
        ? src
        : (src.metadata?.propdesk_reference ?? src.id);
  const type = stripeCategory[bt.reporting_category] ?? "other";
  const date = toIso(bt.created * 1000);
  const out: ProcessorRecord[] = [{ id: bt.id, reference, amount: BigInt(bt.amount), currency, date, type }];
  if (bt.fee !== 0) {
    const feeType: ReconCategory =
      type === "chargeback"
        ? "dispute_fee"
        : type === "chargeback_reversal"
          ? "dispute_fee_return"
          : type === "charge"
            ? "processor_fee"
            : "other";
    // Stripe's fee is positive when Stripe keeps money; the record is signed from the firm's balance.
    out.push({ id: `${bt.id}:fee`, reference, amount: -BigInt(bt.fee), currency, date, type: feeType });
  }
  return out;
}

export type StatementField = "id" | "reference" | "amount" | "currency" | "date" | "type";

/**
 * A processor statement exported as CSV, mapped onto processor records. `types` maps the file's
 * type labels (case-insensitive) to categories; amounts are decimal strings in the row's currency
 * ("-12.50"), dates ISO instants or dates. Every bad cell is reported with its row and column.
 */
export function parseProcessorStatementCsv(
  text: string,
  columns: CsvHeaderMap<StatementField>,
  opts: { types: Record<string, ReconCategory>; delimiter?: string },
): ProcessorRecord[] {
  const rows = readCsvTable(text, columns, { delimiter: opts.delimiter, what: "The processor statement" });
  const issues = new CsvIssues("The processor statement");
  const types = new Map(Object.entries(opts.types).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const out: ProcessorRecord[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const id = row.get("id");
    const currency = row.get("currency").toUpperCase();
    const rawType = row.get("type");
    const type = types.get(rawType.toLowerCase());
    const date = row.get("date");
    let ok = true;
    const bad = (f: StatementField, message: string) => {
      issues.add(row, row.header(f), message);
      ok = false;
    };
    if (id === "") bad("id", "is empty");
    else if (seen.has(id)) bad("id", `"${id}" repeats row ${seen.get(id)}`);
    else seen.set(id, row.row);
    if (!isCurrency(currency)) bad("currency", `"${row.get("currency")}" is not an ISO 4217 code`);
    if (type === undefined)
      bad("type", `"${rawType}" is not one of ${[...types.keys()].map((k) => `"${k}"`).join(", ")}`);
    if (instantMs(date, { allowDateOnly: true }) === null)
      bad("date", `"${date}" is not a date like 2026-03-01`);
    let amount = 0n;
    if (isCurrency(currency)) {
      try {
        amount = parseMoney(row.get("amount"), currency, "amount");
      } catch {
        bad("amount", `"${row.get("amount")}" is not an amount in ${currency} like -12.50`);
      }
    }
    if (ok) out.push({ id, reference: row.get("reference"), amount, currency, date, type: type! });
  }
  issues.throwIfAny();
  return out;
}
