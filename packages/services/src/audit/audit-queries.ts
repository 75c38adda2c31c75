import { audit, dataLayer } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { can } from "@propdesk/domain/access";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Use a date like 2026-11-24." });
      return z.NEVER;
    }
    return d;
  });

export const auditFilterSchema = z.object({
  from: optionalDate,
  to: optionalDate,
  action: z
    .string()
    .trim()
    .max(80)
    .optional()
    .transform((v) => v || undefined),
  actor: z
    .string()
    .trim()
    .max(80)
    .optional()
    .transform((v) => v || undefined),
  target: z
    .string()
    .trim()
    .max(80)
    .optional()
    .transform((v) => v || undefined),
  desk: z
    .string()
    .uuid("Unknown desk.")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  before: z
    .string()
    .regex(/^\d+$/, "Not a page marker.")
    .optional()
    .transform((v) => (v ? BigInt(v) : undefined)),
});

export type AuditFilterInput = z.input<typeof auditFilterSchema>;

export interface AuditRow {
  seq: string;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  deskId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  hash: string;
}

/**
 * The audit trail as this staff member may read it: everything for tenant-wide readers; for
 * desk-limited readers only the events of their desks.
 */
export async function searchAudit(
  principal: StaffPrincipal,
  input: unknown,
  limit: number,
): Promise<{ rows: AuditRow[]; nextBefore: string | null }> {
  requirePermission(principal, "audit.view");
  const f = validate(auditFilterSchema, input);
  if (f.desk && principal.deskIds !== null && !principal.deskIds.includes(f.desk))
    throw new AppError("FORBIDDEN", "You cannot read that desk's audit trail.");
  const rows = await dataLayer().withTenant(principal.tenantId, (db) =>
    audit.listAuditEvents(
      db,
      {
        from: f.from,
        to: f.to,
        action: f.action,
        actorId: f.actor,
        targetId: f.target,
        deskId: f.desk,
        deskIds: principal.deskIds,
      },
      { limit: limit + 1, beforeSeq: f.before },
    ),
  );
  const page = rows.slice(0, limit);
  return {
    rows: page.map((r) => ({ ...r, seq: r.seq.toString() })),
    nextBefore: rows.length > limit ? page.at(-1)!.seq.toString() : null,
  };
}

const csvCell = (v: unknown) => {
  const s =
    v === null || v === undefined
      ? ""
      : typeof v === "string"
        ? v
        : v instanceof Date
          ? v.toISOString()
          : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** CSV (RFC 4180) of the filtered trail, newest first, up to `max` rows. */
export async function exportAuditCsv(
  principal: StaffPrincipal,
  input: unknown,
  max = 100_000,
): Promise<string> {
  requirePermission(principal, "audit.export");
  if (!can(principal, "audit.view")) throw new AppError("FORBIDDEN", "You cannot read the audit trail.");
  const header = [
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor",
    "desk_id",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "request_id",
    "ip",
    "user_agent",
    "hash",
  ];
  const lines = [header.join(",")];
  let before: string | undefined;
  let total = 0;
  const base = (input ?? {}) as Record<string, unknown>;
  for (;;) {
    const page = await searchAudit(principal, { ...base, before }, 1000);
    for (const r of page.rows) {
      lines.push(
        [
          r.seq,
          r.occurredAt,
          r.actorType,
          r.actorId,
          r.actorLabel,
          r.deskId,
          r.action,
          r.targetType,
          r.targetId,
          r.before,
          r.after,
          r.requestId,
          r.ip,
          r.userAgent,
          r.hash,
        ]
          .map(csvCell)
          .join(","),
      );
      if (++total >= max) break;
    }
    if (!page.nextBefore || total >= max) break;
    before = page.nextBefore;
  }
  return `${lines.join("\r\n")}\r\n`;
}
