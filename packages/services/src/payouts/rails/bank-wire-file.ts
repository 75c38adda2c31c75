import { AppError } from "@propdesk/domain";
import { formatMoney, isCurrency, parseMoney } from "@propdesk/domain/money";
import { CsvIssues, csvField, readCsvTable } from "@propdesk/domain/reconciliation";

/*
 * Bank wire payouts go out as a file the firm uploads to its bank (a CSV "bulk payment" file), and
 * are marked paid when the bank's confirmation file is imported. Pure functions: the file formats
 * and the matching of a confirmation against the batch, with precise row errors.
 *
 * Export columns (one row per payout attempt):
 *   end_to_end_id, beneficiary_name, beneficiary_iban, beneficiary_bic, amount, currency,
 *   remittance_information, requested_execution_date, debtor_name, debtor_iban, debtor_bic
 * Confirmation columns (the bank's file; header names case-insensitive, some common spellings):
 *   end_to_end_id, status (ACSC/ACCC = settled, RJCT = rejected; "settled"/"rejected" accepted),
 *   amount, currency, value_date, bank_reference, reason (optional; the bank's rejection reason)
 */

export interface WireItem {
  /** ≤ 35 characters (SEPA / SWIFT end-to-end id): `<payout reference>-<attempt>`. */
  endToEndId: string;
  beneficiaryName: string;
  iban: string;
  bic: string;
  amount: bigint;
  currency: string;
  remittance: string;
}

export interface Originator {
  name: string;
  iban: string;
  bic: string;
}

export const wireFileColumns = [
  "end_to_end_id",
  "beneficiary_name",
  "beneficiary_iban",
  "beneficiary_bic",
  "amount",
  "currency",
  "remittance_information",
  "requested_execution_date",
  "debtor_name",
  "debtor_iban",
  "debtor_bic",
] as const;

export function endToEndIdOf(payoutReference: string, attempt: number): string {
  const id = `${payoutReference}-${attempt}`;
  if (id.length > 35) throw new AppError("INTERNAL", `End-to-end id ${id} is longer than 35 characters.`);
  return id;
}

/** The bulk payment file, RFC 4180 CSV with CRLF; names and references guarded against formulas. */
export function bankWireCsv(opts: {
  items: readonly WireItem[];
  originator: Originator;
  executionDate: string;
}): string {
  const rows = opts.items.map((i) => [
    i.endToEndId,
    i.beneficiaryName,
    i.iban,
    i.bic,
    formatMoney(i.amount, i.currency),
    i.currency,
    i.remittance,
    opts.executionDate,
    opts.originator.name,
    opts.originator.iban,
    opts.originator.bic,
  ]);
  const line = (r: readonly string[], amountAt: number | null) =>
    `${r.map((c, k) => csvField(c, { guardFormula: k !== amountAt })).join(",")}\r\n`;
  return line(wireFileColumns, null) + rows.map((r) => line(r, 4)).join("");
}

export type ConfirmationField =
  | "endToEndId"
  | "status"
  | "amount"
  | "currency"
  | "valueDate"
  | "bankReference"
  | "reason";

const confirmationColumns = {
  endToEndId: ["end_to_end_id", "EndToEndId", "end to end id", "e2e_id"],
  status: ["status", "transaction_status", "TxSts"],
  amount: ["amount", "instructed_amount"],
  currency: ["currency", "ccy"],
  valueDate: ["value_date", "settlement_date", "booking_date"],
  bankReference: ["bank_reference", "bank_ref", "AcctSvcrRef"],
  reason: ["reason", "rejection_reason", "status_reason"],
} as const;

export interface ConfirmationRow {
  row: number;
  line: number;
  endToEndId: string;
  outcome: "settled" | "rejected";
  amount: bigint;
  currency: string;
  valueDate: string;
  bankReference: string;
  reason: string;
}

const settledCodes = new Set(["acsc", "accc", "settled", "paid", "completed"]);
const rejectedCodes = new Set(["rjct", "rejected", "returned", "failed"]);

/**
 * Reads the bank's confirmation file and checks it against the batch: every row must name an item
 * of this batch once, with the same amount and currency. Throws one VALIDATION error listing every
 * bad row (line, column, what is wrong) and changes nothing; returns the rows otherwise. Items of
 * the batch the file does not mention stay waiting for a later file.
 */
export function parseBankConfirmation(
  text: string,
  batch: { reference: string; items: readonly { endToEndId: string; amount: bigint; currency: string }[] },
): ConfirmationRow[] {
  const what = `The bank's confirmation file for batch ${batch.reference}`;
  const rows = readCsvTable(text, confirmationColumns, { optional: ["reason", "bankReference"], what });
  if (rows.length === 0)
    throw new AppError("VALIDATION", `${what} has no rows.`, {
      issues: [{ path: "rows", message: "no rows" }],
    });
  const issues = new CsvIssues(what);
  const items = new Map(batch.items.map((i) => [i.endToEndId, i]));
  const seen = new Map<string, number>();
  const out: ConfirmationRow[] = [];
  for (const r of rows) {
    let ok = true;
    const bad = (f: ConfirmationField, message: string) => {
      issues.add(r, r.header(f), message);
      ok = false;
    };
    const id = r.get("endToEndId");
    const item = items.get(id);
    if (id === "") bad("endToEndId", "is empty");
    else if (!item) bad("endToEndId", `"${id}" is not a payment of batch ${batch.reference}`);
    else if (seen.has(id)) bad("endToEndId", `"${id}" was already confirmed on row ${seen.get(id)}`);
    else seen.set(id, r.row);
    const status = r.get("status").toLowerCase();
    const outcome = settledCodes.has(status) ? "settled" : rejectedCodes.has(status) ? "rejected" : null;
    if (outcome === null)
      bad("status", `"${r.get("status")}" is not ACSC, ACCC (settled) or RJCT (rejected)`);
    const currency = r.get("currency").toUpperCase();
    let amount = 0n;
    if (!isCurrency(currency)) bad("currency", `"${r.get("currency")}" is not an ISO 4217 code`);
    else {
      try {
        amount = parseMoney(r.get("amount"), currency, "amount");
      } catch {
        bad("amount", `"${r.get("amount")}" is not an amount in ${currency} like 1250.00`);
      }
      if (item && ok && currency !== item.currency)
        bad("currency", `is ${currency}, the payment was sent in ${item.currency}`);
      else if (item && ok && amount !== item.amount)
        bad(
          "amount",
          `is ${r.get("amount")}, the payment was for ${formatMoney(item.amount, item.currency)}`,
        );
    }
    const valueDate = r.get("valueDate");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(valueDate) || Number.isNaN(Date.parse(`${valueDate}T00:00:00Z`)))
      bad("valueDate", `"${valueDate}" is not a date like 2026-03-01`);
    if (outcome === "rejected" && r.get("reason") === "")
      bad("reason", "a rejected payment needs the bank's reason");
    if (ok)
      out.push({
        row: r.row,
        line: r.line,
        endToEndId: id,
        outcome: outcome!,
        amount,
        currency,
        valueDate,
        bankReference: r.get("bankReference"),
        reason: r.get("reason"),
      });
  }
  issues.throwIfAny();
  return out;
}

/** IBAN check digits (ISO 13616, mod 97 = 1). */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}
