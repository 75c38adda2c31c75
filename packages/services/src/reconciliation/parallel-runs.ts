import { dataLayer, ledger, payouts, reconciliation } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { displayMoney, formatMoney } from "@propdesk/domain/money";
import {
  compareParallelRun,
  type ParallelRecord,
  type ParallelRecordType,
  type ParallelRunReport,
  parallelRecordsFromTransfers,
  parallelRunToCsv,
  parseParallelRunCsv,
} from "@propdesk/domain/reconciliation";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";

/*
 * A parallel run: a firm moving to PropDesk imports its old system's payout and fee records (CSV)
 * for a period and sees, trader by trader, where they differ from PropDesk's ledger: what is only
 * in one system, what differs in amount or day, and the totals per trader. Traders are matched by
 * e-mail (or by PropDesk trader id when the file carries it).
 */

export const parallelColumns = {
  traderId: ["trader_email", "email", "trader", "trader_id", "customer_email"],
  type: ["type", "record_type", "kind"],
  reference: ["reference", "payout_id", "order_id", "ref"],
  amount: ["amount", "total"],
  currency: ["currency"],
  date: ["date", "paid_at", "created_at", "day"],
} as const;

export const parallelTypes: Record<string, ParallelRecordType> = {
  payout: "payout",
  withdrawal: "payout",
  "profit split": "payout",
  fee: "fee",
  "challenge fee": "fee",
  purchase: "fee",
  sale: "fee",
  fee_refund: "fee_refund",
  "fee refund": "fee_refund",
  refund_with_payout: "fee_refund",
};

export const importParallelSchema = z
  .object({
    from: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the first day, like 2026-03-01."),
    to: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the day after the last one, like 2026-04-01."),
    sourceLabel: z.string().trim().min(1, "Name the other system (e.g. “Old CRM”).").max(80),
    fileName: z.string().trim().max(200).default("import.csv"),
    text: z
      .string()
      .min(1, "Choose the CSV file to compare.")
      .max(20_000_000, "The file is larger than 20 MB."),
  })
  .refine((f) => Date.parse(`${f.to}T00:00:00Z`) > Date.parse(`${f.from}T00:00:00Z`), {
    path: ["to"],
    message: "The end must be after the start.",
  });

const jsonRecord = (r: ParallelRecord) => ({ ...r, amount: r.amount.toString() });

function reportJson(report: ParallelRunReport, names: Map<string, string>) {
  return {
    period: report.period,
    matched: report.matched,
    onlyInTheirs: report.onlyInTheirs.map(jsonRecord),
    onlyInOurs: report.onlyInOurs.map(jsonRecord),
    differing: report.differing.map((d) => ({
      theirs: jsonRecord(d.theirs),
      ours: jsonRecord(d.ours),
      fields: d.fields,
      amountDifference: d.amountDifference.toString(),
    })),
    totalsPerTrader: report.totalsPerTrader.map((t) => ({
      ...t,
      name: names.get(t.traderId) ?? null,
      theirs: t.theirs.toString(),
      ours: t.ours.toString(),
      difference: t.difference.toString(),
    })),
  };
}

export async function importParallelRun(principal: StaffPrincipal, input: unknown) {
  const form = validate(importParallelSchema, input);
  requirePermission(principal, "reconciliation.run");
  const theirs = parseParallelRunCsv(form.text, parallelColumns, { types: parallelTypes });
  const byEmail = theirs.some((r) => r.traderId.includes("@"));
  return dataLayer().withTenant(
    principal.tenantId,
    async (db) => {
      const period = { from: new Date(`${form.from}T00:00:00Z`), to: new Date(`${form.to}T00:00:00Z`) };
      const transfers = (
        await ledger.listTransfersBetween(db, period, {
          kinds: ["challenge_purchase", "trader_payout", "trader_fee_refund"],
          status: "posted",
        })
      ).map((s) => s.transfer);
      const oursRaw = parallelRecordsFromTransfers(transfers);
      const people = await payouts.traderNames(db, [...new Set(oursRaw.map((r) => r.traderId))]);
      const emailOf = new Map(people.map((p) => [p.id, p.email]));
      // Their trader column holds e-mails (most systems) or our ids: compare in the same terms.
      const ours = byEmail
        ? oursRaw.map((r) => ({ ...r, traderId: emailOf.get(r.traderId) ?? r.traderId }))
        : oursRaw;
      const normalisedTheirs = byEmail
        ? theirs.map((r) => ({ ...r, traderId: r.traderId.toLowerCase() }))
        : theirs;
      const report = compareParallelRun({
        period: { from: form.from, to: form.to },
        theirs: normalisedTheirs,
        ours,
      });
      const names = new Map(people.flatMap((p) => [[p.id, p.name] as const, [p.email, p.name] as const]));
      const row = await reconciliation.createParallelRun(db, {
        periodFrom: period.from,
        periodTo: period.to,
        sourceLabel: form.sourceLabel,
        fileName: form.fileName,
        importedRows: theirs.length,
        matched: report.matched,
        differing: report.differing.length,
        onlyTheirs: report.onlyInTheirs.length,
        onlyOurs: report.onlyInOurs.length,
        report: reportJson(report, names) as never,
        createdByLabel: principal.email,
      });
      await recordAudit(db, {
        actor: { type: "staff", id: principal.userId, label: principal.email },
        action: "reconciliation.parallel_run_imported",
        target: { type: "parallel_run", id: row.id },
        after: {
          source: form.sourceLabel,
          file: form.fileName,
          rows: theirs.length,
          matched: report.matched,
          differing: report.differing.length,
          onlyTheirs: report.onlyInTheirs.length,
          onlyOurs: report.onlyInOurs.length,
        },
      });
      return row;
    },
    { timeout: 120_000 },
  );
}

export async function listParallelRuns(principal: StaffPrincipal) {
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, (db) => reconciliation.listParallelRuns(db, 50));
}

type StoredRecord = Omit<ParallelRecord, "amount"> & { amount: string };

function fromJson(r: StoredRecord): ParallelRecord {
  return { ...r, amount: BigInt(r.amount) };
}

export async function parallelRunReport(principal: StaffPrincipal, id: unknown) {
  const runId = validate(z.string().uuid("Unknown parallel run."), id);
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const row = await reconciliation.findParallelRun(db, runId);
    if (!row) throw new AppError("NOT_FOUND", "That parallel run does not exist.");
    const r = row.report as {
      period: { from: string; to: string };
      matched: number;
      onlyInTheirs: StoredRecord[];
      onlyInOurs: StoredRecord[];
      differing: {
        theirs: StoredRecord;
        ours: StoredRecord;
        fields: ("amount" | "day")[];
        amountDifference: string;
      }[];
      totalsPerTrader: Array<{
        traderId: string;
        name: string | null;
        type: string;
        currency: string;
        theirs: string;
        ours: string;
        difference: string;
      }>;
    };
    const report: ParallelRunReport = {
      period: r.period,
      matched: r.matched,
      onlyInTheirs: r.onlyInTheirs.map(fromJson),
      onlyInOurs: r.onlyInOurs.map(fromJson),
      differing: r.differing.map((d) => ({
        theirs: fromJson(d.theirs),
        ours: fromJson(d.ours),
        fields: d.fields,
        amountDifference: BigInt(d.amountDifference),
      })),
      totalsPerTrader: r.totalsPerTrader.map((t) => ({
        traderId: t.traderId,
        type: t.type as ParallelRecordType,
        currency: t.currency,
        theirs: BigInt(t.theirs),
        ours: BigInt(t.ours),
        difference: BigInt(t.difference),
      })),
    };
    const m = (a: bigint, c: string) => displayMoney(a, c);
    return {
      run: { ...row, report: undefined },
      report,
      view: {
        differing: report.differing.map((d) => ({
          theirsId: d.theirs.id,
          oursId: d.ours.id,
          traderId: d.theirs.traderId,
          type: d.theirs.type,
          reference: d.theirs.reference || d.ours.reference,
          fields: d.fields.join(", "),
          theirs: `${m(d.theirs.amount, d.theirs.currency)} on ${d.theirs.day}`,
          ours: `${m(d.ours.amount, d.ours.currency)} on ${d.ours.day}`,
          difference: formatMoney(d.amountDifference, d.ours.currency),
        })),
        onlyInTheirs: report.onlyInTheirs.map((x) => ({ ...x, amount: m(x.amount, x.currency) })),
        onlyInOurs: report.onlyInOurs.map((x) => ({ ...x, amount: m(x.amount, x.currency) })),
        totals: r.totalsPerTrader
          .filter((t) => t.difference !== "0")
          .map((t) => ({
            ...t,
            theirs: m(BigInt(t.theirs), t.currency),
            ours: m(BigInt(t.ours), t.currency),
            difference: m(BigInt(t.difference), t.currency),
          })),
      },
    };
  });
}

export async function parallelRunCsv(principal: StaffPrincipal, id: unknown) {
  const { run, report } = await parallelRunReport(principal, id);
  return {
    fileName: `parallel-run-${run.periodFrom.toISOString().slice(0, 10)}-${run.periodTo.toISOString().slice(0, 10)}.csv`,
    csv: parallelRunToCsv(report),
  };
}
