import { audit, type PlatformDb, type TenantDb } from "@propdesk/db";
import type { TenantSql } from "@propdesk/db/sql-unit-of-work";
import { currentRequestContext } from "../request/request-context";

export type Actor =
  | { type: "staff"; id: string; label: string }
  | { type: "platform_admin"; id: string; label: string }
  | { type: "trader"; id: string; label: string }
  | { type: "affiliate"; id: string; label: string }
  | { type: "system"; id?: string | undefined; label: string }
  | { type: "provider"; id?: string | undefined; label: string };

export interface AuditEntry {
  actor: Actor;
  action: string;
  deskId?: string | null | undefined;
  target?: { type: string; id: string } | undefined;
  before?: unknown;
  after?: unknown;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Dates, bigints and undefined made JSON-safe; secrets never reach the trail. */
const secretKeys = new Set([
  "passwordHash",
  "password",
  "totpSecret",
  "tokenHash",
  "token",
  "secret",
  "apiKey",
]);
export function toAuditJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toAuditJson);
  if (typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = secretKeys.has(k) ? "[redacted]" : toAuditJson(v);
    }
    return out;
  }
  return value as Json;
}

function row(entry: AuditEntry) {
  const ctx = currentRequestContext();
  const before = entry.before === undefined ? null : toAuditJson(entry.before);
  const after = entry.after === undefined ? null : toAuditJson(entry.after);
  return {
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    actorLabel: entry.actor.label,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    before: before as never,
    after: after as never,
    requestId: ctx?.requestId ?? null,
    ip: ctx?.ip ?? null,
    userAgent: ctx?.userAgent ?? null,
  };
}

/**
 * Records a state-changing action in the tenant's audit trail, inside the caller's unit of work, so
 * the action and its record commit (or roll back) together.
 */
export function recordAudit(db: TenantDb, entry: AuditEntry) {
  return audit.insertAuditEvent(db, db.tenantId, { ...row(entry), deskId: entry.deskId ?? null });
}

/** Records many actions at once (batch approval and disbursement), in the caller's unit of work. */
export function recordAudits(db: TenantDb | TenantSql, entries: readonly AuditEntry[]) {
  return audit.insertAuditEvents(
    db,
    entries.map((entry) => ({ ...row(entry), deskId: entry.deskId ?? null })),
  );
}

/** The platform console writes into the affected tenant's trail and the platform's own. */
export async function recordPlatformAudit(
  db: PlatformDb,
  entry: AuditEntry & { tenantId?: string | undefined },
) {
  const r = row(entry);
  await audit.insertPlatformAuditEvent(db, r);
  if (entry.tenantId)
    await audit.insertAuditEvent(db, entry.tenantId, { ...r, deskId: entry.deskId ?? null });
}
