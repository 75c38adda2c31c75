import { AppError } from "../errors";
import { DAY_MS, instantMs } from "../ledger/instant";
import { type Item, pairUp } from "./pair-up";
import type {
  DrillDown,
  LedgerReconRecord,
  PlatformAdjustment,
  ProcessorRecord,
  ReconCategory,
} from "./records";

export interface ReconciliationPeriod {
  /** Inclusive start (ISO instant or date). */
  from: string;
  /** Exclusive end (ISO instant or date). */
  to: string;
}

export interface ReconciliationInput {
  period: ReconciliationPeriod;
  ledger: readonly LedgerReconRecord[];
  processor: readonly ProcessorRecord[];
  platform: readonly PlatformAdjustment[];
  /** How far apart the dates of a fallback match (same amount, no shared reference) may be. Default 3. */
  dateWindowDays?: number;
}

export type ReconPair = "processor" | "platform";
export type ReconStatus =
  | "matched"
  | "mismatch"
  | "missing_in_ledger"
  | "missing_in_processor"
  | "missing_on_platform";

export interface ReconciliationLine {
  pair: ReconPair;
  status: ReconStatus;
  matchedBy: "reference" | "amount_and_date" | null;
  /** For a mismatch: what differs. */
  mismatched: ("amount" | "account")[];
  category: ReconCategory | "platform_adjustment";
  currency: string;
  /** The ledger's date when there is one, else the external record's. */
  date: string;
  reference: string;
  ledgerAmount: bigint | null;
  externalAmount: bigint | null;
  /** external − ledger, a missing side counting as zero. */
  difference: bigint;
  drill: DrillDown;
}

export interface ReconciliationSummary {
  pair: ReconPair;
  currency: string;
  matched: number;
  mismatched: number;
  missingInLedger: number;
  missingExternally: number;
  ledgerTotal: bigint;
  externalTotal: bigint;
  /** externalTotal − ledgerTotal over the period's lines. */
  difference: bigint;
}

export interface ReconciliationReport {
  period: ReconciliationPeriod;
  lines: ReconciliationLine[];
  summary: ReconciliationSummary[];
}

function ms(value: string, field: string): number {
  const v = instantMs(value, { allowDateOnly: true });
  if (v === null)
    throw new AppError("VALIDATION", `${field}: "${value}" is not a date or ISO instant.`, {
      issues: [{ path: field, message: "not a date or ISO instant" }],
    });
  return v;
}

/**
 * Matches the ledger against the processor and against the trading platform over a period.
 * Records just outside the period may be passed so that edge items still find their partner; a
 * line is reported when at least one of its records falls inside [from, to).
 */
export function reconcile(input: ReconciliationInput): ReconciliationReport {
  const from = ms(input.period.from, "period.from");
  const to = ms(input.period.to, "period.to");
  if (to <= from)
    throw new AppError("VALIDATION", "period.to: must be after period.from.", {
      issues: [{ path: "period.to", message: "must be after period.from" }],
    });
  const windowDays = input.dateWindowDays ?? 3;
  if (!Number.isInteger(windowDays) || windowDays < 0)
    throw new AppError("VALIDATION", "dateWindowDays: must be a whole number ≥ 0.", {
      issues: [{ path: "dateWindowDays", message: "must be a whole number ≥ 0" }],
    });
  const windowMs = windowDays * DAY_MS;
  const inPeriod = (...t: number[]) => t.some((x) => x >= from && x < to);
  const push = (ms: number, line: ReconciliationLine) => entries.push({ line, ms });
  const entries: { line: ReconciliationLine; ms: number }[] = [];

  // Ledger ↔ processor.
  const lp: Item<LedgerReconRecord>[] = [];
  input.ledger.forEach((l, i) => {
    if (!l.processor) return;
    const group = `${l.processor.category}|${l.currency}`;
    lp.push({
      value: l,
      id: l.transferKey,
      refs: l.references,
      group,
      fallbackGroup: group,
      amount: l.processor.amount,
      ms: ms(l.date, `ledger.${i}.date`),
    });
  });
  const pr: Item<ProcessorRecord>[] = input.processor.map((p, i) => {
    const group = `${p.type}|${p.currency}`;
    return {
      value: p,
      id: p.id,
      refs: [p.reference, p.id],
      group,
      fallbackGroup: group,
      amount: p.amount,
      ms: ms(p.date, `processor.${i}.date`),
    };
  });
  const a = pairUp(lp, pr, windowMs);
  for (const { l, r, by } of a.pairs) {
    if (!inPeriod(l.ms, r.ms)) continue;
    const same = l.amount === r.amount;
    push(l.ms, {
      pair: "processor",
      status: same ? "matched" : "mismatch",
      matchedBy: by,
      mismatched: same ? [] : ["amount"],
      category: l.value.processor!.category,
      currency: l.value.currency,
      date: l.value.date,
      reference: r.value.reference || l.value.transferKey,
      ledgerAmount: l.amount,
      externalAmount: r.amount,
      difference: r.amount - l.amount,
      drill: { ...l.value.drill, processorRecordId: r.value.id },
    });
  }
  for (const l of a.leftOnly) {
    if (!inPeriod(l.ms)) continue;
    push(l.ms, {
      pair: "processor",
      status: "missing_in_processor",
      matchedBy: null,
      mismatched: [],
      category: l.value.processor!.category,
      currency: l.value.currency,
      date: l.value.date,
      reference: l.value.transferKey,
      ledgerAmount: l.amount,
      externalAmount: null,
      difference: -l.amount,
      drill: { ...l.value.drill },
    });
  }
  for (const r of a.rightOnly) {
    if (!inPeriod(r.ms)) continue;
    push(r.ms, {
      pair: "processor",
      status: "missing_in_ledger",
      matchedBy: null,
      mismatched: [],
      category: r.value.type,
      currency: r.value.currency,
      date: r.value.date,
      reference: r.value.reference,
      ledgerAmount: null,
      externalAmount: r.amount,
      difference: r.amount,
      drill: { processorRecordId: r.value.id },
    });
  }

  // Ledger ↔ platform. References match within a currency; the fallback also needs the same account.
  const lt: Item<LedgerReconRecord>[] = [];
  input.ledger.forEach((l, i) => {
    if (!l.platform) return;
    lt.push({
      value: l,
      id: l.transferKey,
      refs: l.references,
      group: l.currency,
      fallbackGroup: `${l.platform.accountId}|${l.currency}`,
      amount: l.platform.amount,
      ms: ms(l.date, `ledger.${i}.date`),
    });
  });
  const pa: Item<PlatformAdjustment>[] = input.platform.map((p, i) => ({
    value: p,
    id: p.id,
    refs: [p.reference, p.id],
    group: p.currency,
    fallbackGroup: `${p.accountId}|${p.currency}`,
    amount: p.amount,
    ms: ms(p.date, `platform.${i}.date`),
  }));
  const b = pairUp(lt, pa, windowMs);
  for (const { l, r, by } of b.pairs) {
    if (!inPeriod(l.ms, r.ms)) continue;
    const mismatched: ("amount" | "account")[] = [];
    if (l.amount !== r.amount) mismatched.push("amount");
    if (l.value.platform!.accountId !== r.value.accountId) mismatched.push("account");
    push(l.ms, {
      pair: "platform",
      status: mismatched.length === 0 ? "matched" : "mismatch",
      matchedBy: by,
      mismatched,
      category: "platform_adjustment",
      currency: l.value.currency,
      date: l.value.date,
      reference: r.value.reference || l.value.transferKey,
      ledgerAmount: l.amount,
      externalAmount: r.amount,
      difference: r.amount - l.amount,
      drill: { ...l.value.drill, platformAdjustmentId: r.value.id, platformAccountId: r.value.accountId },
    });
  }
  for (const l of b.leftOnly) {
    if (!inPeriod(l.ms)) continue;
    push(l.ms, {
      pair: "platform",
      status: "missing_on_platform",
      matchedBy: null,
      mismatched: [],
      category: "platform_adjustment",
      currency: l.value.currency,
      date: l.value.date,
      reference: l.value.transferKey,
      ledgerAmount: l.amount,
      externalAmount: null,
      difference: -l.amount,
      drill: { ...l.value.drill, platformAccountId: l.value.platform!.accountId },
    });
  }
  for (const r of b.rightOnly) {
    if (!inPeriod(r.ms)) continue;
    push(r.ms, {
      pair: "platform",
      status: "missing_in_ledger",
      matchedBy: null,
      mismatched: [],
      category: "platform_adjustment",
      currency: r.value.currency,
      date: r.value.date,
      reference: r.value.reference,
      ledgerAmount: null,
      externalAmount: r.amount,
      difference: r.amount,
      drill: { platformAdjustmentId: r.value.id, platformAccountId: r.value.accountId },
    });
  }

  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  entries.sort(
    (x, y) =>
      cmp(x.line.pair, y.line.pair) ||
      x.ms - y.ms ||
      cmp(x.line.reference, y.line.reference) ||
      cmp(x.line.drill.transferKey ?? "", y.line.drill.transferKey ?? "") ||
      cmp(externalId(x.line), externalId(y.line)),
  );
  const sorted = entries.map((e) => e.line);
  return { period: { ...input.period }, lines: sorted, summary: summarise(sorted) };
}

const externalId = (l: ReconciliationLine) => l.drill.processorRecordId ?? l.drill.platformAdjustmentId ?? "";

function summarise(lines: readonly ReconciliationLine[]): ReconciliationSummary[] {
  const by = new Map<string, ReconciliationSummary>();
  for (const l of lines) {
    const k = `${l.pair}|${l.currency}`;
    let s = by.get(k);
    if (!s) {
      s = {
        pair: l.pair,
        currency: l.currency,
        matched: 0,
        mismatched: 0,
        missingInLedger: 0,
        missingExternally: 0,
        ledgerTotal: 0n,
        externalTotal: 0n,
        difference: 0n,
      };
      by.set(k, s);
    }
    if (l.status === "matched") s.matched += 1;
    else if (l.status === "mismatch") s.mismatched += 1;
    else if (l.status === "missing_in_ledger") s.missingInLedger += 1;
    else s.missingExternally += 1;
    s.ledgerTotal += l.ledgerAmount ?? 0n;
    s.externalTotal += l.externalAmount ?? 0n;
    s.difference = s.externalTotal - s.ledgerTotal;
  }
  return [...by.values()].sort((x, y) => (x.pair + x.currency < y.pair + y.currency ? -1 : 1));
}
