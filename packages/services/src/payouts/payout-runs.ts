import { dataLayer, payouts, staff } from "@propdesk/db";
import { AdvisoryClaims } from "@propdesk/db/listen-payload";
import { AppError, validate } from "@propdesk/domain";
import { isStaffRole, type MembershipAccess } from "@propdesk/domain/access";
import { z } from "zod";
import { type Actor, recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { enqueue } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { requirePermission } from "../staff/require-permission";
import { runPayoutBatch } from "./payout-jobs";
import { destinationsFor, loadRails, type SendJob, sendAttempts } from "./payout-rails";
import {
  approvePayoutsInDb,
  reserveAttemptsInDb,
  type StepOutcome,
  settleAttemptsInDb,
} from "./payout-workflow";

/*
 * Batch approval and disbursement: a run lists its payouts; a job works through them in chunks,
 * each chunk one unit of work per step, recording every item's outcome and the run's progress as
 * it goes (the console polls it). A single "Disburse" is a run of one, so the same code (and the
 * same crash safety) serves both.
 *
 * Crash safety: an item stays queued until its outcome is recorded in the same unit of work as the
 * step that produced it. After a crash the job runs again: approvals already given are refused
 * as duplicates by the domain, attempts already reserved are resumed with the same rail key (the
 * rail answers with its first result), and attempts already settled are skipped. Every payout is
 * paid exactly once.
 */

export const startRunSchema = z.object({
  kind: z.enum(["approve", "disburse"], { error: "Choose approve or disburse." }),
  payoutIds: z
    .array(z.string().uuid("Each payout id must be a UUID."), { error: "Choose at least one payout." })
    .min(1, "Choose at least one payout.")
    .max(20_000, "At most 20,000 payouts per run."),
});

export async function startPayoutRun(principal: StaffPrincipal, input: unknown) {
  const form = validate(startRunSchema, input);
  requirePermission(principal, form.kind === "approve" ? "payouts.approve" : "payouts.disburse");
  const ids = [...new Set(form.payoutIds)];
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const run = await payouts.createRun(db, {
      kind: form.kind,
      requestedById: principal.userId,
      requestedByLabel: principal.email,
      payoutIds: ids,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: `payout.run_${form.kind}_started`,
      target: { type: "payout_run", id: run.id },
      after: { payouts: ids.length },
    });
    await enqueue(db, runPayoutBatch, { runId: run.id });
    return run;
  });
}

export async function payoutRunProgress(principal: StaffPrincipal, runId: unknown) {
  const id = validate(z.string().uuid("Unknown run."), runId);
  requirePermission(principal, "payouts.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const run = await payouts.findRun(db, id);
    if (!run) throw new AppError("NOT_FOUND", "That payout run does not exist.");
    const failures = await payouts.listRunItems(db, id, { status: "failed", take: 200 });
    const refs = new Map(
      (
        await payouts.findPayouts(
          db,
          failures.map((f) => f.payoutId),
        )
      ).map((p) => [p.id, p.reference]),
    );
    return {
      id: run.id,
      kind: run.kind,
      status: run.status,
      total: run.total,
      done: run.done,
      succeeded: run.succeeded,
      failed: run.failed,
      percent: run.total === 0 ? 100 : Math.floor((run.done * 100) / run.total),
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      requestedBy: run.requestedByLabel,
      failures: failures.map((f) => ({
        payoutId: f.payoutId,
        reference: refs.get(f.payoutId) ?? f.payoutId,
        message: f.message,
      })),
    };
  });
}

async function accessOf(
  tenantId: string,
  userId: string,
): Promise<{ access: MembershipAccess; label: string }> {
  return dataLayer().withTenant(tenantId, async (db) => {
    const user = await staff.findStaffById(db, userId);
    const m = user?.membership;
    if (!user || user.status !== "active" || !m || !isStaffRole(m.role))
      throw new AppError("FORBIDDEN", "The staff user who started this run can no longer act in this firm.");
    return {
      access: { role: m.role, deskIds: m.allDesks ? null : m.desks.map((d) => d.deskId) },
      label: user.email,
    };
  });
}

export interface RunOptions {
  chunkSize?: number;
  concurrency?: number;
  now?: () => Date;
  log?: Logger;
}

/** Works through a run until every item has an outcome. Safe to call again after a crash. */
export async function processPayoutRun(
  tenantId: string,
  runId: string,
  opts: RunOptions = {},
): Promise<void> {
  // One execution of a run at a time: BullMQ runs a job again when its lock lapses (a worker's
  // event loop held too long, or the worker killed). A session advisory lock is released when its
  // connection ends, so a dead worker's run is taken up; a live one's is left to it.
  const claims = new AdvisoryClaims();
  try {
    if (!(await claims.tryClaim(`payout-run:${runId}`, 0))) {
      opts.log?.info({ runId }, "payout run already being processed by another execution");
      return;
    }
    await processClaimedRun(tenantId, runId, opts);
  } finally {
    await claims.close();
  }
}

async function processClaimedRun(tenantId: string, runId: string, opts: RunOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const run = await dataLayer().withTenant(tenantId, (db) => payouts.findRun(db, runId));
  if (!run) throw new AppError("NOT_FOUND", `Payout run ${runId} does not exist.`);
  // About twenty progress steps for a small run, chunks of 250 for a large one.
  const chunkSize = opts.chunkSize ?? Math.min(250, Math.max(10, Math.ceil(run.total / 20)));
  if (run.status === "completed") return;
  let who: Awaited<ReturnType<typeof accessOf>>;
  try {
    who = await accessOf(tenantId, run.requestedById);
    if (!isAllowed(who.access, run.kind === "approve" ? "payouts.approve" : "payouts.disburse"))
      throw new AppError("FORBIDDEN", "The staff user who started this run may no longer act on payouts.");
  } catch (e) {
    // The starter lost their access: nothing more is done; what is left is closed as not done.
    if (!(e instanceof AppError && e.code === "FORBIDDEN")) throw e;
    await dataLayer().withTenant(tenantId, async (db) => {
      const left = await payouts.nextRunItems(db, runId, 100_000);
      await payouts.finishRunItems(
        db,
        runId,
        left.map((i) => ({ payoutId: i.payoutId, ok: false, message: e.message })),
      );
      await payouts.updateRun(db, runId, { status: "completed", finishedAt: new Date() });
    });
    return;
  }
  const actor: Actor = { type: "staff", id: run.requestedById, label: who.label };
  const rails = run.kind === "disburse" ? await dataLayer().withTenant(tenantId, (db) => loadRails(db)) : {};
  let unreachable = 0;
  for (;;) {
    const chunk = await dataLayer().withTenant(tenantId, (db) => payouts.nextRunItems(db, runId, chunkSize));
    // Items whose rail could not be reached stay queued; stop when only those remain.
    const ids = chunk.map((i) => i.payoutId);
    if (ids.length === 0) break;
    if (run.kind === "approve") {
      await dataLayer().withTenant(
        tenantId,
        async (db) => {
          const outcomes = await approvePayoutsInDb(
            db,
            { userId: run.requestedById, label: who.label, access: who.access },
            ids,
            now(),
          );
          await payouts.finishRunItems(db, runId, outcomes);
        },
        { timeout: 120_000 },
      );
      continue;
    }
    const step = await dataLayer().withTenant(
      tenantId,
      async (db) => {
        const r = await reserveAttemptsInDb(db, actor, ids, now(), { access: who.access });
        const bank = r.reserved.filter((a) => a.rail === "bank_wire");
        await payouts.finishRunItems(db, runId, [
          ...r.refused,
          ...bank.map(
            (a): StepOutcome => ({
              payoutId: a.payoutId,
              ok: true,
              message: `${a.reference}: reserved; it goes out in the next bank wire file.`,
            }),
          ),
        ]);
        const sendable = r.reserved.filter((a) => a.rail !== "bank_wire");
        const destinations = await destinationsFor(db, [...new Set(sendable.map((a) => a.destinationId))]);
        const jobs: SendJob[] = sendable.map((a) => ({
          attempt: a,
          destination: destinations.get(a.destinationId)!,
          description: `Payout ${a.reference}`,
        }));
        return jobs;
      },
      { timeout: 120_000 },
    );
    if (step.length === 0) continue;
    const report = await sendAttempts(rails, step, { concurrency: opts.concurrency ?? 16 });
    await dataLayer().withTenant(
      tenantId,
      async (db) => {
        const outcomes = await settleAttemptsInDb(db, actor, report.results, now());
        await payouts.finishRunItems(db, runId, outcomes);
      },
      { timeout: 120_000 },
    );
    if (report.unreachable.length > 0) {
      unreachable = report.unreachable.length;
      opts.log?.warn(
        { runId, unreachable, first: report.unreachable[0]?.message },
        "payout rail unreachable",
      );
      break;
    }
  }
  if (unreachable > 0)
    throw new AppError(
      "EXTERNAL_FAILURE",
      `${unreachable} payout${unreachable === 1 ? "" : "s"} of run ${runId} could not reach their rail; the run resumes with the same attempts.`,
    );
  await dataLayer().withTenant(tenantId, (db) =>
    payouts.updateRun(db, runId, { status: "completed", finishedAt: new Date() }),
  );
}

function isAllowed(access: MembershipAccess, permission: "payouts.approve" | "payouts.disburse"): boolean {
  try {
    requirePermission(access, permission);
    return true;
  } catch {
    return false;
  }
}
