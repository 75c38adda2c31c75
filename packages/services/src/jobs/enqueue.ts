import { outbox, type PlatformDb, type TenantDb } from "@propdesk/db";
import type { TenantSql } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import { currentRequestContext } from "../request/request-context";
import type { JobDefinition, JobPayload } from "./define-job";

/**
 * Schedules a job by writing an outbox row in the caller's unit of work: the job exists if and only
 * if the state change that caused it commits. The worker's relay turns the row into a BullMQ job.
 */
export function enqueue<J extends JobDefinition>(
  db: TenantDb,
  job: J,
  payload: JobPayload<J>,
  opts: { availableAt?: Date } = {},
): Promise<string> {
  return enqueueFor(db, db.tenantId, job, payload, opts);
}

/** Schedules several runs of one job (one outbox statement); each payload is checked first. */
export async function enqueueMany<J extends JobDefinition>(
  db: TenantDb | TenantSql,
  job: J,
  runs: ReadonlyArray<{ payload: JobPayload<J>; availableAt?: Date | undefined }>,
): Promise<void> {
  const requestId = currentRequestContext()?.requestId;
  const rows = runs.map((r) => ({
    jobName: job.name,
    jobVersion: job.version,
    payload: { data: checked(job, r.payload), ...(requestId ? { requestId } : {}) } as never,
    ...(r.availableAt ? { availableAt: r.availableAt } : {}),
  }));
  await outbox.insertOutboxRows(db, rows);
}

function checked<J extends JobDefinition>(job: J, payload: JobPayload<J>): unknown {
  const parsed = job.schema.safeParse(payload);
  if (!parsed.success)
    throw new AppError(
      "VALIDATION",
      `Job ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** The platform console's variant: the tenant is named explicitly. */
export async function enqueueFor<J extends JobDefinition>(
  db: TenantDb | PlatformDb,
  tenantId: string,
  job: J,
  payload: JobPayload<J>,
  opts: { availableAt?: Date } = {},
): Promise<string> {
  const data = checked(job, payload);
  const requestId = currentRequestContext()?.requestId;
  const row = await outbox.insertOutbox(db, tenantId, {
    jobName: job.name,
    jobVersion: job.version,
    payload: { data, ...(requestId ? { requestId } : {}) } as never,
    ...(opts.availableAt ? { availableAt: opts.availableAt } : {}),
  });
  return row.id;
}
