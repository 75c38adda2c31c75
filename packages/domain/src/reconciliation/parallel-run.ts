import { AppError } from "../errors";
import { DAY_MS, instantMs, utcDay } from "../ledger/instant";
import type { Transfer } from "../ledger/transfer";
import { formatMoney, isCurrency, parseMoney } from "../money";
import { csvField } from "./csv";
import { type CsvHeaderMap, CsvIssues, readCsvTable } from "./csv-table";
import { type Item, pairUp } from "./pair-up";

export type ParallelRecordType = "payout" | "fee" | "fee_refund";

/** A payout or fee record, ours or another system's, reduced to what both can state. */
export interface ParallelRecord {
  /** Our transfer key, or `row:<n>` for an imported row. */
  id: string;
  traderId: string;
  type: ParallelRecordType;
  /** A shared reference when both systems know one (payout id, order id); "" otherwise. */
  reference: string;
  /** Positive minor units. */
  amount: bigint;
  currency: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
}

export type ParallelField = "traderId" | "type" | "reference" | "amount" | "currency" | "date";

/**
 * Another system's payout and fee records from CSV. `columns` maps our fields to their headers
 * (`reference` may be absent from the file); `types` maps their type labels to ours. Amounts are
 * decimals in the row's currency and are taken as absolute values (some systems sign payouts).
 */
export function parseParallelRunCsv(
  text: string,
  columns: CsvHeaderMap<ParallelField>,
  opts: { types: Record<string, ParallelRecordType>; delimiter?: string },
): ParallelRecord[] {
  const what = "The imported payout and fee file";
  const rows = readCsvTable(text, columns, { delimiter: opts.delimiter, optional: ["reference"], what });
  const issues = new CsvIssues(what);
  const types = new Map(Object.entries(opts.types).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const out: ParallelRecord[] = [];
  for (const row of rows) {
    let ok = true;
    const bad = (f: ParallelField, message: string) => {
      issues.add(row, row.header(f), message);
      ok = false;
    };
    const traderId = row.get("traderId");
    if (traderId === "") bad("traderId", "is empty");
    const rawType = row.get("type");
    const type = types.get(rawType.toLowerCase());
    if (type === undefined)
      bad("type", `"${rawType}" is not one of ${[...types.keys()].map((k) => `"${k}"`).join(", ")}`);
    const currency = row.get("currency").toUpperCase();
    let amount = 0n;
    if (!isCurrency(currency)) bad("currency", `"${row.get("currency")}" is not an ISO 4217 code`);
    else
      try {
        amount = parseMoney(row.get("amount"), currency, "amount");
        if (amount < 0n) amount = -amount;
      } catch {
        bad("amount", `"${row.get("amount")}" is not an amount in ${currency} like 1250.00`);
      }
    const dateMs = instantMs(row.get("date"), { allowDateOnly: true });
    if (dateMs === null) bad("date", `"${row.get("date")}" is not a date like 2026-03-01`);
    if (ok)
      out.push({
        id: `row:${row.row}`,
        traderId,
        type: type!,
        reference: row.get("reference"),
        amount,
        currency,
        day: utcDay(dateMs!),
      });
  }
  issues.throwIfAny();
  return out;
}

/** Our side of a parallel run: challenge fees bought, payouts paid and fees refunded, from posted transfers. */
export function parallelRecordsFromTransfers(transfers: readonly Transfer[]): ParallelRecord[] {
  const out: ParallelRecord[] = [];
  for (const t of transfers) {
    if (t.status !== "posted" || t.refs.traderId === undefined) continue;
    const type: ParallelRecordType | null =
      t.kind === "challenge_purchase"
        ? "fee"
        : t.kind === "trader_payout"
          ? "payout"
          : t.kind === "trader_fee_refund"
            ? "fee_refund"
            : null;
    if (type === null) continue;
    out.push({
      id: t.idempotencyKey,
      traderId: t.refs.traderId,
      type,
      reference: (type === "fee" ? t.refs.orderId : t.refs.payoutId) ?? "",
      amount: t.amount,
      currency: t.currency,
      day: utcDay(instantMs(t.effectiveAt)!),
    });
  }
  return out;
}

export interface ParallelDifference {
  theirs: ParallelRecord;
  ours: ParallelRecord;
  fields: ("amount" | "day")[];
  /** ours − theirs. */
  amountDifference: bigint;
}

export interface ParallelTraderTotal {
  traderId: string;
  type: ParallelRecordType;
  currency: string;
  theirs: bigint;
  ours: bigint;
  /** ours − theirs. */
  difference: bigint;
}

export interface ParallelRunReport {
  period: { from: string; to: string };
  matched: number;
  onlyInTheirs: ParallelRecord[];
  onlyInOurs: ParallelRecord[];
  differing: ParallelDifference[];
  totalsPerTrader: ParallelTraderTotal[];
}

/**
 * Compares another system's records with ours for the same period (days in [from, to)). Records
 * pair up within the same trader, type and currency: by shared reference, then by equal amount
 * within `dayTolerance` days (a different day is reported), then by the same day (a different
 * amount is reported). What remains is only in one system.
 */
export function compareParallelRun(input: {
  period: { from: string; to: string };
  theirs: readonly ParallelRecord[];
  ours: readonly ParallelRecord[];
  dayTolerance?: number;
}): ParallelRunReport {
  const from = instantMs(input.period.from, { allowDateOnly: true });
  const to = instantMs(input.period.to, { allowDateOnly: true });
  if (from === null || to === null || to <= from)
    throw new AppError("VALIDATION", "period: from and to must be dates with from before to.", {
      issues: [{ path: "period", message: "from and to must be dates, from before to" }],
    });
  const tolerance = input.dayTolerance ?? 3;
  const inPeriod = (r: ParallelRecord) => {
    const d = Date.parse(`${r.day}T00:00:00Z`);
    return d >= from && d < to;
  };
  const theirs = input.theirs.filter(inPeriod);
  const ours = input.ours.filter(inPeriod);
  const item = (r: ParallelRecord): Item<ParallelRecord> => {
    const group = `${r.traderId}|${r.type}|${r.currency}`;
    return {
      value: r,
      id: r.id,
      refs: r.reference === "" ? [] : [r.reference],
      group,
      fallbackGroup: group,
      amount: r.amount,
      ms: Date.parse(`${r.day}T00:00:00Z`),
    };
  };
  const first = pairUp(theirs.map(item), ours.map(item), tolerance * DAY_MS);
  // Same trader, type and day but another amount: a differing amount rather than two strays.
  const byDay = (i: Item<ParallelRecord>): Item<ParallelRecord> => ({
    ...i,
    refs: [],
    fallbackGroup: `${i.group}|${i.value.day}`,
    amount: 0n,
  });
  const second = pairUp(first.leftOnly.map(byDay), first.rightOnly.map(byDay), 0);

  let matched = 0;
  const differing: ParallelDifference[] = [];
  for (const { l, r } of [...first.pairs, ...second.pairs]) {
    const fields: ("amount" | "day")[] = [];
    if (l.value.amount !== r.value.amount) fields.push("amount");
    if (l.value.day !== r.value.day) fields.push("day");
    if (fields.length === 0) matched += 1;
    else
      differing.push({
        theirs: l.value,
        ours: r.value,
        fields,
        amountDifference: r.value.amount - l.value.amount,
      });
  }

  const totals = new Map<string, ParallelTraderTotal>();
  const add = (r: ParallelRecord, side: "theirs" | "ours") => {
    const k = `${r.traderId}\u0000${r.type}\u0000${r.currency}`;
    let t = totals.get(k);
    if (!t) {
      t = { traderId: r.traderId, type: r.type, currency: r.currency, theirs: 0n, ours: 0n, difference: 0n };
      totals.set(k, t);
    }
    t[side] += r.amount;
    t.difference = t.ours - t.theirs;
  };
  for (const r of theirs) add(r, "theirs");
  for (const r of ours) add(r, "ours");
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const byDayId = (a: ParallelRecord, b: ParallelRecord) => cmp(a.day, b.day) || cmp(a.id, b.id);

  return {
    period: { ...input.period },
    matched,
    onlyInTheirs: second.leftOnly.map((i) => i.value).sort(byDayId),
    onlyInOurs: second.rightOnly.map((i) => i.value).sort(byDayId),
    differing: differing.sort((a, b) => byDayId(a.theirs, b.theirs)),
    totalsPerTrader: [...totals.values()].sort(
      (a, b) => cmp(a.traderId, b.traderId) || cmp(a.type, b.type) || cmp(a.currency, b.currency),
    ),
  };
}

/** The differences of a parallel run as CSV, one row per record that is missing or differs. */
export function parallelRunToCsv(report: ParallelRunReport): string {
  const head = [
    "status",
    "trader_id",
    "type",
    "currency",
    "their_id",
    "our_id",
    "reference",
    "their_day",
    "our_day",
    "their_amount",
    "our_amount",
    "difference",
  ];
  const rows: string[][] = [];
  const m = (r: ParallelRecord | null) => (r === null ? "" : formatMoney(r.amount, r.currency));
  const line = (status: string, t: ParallelRecord | null, o: ParallelRecord | null) => {
    const any = (t ?? o)!;
    const diff = (o?.amount ?? 0n) - (t?.amount ?? 0n);
    rows.push([
      status,
      any.traderId,
      any.type,
      any.currency,
      t?.id ?? "",
      o?.id ?? "",
      t?.reference || o?.reference || "",
      t?.day ?? "",
      o?.day ?? "",
      m(t),
      m(o),
      formatMoney(diff, any.currency),
    ]);
  };
  for (const d of report.differing) line(`differs:${d.fields.join("+")}`, d.theirs, d.ours);
  for (const t of report.onlyInTheirs) line("only_in_theirs", t, null);
  for (const o of report.onlyInOurs) line("only_in_ours", null, o);
  const amountCols = new Set([9, 10, 11]);
  return [head, ...rows]
    .map((r) => `${r.map((c, i) => csvField(c, { guardFormula: !amountCols.has(i) })).join(",")}\r\n`)
    .join("");
}
