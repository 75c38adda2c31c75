import type { PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";
import { asTenantSql, type TenantSql } from "../sql-unit-of-work";

export function insertOutbox(
  db: TenantDb | PlatformDb,
  tenantId: string,
  row: { jobName: string; jobVersion: number; payload: Prisma.InputJsonValue; availableAt?: Date },
) {
  return db.outboxEvent.create({
    data: {
      tenantId,
      jobName: row.jobName,
      jobVersion: row.jobVersion,
      payload: row.payload,
      availableAt: row.availableAt ?? new Date(),
    },
  });
}

/** Many outbox rows of the caller's tenant in one statement, in its unit of work (a burst of transitions). */
export async function insertOutboxRows(
  db: TenantDb | TenantSql,
  rows: ReadonlyArray<{
    jobName: string;
    jobVersion: number;
    payload: Prisma.InputJsonValue;
    availableAt?: Date;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  const sql = asTenantSql(db);
  await sql.execute(
    `INSERT INTO outbox (tenant_id, job_name, job_version, payload, available_at)
    SELECT $1::uuid, x.n, x.v, x.p, coalesce(x.a, now())
    FROM unnest($2::text[], $3::int[], $4::jsonb[], $5::timestamptz[]) AS x(n, v, p, a)`,
    [
      sql.tenantId,
      rows.map((r) => r.jobName),
      rows.map((r) => r.jobVersion),
      rows.map((r) => JSON.stringify(r.payload)),
      rows.map((r) => r.availableAt ?? null),
    ],
  );
}

export interface PendingOutboxRow {
  tenant_id: string;
  id: string;
  job_name: string;
  job_version: number;
  payload: unknown;
  created_at: Date;
}

/**
 * Locks up to `limit` committed, undispatched rows that are due, skipping rows another relay holds,
 * so several relays can run side by side. Call inside a platform unit of work and mark them
 * dispatched before it commits.
 */
export function claimPendingOutbox(db: PlatformDb, limit: number) {
  return db.$queryRaw<PendingOutboxRow[]>`
    SELECT tenant_id::text AS tenant_id, id::text AS id, job_name, job_version, payload, created_at
    FROM outbox
    WHERE dispatched_at IS NULL AND available_at <= now()
    ORDER BY available_at
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
}

export function markOutboxDispatched(db: PlatformDb, rows: Array<{ tenant_id: string; id: string }>) {
  if (rows.length === 0) return Promise.resolve(0);
  return db.$executeRaw`
    UPDATE outbox o SET dispatched_at = now()
    FROM unnest(${rows.map((r) => r.tenant_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]) AS x(tenant_id, id)
    WHERE o.tenant_id = x.tenant_id AND o.id = x.id`;
}

export async function countPendingOutbox(db: PlatformDb): Promise<number> {
  const [r] = await db.$queryRaw<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`;
  return r?.n ?? 0;
}

/** The next time a not-yet-due row becomes due (so the relay can sleep until then). */
export async function nextOutboxDue(db: PlatformDb): Promise<Date | null> {
  const [r] = await db.$queryRaw<
    { at: Date | null }[]
  >`SELECT min(available_at) AS at FROM outbox WHERE dispatched_at IS NULL`;
  return r?.at ?? null;
}
