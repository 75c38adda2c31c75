import { formatMoney } from "../money";
import { csvField } from "./csv";
import type { ReconciliationReport } from "./reconcile";

export const reconciliationCsvColumns = [
  "pair",
  "status",
  "matched_by",
  "mismatched",
  "category",
  "currency",
  "date",
  "reference",
  "ledger_amount",
  "external_amount",
  "difference",
  "transfer_key",
  "payout_id",
  "order_id",
  "payment_id",
  "trader_id",
  "trading_account_id",
  "processor_record_id",
  "platform_adjustment_id",
  "platform_account_id",
] as const;

// Amount columns are plain decimals ("-12.50"); every other column may carry text from outside
// (processor references, statement ids) and is guarded against spreadsheet formulas.
const amountColumns = new Set(["ledger_amount", "external_amount", "difference"]);

function row(cells: Record<(typeof reconciliationCsvColumns)[number], string>): string {
  return `${reconciliationCsvColumns.map((c) => csvField(cells[c], { guardFormula: !amountColumns.has(c) })).join(",")}\r\n`;
}

/** The report's lines as RFC 4180 CSV (CRLF, header first), amounts as decimals in their currency. */
export function reconciliationToCsv(report: ReconciliationReport): string {
  const header = `${reconciliationCsvColumns.join(",")}\r\n`;
  const money = (a: bigint | null, cur: string) => (a === null ? "" : formatMoney(a, cur));
  return (
    header +
    report.lines
      .map((l) =>
        row({
          pair: l.pair,
          status: l.status,
          matched_by: l.matchedBy ?? "",
          mismatched: l.mismatched.join(" "),
          category: l.category,
          currency: l.currency,
          date: l.date,
          reference: l.reference,
          ledger_amount: money(l.ledgerAmount, l.currency),
          external_amount: money(l.externalAmount, l.currency),
          difference: formatMoney(l.difference, l.currency),
          transfer_key: l.drill.transferKey ?? "",
          payout_id: l.drill.payoutId ?? "",
          order_id: l.drill.orderId ?? "",
          payment_id: l.drill.paymentId ?? "",
          trader_id: l.drill.traderId ?? "",
          trading_account_id: l.drill.tradingAccountId ?? "",
          processor_record_id: l.drill.processorRecordId ?? "",
          platform_adjustment_id: l.drill.platformAdjustmentId ?? "",
          platform_account_id: l.drill.platformAccountId ?? "",
        }),
      )
      .join("")
  );
}

/** The per-pair, per-currency totals as CSV. */
export function reconciliationSummaryToCsv(report: ReconciliationReport): string {
  const head = [
    "pair",
    "currency",
    "matched",
    "mismatched",
    "missing_in_ledger",
    "missing_externally",
    "ledger_total",
    "external_total",
    "difference",
  ];
  const rows = report.summary.map((s) =>
    [
      s.pair,
      s.currency,
      String(s.matched),
      String(s.mismatched),
      String(s.missingInLedger),
      String(s.missingExternally),
      formatMoney(s.ledgerTotal, s.currency),
      formatMoney(s.externalTotal, s.currency),
      formatMoney(s.difference, s.currency),
    ]
      .map((c) => csvField(c))
      .join(","),
  );
  return [head.join(","), ...rows].map((r) => `${r}\r\n`).join("");
}
