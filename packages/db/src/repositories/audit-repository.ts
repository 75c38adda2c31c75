import type { PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";
import { asTenantSql, type TenantSql } from "../sql-unit-of-work";

export interface AuditInsert {
  actorType: "staff" | "platform_admin" | "trader" | "affiliate" | "system" | "provider";
  actorId: string | null;
  actorLabel: string | null;
  deskId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

const jsonOrNull = (v: Prisma.InputJsonValue | null) => (v === null ? undefined : v);

/** Inserts one audit event; the database assigns seq, prev_hash and hash (see the foundation migration). */
export function insertAuditEvent(db: TenantDb | PlatformDb, tenantId: string, e: AuditInsert) {
  return db.auditEvent.create({
    data: { ...e, tenantId, before: jsonOrNull(e.before), after: jsonOrNull(e.after) },
  });
}

/**
 * Many events in one statement (batch actions), in the given order: the chain trigger links each
 * row to the previous one. Plain SQL over arrays: thousands of rows in one round trip.
 */
export async function insertAuditEvents(
  db: TenantDb | TenantSql,
  events: readonly AuditInsert[],
): Promise<void> {
  if (events.length === 0) return;
  const sql = asTenantSql(db);
  const json = (v: Prisma.InputJsonValue | null) => (v === null ? null : JSON.stringify(v));
  await sql.execute(
    `INSERT INTO audit_events (tenant_id, actor_type, actor_id, actor_label, desk_id, action, target_type, target_id,
        before, after, request_id, ip, user_agent)
      SELECT $1::uuid, e.actor_type, e.actor_id, e.actor_label, e.desk_id, e.action, e.target_type, e.target_id,
        e.before, e.after, e.request_id, e.ip, e.user_agent
      FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::jsonb[],
        $10::jsonb[], $11::text[], $12::text[], $13::text[])
        WITH ORDINALITY AS e(actor_type, actor_id, actor_label, desk_id, action, target_type, target_id, before, after,
          request_id, ip, user_agent, ord)
      ORDER BY e.ord`,
    [
      sql.tenantId,
      events.map((e) => e.actorType),
      events.map((e) => e.actorId),
      events.map((e) => e.actorLabel),
      events.map((e) => e.deskId),
      events.map((e) => e.action),
      events.map((e) => e.targetType),
      events.map((e) => e.targetId),
      events.map((e) => json(e.before)),
      events.map((e) => json(e.after)),
      events.map((e) => e.requestId),
      events.map((e) => e.ip),
      events.map((e) => e.userAgent),
    ],
  );
}

export function insertPlatformAuditEvent(db: PlatformDb, e: Omit<AuditInsert, "deskId">) {
  return db.platformAuditEvent.create({
    // seq, prev_hash and hash are filled by the chain trigger; the placeholders never reach the table.
    data: { ...e, before: jsonOrNull(e.before), after: jsonOrNull(e.after), seq: 0n, prevHash: "", hash: "" },
  });
}

export interface AuditFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  action?: string | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  /** Desks the reader may see; events without a desk are only for tenant-wide readers. */
  deskIds: readonly string[] | null;
  deskId?: string | undefined;
}

function auditWhere(f: AuditFilter): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.from) and.push({ occurredAt: { gte: f.from } });
  if (f.to) and.push({ occurredAt: { lt: f.to } });
  if (f.action) and.push({ action: { startsWith: f.action } });
  if (f.actorId) and.push({ actorId: f.actorId });
  if (f.targetId) and.push({ targetId: f.targetId });
  if (f.deskId) and.push({ deskId: f.deskId });
  if (f.deskIds !== null) and.push({ deskId: { in: [...f.deskIds] } });
  return { AND: and };
}

export function listAuditEvents(
  db: TenantDb,
  filter: AuditFilter,
  page: { limit: number; beforeSeq?: bigint | undefined },
) {
  return db.auditEvent.findMany({
    where: { ...auditWhere(filter), ...(page.beforeSeq ? { seq: { lt: page.beforeSeq } } : {}) },
    orderBy: { seq: "desc" },
    take: page.limit,
  });
}

export function distinctAuditActions(db: TenantDb) {
  return db.auditEvent.findMany({
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
}

/** One link of a chain as the text its hash covers, read back from the stored columns. */
export interface ChainRow {
  scope: string;
  seq: bigint;
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  desk_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: string | null;
  after: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

/** A page of a tenant's chain in seq order, with JSON as PostgreSQL's canonical jsonb text. */
export function readTenantChain(db: PlatformDb, tenantId: string, afterSeq: bigint, limit: number) {
  return db.$queryRaw<ChainRow[]>`
    SELECT tenant_id::text AS scope, seq, id::text AS id,
      to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
      actor_type, actor_id, actor_label, desk_id::text AS desk_id, action, target_type, target_id,
      before::text AS before, after::text AS after, request_id, ip, user_agent, prev_hash, hash
    FROM audit_events WHERE tenant_id = ${tenantId}::uuid AND seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`;
}

export function readPlatformChain(db: PlatformDb, afterSeq: bigint, limit: number) {
  return db.$queryRaw<ChainRow[]>`
    SELECT 'platform' AS scope, seq, id::text AS id,
      to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
      actor_type, actor_id, actor_label, NULL::text AS desk_id, action, target_type, target_id,
      before::text AS before, after::text AS after, request_id, ip, user_agent, prev_hash, hash
    FROM platform_audit_events WHERE seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`;
}

export function chainHeads(db: PlatformDb) {
  return db.auditChainHead.findMany();
}

export function platformChainHead(db: PlatformDb) {
  return db.platformAuditChainHead.findUnique({ where: { id: true } });
}

export async function tenantsWithAudit(db: PlatformDb): Promise<string[]> {
  const rows = await db.$queryRaw<{ tenant_id: string }[]>`
    SELECT DISTINCT tenant_id::text AS tenant_id FROM audit_events
    UNION SELECT tenant_id::text FROM audit_chain_heads`;
  return rows.map((r) => r.tenant_id);
}
