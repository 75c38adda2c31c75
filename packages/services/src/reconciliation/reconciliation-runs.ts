import { dataLayer, ledger, reconciliation, type TenantDb } from "@propdesk/db";
import { AppError, isAppError, validate } from "@propdesk/domain";
import { DAY_MS, type Transfer } from "@propdesk/domain/ledger";
import { displayMoney, parseMoney } from "@propdesk/domain/money";
import {
  fromStripeBalanceTransaction,
  type LedgerReconRecord,
  ledgerReconRecords,
  type PlatformAdjustment,
  type ProcessorRecord,
  parseProcessorStatementCsv,
  type ReconCategory,
  type ReconciliationLine,
  type ReconciliationReport,
  reconcile,
  reconciliationSummaryToCsv,
  reconciliationToCsv,
  type StripeBalanceTransactionLike,
} from "@propdesk/domain/reconciliation";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { enqueue } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { stripeAccess } from "../payments/stripe/stripe-connection";
import { scalingKey } from "../payouts/payout-platform";
import { cryptoRailFor } from "../payouts/payout-rails";
import { tradingPlatformFor } from "../platforms/platform-registry";
import { requirePermission } from "../staff/require-permission";
import { collectPlatformRecordsJob, runReconciliationJob } from "./reconciliation-jobs";

/*
 * Reconciliation of a period across three sources, with the domain's `reconcile`:
 * - the ledger: posted transfers, mapped to what the processor and the platform should show;
 * - the processor: Stripe's balance transactions (charges, fees, refunds, disputes, Connect
 *   transfers, payouts), or an imported statement CSV instead; plus the other payout rails' own
 *   records: the crypto custody provider's withdrawals and the bank's confirmed wires;
 * - the trading platforms' balance adjustments (payout reductions, scaling steps).
 * Runs are stored with every line (drill-down to the transfer, the payout or payment, and the
 * account) and exported as CSV. The platform side needs the market simulator, which runs in the
 * worker: a run is always processed by a job.
 */

/** How far outside the period records are read, so edge items still find their partner. */
const WINDOW_DAYS = 3;

export const statementColumns = {
  id: ["id", "transaction_id", "balance_transaction_id"],
  reference: ["reference", "source", "description"],
  amount: ["amount", "gross"],
  currency: ["currency"],
  date: ["date", "created", "created_utc", "available_on"],
  type: ["type", "reporting_category", "category"],
} as const;

export const statementTypes: Record<string, ReconCategory> = {
  charge: "charge",
  payment: "charge",
  processor_fee: "processor_fee",
  fee: "processor_fee",
  stripe_fee: "processor_fee",
  refund: "refund",
  dispute: "chargeback",
  chargeback: "chargeback",
  dispute_fee: "dispute_fee",
  dispute_reversal: "chargeback_reversal",
  chargeback_reversal: "chargeback_reversal",
  dispute_fee_return: "dispute_fee_return",
  payout: "settlement",
  settlement: "settlement",
  transfer: "trader_payout",
  trader_payout: "trader_payout",
  affiliate_payout: "affiliate_payout",
  other: "other",
};

export const requestRunSchema = z
  .object({
    from: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the first day, like 2026-03-01."),
    to: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the day after the last one, like 2026-04-01."),
    source: z.enum(["stripe", "statement", "none"], {
      error: "Choose where the processor's records come from.",
    }),
    statementFileName: z.string().trim().max(200).optional(),
    statementCsv: z.string().max(20_000_000, "The statement is larger than 20 MB.").optional(),
  })
  .refine((f) => Date.parse(`${f.to}T00:00:00Z`) > Date.parse(`${f.from}T00:00:00Z`), {
    path: ["to"],
    message: "The end must be after the start.",
  })
  .refine((f) => f.source !== "statement" || (f.statementCsv ?? "").trim().length > 0, {
    path: ["statementCsv"],
    message: "Choose the processor's statement file (CSV).",
  });

/** An on-demand run; processed by the worker (the console polls it). */
export async function requestReconciliation(principal: StaffPrincipal, input: unknown) {
  const form = validate(requestRunSchema, input);
  requirePermission(principal, "reconciliation.run");
  if (form.source === "statement")
    // Refuse a malformed statement now, with every bad row, instead of failing later in the worker.
    parseProcessorStatementCsv(form.statementCsv!, statementColumns, { types: statementTypes });
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const run = await reconciliation.createRun(db, {
      periodFrom: new Date(`${form.from}T00:00:00Z`),
      periodTo: new Date(`${form.to}T00:00:00Z`),
      trigger: "manual",
      requestedByLabel: principal.email,
      processorSource: form.source,
      statementFileName: form.source === "statement" ? (form.statementFileName ?? "statement.csv") : null,
      statementCsv: form.source === "statement" ? form.statementCsv! : null,
      status: "queued",
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "reconciliation.requested",
      target: { type: "reconciliation_run", id: run.id },
      after: { from: form.from, to: form.to, source: form.source, statement: run.statementFileName },
    });
    await enqueue(db, collectPlatformRecordsJob, { runId: run.id });
    return run;
  });
}

// --- sources ----------------------------------------------------------------------------------

async function ledgerSide(db: TenantDb, period: { from: Date; to: Date }): Promise<LedgerReconRecord[]> {
  const wide = {
    from: new Date(period.from.getTime() - WINDOW_DAYS * DAY_MS),
    to: new Date(period.to.getTime() + WINDOW_DAYS * DAY_MS),
  };
  const transfers: Transfer[] = (await ledger.listTransfersBetween(db, wide, { status: "posted" })).map(
    (s) => s.transfer,
  );
  const records = ledgerReconRecords(transfers);
  // The platform balance goes down when a payout is paid, not when it is approved: a profit share
  // of a payout not (yet) paid has nothing to match on the platform.
  const payoutIds = [
    ...new Set(records.filter((r) => r.platform && r.drill.payoutId).map((r) => r.drill.payoutId!)),
  ];
  const paid = new Set(
    (await reconciliation.payoutStates(db, payoutIds)).filter((p) => p.status === "paid").map((p) => p.id),
  );
  for (const r of records)
    if (r.platform && r.drill.payoutId && !paid.has(r.drill.payoutId)) delete r.platform;
  // Scaling steps raise the account balance on the platform without moving money: expected there too.
  for (const s of await reconciliation.listScalingStepsBetween(db, wide))
    records.push({
      transferKey: scalingKey(s.challengeId, s.level),
      references: [scalingKey(s.challengeId, s.level)],
      currency: transfers[0]?.currency ?? "USD",
      date: s.appliedAt.toISOString(),
      drill: { tradingAccountId: s.tradingAccountId },
      platform: { accountId: s.tradingAccountId, amount: s.increase },
    });
  return records.filter((r) => r.processor || r.platform);
}

async function processorSide(
  db: TenantDb,
  run: { processorSource: string; statementCsv: string | null },
  period: { from: Date; to: Date },
): Promise<ProcessorRecord[]> {
  const wide = {
    from: new Date(period.from.getTime() - WINDOW_DAYS * DAY_MS),
    to: new Date(period.to.getTime() + WINDOW_DAYS * DAY_MS),
  };
  const out: ProcessorRecord[] = [];
  if (run.processorSource === "statement")
    out.push(
      ...parseProcessorStatementCsv(run.statementCsv ?? "", statementColumns, { types: statementTypes }),
    );
  if (run.processorSource === "stripe") {
    let client: Awaited<ReturnType<typeof stripeAccess>>["client"] | null = null;
    try {
      client = (await stripeAccess(db)).client;
    } catch (e) {
      if (!(isAppError(e) && e.code === "PRECONDITION_FAILED")) throw e;
    }
    if (client)
      for await (const bt of client.balanceTransactions.list({
        created: { gte: Math.floor(wide.from.getTime() / 1000), lt: Math.ceil(wide.to.getTime() / 1000) },
        limit: 100,
        expand: ["data.source"],
      }))
        out.push(...fromStripeBalanceTransaction(bt as unknown as StripeBalanceTransactionLike));
  }
  const crypto = await cryptoRailFor(db);
  if (crypto)
    for (const w of await crypto.listWithdrawals(wide)) {
      if (w.status !== "confirmed") continue;
      out.push({
        id: w.id,
        reference: w.reference,
        amount: -parseMoney(w.amount, "USD", "amount"),
        currency: "USD",
        date: w.confirmed_at ?? w.created_at,
        type: "trader_payout",
      });
    }
  for (const a of await reconciliation.listSettledBankAttempts(db, wide))
    out.push({
      id: `bank:${a.railReference ?? a.id}`,
      reference: a.ledgerKey,
      amount: -a.amount,
      currency: a.currency,
      date: a.settledAt!.toISOString(),
      type: "trader_payout",
    });
  return out;
}

/**
 * The platforms' balance adjustments of our accounts. A platform keeps its own clock (the market
 * simulator runs on simulated time), so adjustments are read over a wide span and kept when they
 * answer one of the ledger's expectations (by reference) or fall in the period on the platform's
 * clock; the domain's matching then reports each line by the ledger's date when it has one.
 */
async function platformSide(
  tenantId: string,
  accounts: Awaited<ReturnType<typeof reconciliation.listPlatformAccounts>>,
  period: { from: Date; to: Date },
  expected: ReadonlySet<string>,
): Promise<PlatformAdjustment[]> {
  const wide = {
    from: new Date(period.from.getTime() - WINDOW_DAYS * DAY_MS),
    to: new Date(period.to.getTime() + WINDOW_DAYS * DAY_MS),
  };
  const span = {
    from: new Date(period.from.getTime() - 400 * DAY_MS),
    to: new Date(period.to.getTime() + 400 * DAY_MS),
  };
  const out: PlatformAdjustment[] = [];
  for (const platform of new Set(accounts.map((a) => a.platform))) {
    const ours = new Map(
      accounts.filter((a) => a.platform === platform).map((a) => [a.platformAccountId!, a]),
    );
    const list = await tradingPlatformFor(
      tenantId,
      platform as "simulator" | "bridge",
    ).listBalanceAdjustments("all", span);
    for (const x of list) {
      const account = ours.get(x.platformAccountId);
      if (!account) continue;
      if (!expected.has(x.idempotencyKey) && (x.at < wide.from || x.at >= wide.to)) continue;
      out.push({
        id: x.adjustmentId,
        accountId: account.id,
        reference: x.idempotencyKey,
        amount: x.amount,
        currency: account.currency,
        date: x.at.toISOString(),
      });
    }
  }
  return out;
}

function lineRow(l: ReconciliationLine, lineNo: number): reconciliation.LineInsert {
  return {
    lineNo,
    pair: l.pair,
    status: l.status,
    matchedBy: l.matchedBy,
    mismatched: l.mismatched.join(" "),
    category: l.category,
    currency: l.currency,
    date: l.date,
    reference: l.reference,
    ledgerAmount: l.ledgerAmount,
    externalAmount: l.externalAmount,
    difference: l.difference,
    transferKey: l.drill.transferKey ?? null,
    payoutId: l.drill.payoutId ?? null,
    orderId: l.drill.orderId ?? null,
    paymentId: l.drill.paymentId ?? null,
    traderId: l.drill.traderId ?? null,
    tradingAccountId: l.drill.tradingAccountId ?? null,
    processorRecordId: l.drill.processorRecordId ?? null,
    platformAdjustmentId: l.drill.platformAdjustmentId ?? null,
    platformAccountId: l.drill.platformAccountId ?? null,
  };
}

interface StoredAdjustment {
  id: string;
  accountId: string;
  reference: string;
  amount: string;
  currency: string;
  date: string;
}

/**
 * Step 1 of a run, where the platform adapters live: reads the platforms' balance adjustments of
 * the period (and those answering the ledger's expectations) and stores them on the run, then
 * queues the matching. Done once: a repeat finds them stored.
 */
export async function collectPlatformRecords(tenantId: string, runId: string, opts: { log?: Logger } = {}) {
  const run = await dataLayer().withTenant(tenantId, (db) => reconciliation.findRun(db, runId));
  if (!run) throw new AppError("NOT_FOUND", `Reconciliation run ${runId} does not exist.`);
  if (run.platformCollectedAt) return;
  const period = { from: run.periodFrom, to: run.periodTo };
  try {
    const { records, accounts } = await dataLayer().withTenant(
      tenantId,
      async (db) => ({
        records: await ledgerSide(db, period),
        accounts: await reconciliation.listPlatformAccounts(db),
      }),
      { timeout: 120_000 },
    );
    const expected = new Set(records.filter((r) => r.platform).flatMap((r) => r.references));
    const adjustments = await platformSide(tenantId, accounts, period, expected);
    await dataLayer().withTenant(tenantId, async (db) => {
      await reconciliation.updateRun(db, runId, {
        platformRecords: adjustments.map((a) => ({ ...a, amount: a.amount.toString() })) as never,
        platformCollectedAt: new Date(),
      });
      await enqueue(db, runReconciliationJob, { runId });
    });
  } catch (e) {
    opts.log?.warn({ runId, err: (e as Error).message }, "platform records could not be collected");
    if (isAppError(e) && (e.code === "VALIDATION" || e.code === "PRECONDITION_FAILED")) {
      await dataLayer().withTenant(tenantId, (db) =>
        reconciliation.updateRun(db, runId, {
          status: "failed",
          error: `The trading platform's records could not be read: ${(e as Error).message}`.slice(0, 1000),
          finishedAt: new Date(),
        }),
      );
      return;
    }
    throw e;
  }
}

/**
 * Step 2: matches the ledger against the processor and rails (read now) and against the platform
 * records collected in step 1, and stores the report. Called where the platform adapters are not
 * reachable, it needs step 1 done; in a process that has them (tests, benchmarks) it does step 1
 * itself first.
 */
export async function processReconciliationRun(tenantId: string, runId: string, opts: { log?: Logger } = {}) {
  let run = await dataLayer().withTenant(tenantId, (db) => reconciliation.findRun(db, runId));
  if (!run) throw new AppError("NOT_FOUND", `Reconciliation run ${runId} does not exist.`);
  if (run.status === "completed" || run.status === "failed") return;
  if (!run.platformCollectedAt) {
    await collectPlatformRecords(tenantId, runId, opts);
    run = (await dataLayer().withTenant(tenantId, (db) => reconciliation.findRun(db, runId)))!;
    if (run.status === "failed") return;
  }
  const period = { from: run.periodFrom, to: run.periodTo };
  const platform: PlatformAdjustment[] = ((run.platformRecords ?? []) as unknown as StoredAdjustment[]).map(
    (a) => ({
      ...a,
      amount: BigInt(a.amount),
    }),
  );
  try {
    await dataLayer().withTenant(tenantId, (db) =>
      reconciliation.updateRun(db, runId, { status: "running" }),
    );
    const { records, processor } = await dataLayer().withTenant(
      tenantId,
      async (db) => ({
        records: await ledgerSide(db, period),
        processor: await processorSide(db, run, period),
      }),
      { timeout: 120_000 },
    );
    const report = reconcile({
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      ledger: records,
      processor,
      platform,
      dateWindowDays: WINDOW_DAYS,
    });
    const count = (s: string) => report.lines.filter((l) => l.status === s).length;
    await dataLayer().withTenant(
      tenantId,
      async (db) => {
        await reconciliation.insertLines(
          db,
          runId,
          report.lines.map((l, i) => lineRow(l, i + 1)),
        );
        await reconciliation.updateRun(db, runId, {
          status: "completed",
          matched: count("matched"),
          mismatched: count("mismatch"),
          missingInLedger: count("missing_in_ledger"),
          missingExternally: count("missing_in_processor") + count("missing_on_platform"),
          summary: report.summary.map((s) => ({
            ...s,
            ledgerTotal: s.ledgerTotal.toString(),
            externalTotal: s.externalTotal.toString(),
            difference: s.difference.toString(),
          })) as never,
          finishedAt: new Date(),
        });
        await recordAudit(db, {
          actor: { type: "system", label: "reconciliation" },
          action: "reconciliation.completed",
          target: { type: "reconciliation_run", id: runId },
          after: {
            lines: report.lines.length,
            matched: count("matched"),
            mismatched: count("mismatch"),
            missingInLedger: count("missing_in_ledger"),
          },
        });
      },
      { timeout: 120_000 },
    );
  } catch (e) {
    opts.log?.warn({ runId, err: (e as Error).message }, "reconciliation run failed");
    // Bad input (a malformed statement, a refused key) fails the run; anything else is retried.
    const final = isAppError(e) && (e.code === "VALIDATION" || e.code === "PRECONDITION_FAILED");
    await dataLayer().withTenant(tenantId, (db) =>
      reconciliation.updateRun(db, runId, {
        status: final ? "failed" : "queued",
        error: (e as Error).message.slice(0, 1000),
        ...(final ? { finishedAt: new Date() } : {}),
      }),
    );
    if (final) return;
    throw e;
  }
}

// --- reading reports --------------------------------------------------------------------------

export async function listReconciliationRuns(principal: StaffPrincipal) {
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, (db) => reconciliation.listRuns(db, 50));
}

const lineStatuses = [
  "matched",
  "mismatch",
  "missing_in_ledger",
  "missing_in_processor",
  "missing_on_platform",
] as const;

export const reportFilterSchema = z.object({
  status: z.enum(lineStatuses).optional(),
  pair: z.enum(["processor", "platform"]).optional(),
  problems: z.enum(["1"]).optional(),
});

function toLine(r: Awaited<ReturnType<typeof reconciliation.listLines>>[number]): ReconciliationLine {
  return {
    pair: r.pair as ReconciliationLine["pair"],
    status: r.status as ReconciliationLine["status"],
    matchedBy: r.matchedBy as ReconciliationLine["matchedBy"],
    mismatched: r.mismatched ? (r.mismatched.split(" ") as ReconciliationLine["mismatched"]) : [],
    category: r.category as ReconciliationLine["category"],
    currency: r.currency,
    date: r.date,
    reference: r.reference,
    ledgerAmount: r.ledgerAmount,
    externalAmount: r.externalAmount,
    difference: r.difference,
    drill: {
      ...(r.transferKey ? { transferKey: r.transferKey } : {}),
      ...(r.payoutId ? { payoutId: r.payoutId } : {}),
      ...(r.orderId ? { orderId: r.orderId } : {}),
      ...(r.paymentId ? { paymentId: r.paymentId } : {}),
      ...(r.traderId ? { traderId: r.traderId } : {}),
      ...(r.tradingAccountId ? { tradingAccountId: r.tradingAccountId } : {}),
      ...(r.processorRecordId ? { processorRecordId: r.processorRecordId } : {}),
      ...(r.platformAdjustmentId ? { platformAdjustmentId: r.platformAdjustmentId } : {}),
      ...(r.platformAccountId ? { platformAccountId: r.platformAccountId } : {}),
    },
  };
}

/** A stored report with its lines (filtered) and where each line leads. */
export async function reconciliationReport(principal: StaffPrincipal, runId: unknown, filter: unknown = {}) {
  const id = validate(z.string().uuid("Unknown reconciliation run."), runId);
  const f = validate(reportFilterSchema, filter);
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const run = await reconciliation.findRun(db, id);
    if (!run) throw new AppError("NOT_FOUND", "That reconciliation run does not exist.");
    const statuses = f.status
      ? [f.status]
      : f.problems
        ? lineStatuses.filter((s) => s !== "matched")
        : undefined;
    const rows = await reconciliation.listLines(db, id, { statuses, pair: f.pair, take: 2000 });
    const accounts = new Map(
      (await reconciliation.listPlatformAccounts(db)).map((a) => [a.id, a.challengeId]),
    );
    const { statementCsv: _csv, platformRecords: _platform, ...meta } = run;
    return {
      run: meta,
      filter: f,
      summary: (run.summary as Array<Record<string, string | number>>).map((s) => ({
        pair: String(s.pair),
        currency: String(s.currency),
        matched: Number(s.matched),
        mismatched: Number(s.mismatched),
        missingInLedger: Number(s.missingInLedger),
        missingExternally: Number(s.missingExternally),
        ledgerTotal: displayMoney(BigInt(s.ledgerTotal as string), s.currency as string),
        externalTotal: displayMoney(BigInt(s.externalTotal as string), s.currency as string),
        difference: displayMoney(BigInt(s.difference as string), s.currency as string),
      })),
      lines: rows.map((r) => ({
        lineNo: r.lineNo,
        ...toLine(r),
        ledgerAmountText: r.ledgerAmount === null ? "" : displayMoney(r.ledgerAmount, r.currency),
        externalAmountText: r.externalAmount === null ? "" : displayMoney(r.externalAmount, r.currency),
        differenceText: displayMoney(r.difference, r.currency),
        // The platform side names accounts by our trading-account id (mapped from the platform's).
        challengeId: accounts.get(r.tradingAccountId ?? r.platformAccountId ?? "") ?? null,
      })),
    };
  });
}

/** The report as CSV (every line, or the summary), for spreadsheets and auditors. */
export async function reconciliationCsv(
  principal: StaffPrincipal,
  runId: unknown,
  kind: "lines" | "summary" = "lines",
) {
  const id = validate(z.string().uuid("Unknown reconciliation run."), runId);
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const run = await reconciliation.findRun(db, id);
    if (!run) throw new AppError("NOT_FOUND", "That reconciliation run does not exist.");
    const rows = await reconciliation.listLines(db, id);
    const report: ReconciliationReport = {
      period: { from: run.periodFrom.toISOString(), to: run.periodTo.toISOString() },
      lines: rows.map(toLine),
      summary: (run.summary as Array<Record<string, unknown>>).map((s) => ({
        pair: s.pair as "processor" | "platform",
        currency: s.currency as string,
        matched: s.matched as number,
        mismatched: s.mismatched as number,
        missingInLedger: s.missingInLedger as number,
        missingExternally: s.missingExternally as number,
        ledgerTotal: BigInt(s.ledgerTotal as string),
        externalTotal: BigInt(s.externalTotal as string),
        difference: BigInt(s.difference as string),
      })),
    };
    const day = (d: Date) => d.toISOString().slice(0, 10);
    return {
      fileName: `reconciliation-${day(run.periodFrom)}-${day(run.periodTo)}${kind === "summary" ? "-summary" : ""}.csv`,
      csv: kind === "summary" ? reconciliationSummaryToCsv(report) : reconciliationToCsv(report),
    };
  });
}
