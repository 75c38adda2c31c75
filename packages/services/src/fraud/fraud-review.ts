import { dataLayer, fraud, type TenantDb, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";

/** Fraud flags as compliance reviews them: the open list, and a decision with a note. */

async function visible(db: TenantDb, principal: StaffPrincipal, traderId: string) {
  if (principal.deskIds === null) return true;
  const t = await traders.findTrader(db, traderId);
  return !!t && t.desks.some((d) => principal.deskIds!.includes(d.deskId));
}

export const fraudQueueSchema = z.object({
  status: z
    .enum(["open", "confirmed", "dismissed", "cleared"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export async function fraudFlagQueue(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "screening.review");
  const f = validate(fraudQueueSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const rows = await fraud.listFlags(db, { statuses: [f.status ?? "open"], take: 300 });
    const names = new Map<string, { name: string; email: string }>();
    const out = [];
    for (const r of rows) {
      if (!(await visible(db, principal, r.traderId))) continue;
      for (const id of [r.traderId, ...r.relatedTraderIds]) {
        if (names.has(id)) continue;
        const t = await traders.findTrader(db, id);
        if (t) names.set(id, { name: t.name, email: t.email });
      }
      out.push({
        id: r.id,
        trader: { id: r.traderId, ...(names.get(r.traderId) ?? { name: "?", email: "" }) },
        kind: r.kind,
        severity: r.severity,
        reason: r.reason,
        related: r.relatedTraderIds.map((id) => ({ id, name: names.get(id)?.name ?? id })),
        status: r.status,
        firstDetectedAt: r.firstDetectedAt,
        lastDetectedAt: r.lastDetectedAt,
      });
    }
    const rank = { high: 0, medium: 1, low: 2 } as Record<string, number>;
    out.sort(
      (a, b) =>
        (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) ||
        b.lastDetectedAt.getTime() - a.lastDetectedAt.getTime(),
    );
    return { rows: out, status: f.status ?? "open" };
  });
}

/** A trader's flags (every status), for the trader page and a payout review. */
export async function traderFraudFlags(principal: StaffPrincipal, traderId: unknown) {
  requirePermission(principal, "traders.view");
  const id = validate(z.string().uuid("Unknown trader."), traderId, "trader");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await visible(db, principal, id))) throw new AppError("NOT_FOUND", "That trader does not exist.");
    const [flags, access] = await Promise.all([
      fraud.listFlags(db, { traderId: id, take: 50 }),
      fraud.listAccessEvents(db, id, 20),
    ]);
    const relatedIds = [...new Set(flags.flatMap((f) => f.relatedTraderIds))];
    const related = new Map<string, string>();
    for (const r of relatedIds) {
      const t = await traders.findTrader(db, r);
      if (t) related.set(r, t.name);
    }
    return {
      flags: flags.map((f) => ({
        id: f.id,
        kind: f.kind,
        severity: f.severity,
        reason: f.reason,
        evidence: f.evidence,
        status: f.status,
        related: f.relatedTraderIds.map((r) => ({ id: r, name: related.get(r) ?? r })),
        lastDetectedAt: f.lastDetectedAt,
        reviewedBy: f.reviewedByLabel,
        reviewNote: f.reviewNote,
      })),
      access: access.map((a) => ({ kind: a.kind, ip: a.ip, deviceId: a.deviceId, at: a.occurredAt })),
    };
  });
}

export const fraudDecisionSchema = z.object({
  decision: z.enum(["dismiss", "confirm"], { message: "Dismiss or confirm the flag." }),
  note: z.string().trim().min(5, "Say what you found (at least 5 characters).").max(2000),
});

export async function decideFraudFlag(principal: StaffPrincipal, flagId: unknown, input: unknown) {
  requirePermission(principal, "screening.review");
  const id = validate(z.string().uuid("Unknown flag."), flagId, "flag");
  const form = validate(fraudDecisionSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const flag = await fraud.findFlag(db, id);
    if (!flag || !(await visible(db, principal, flag.traderId)))
      throw new AppError("NOT_FOUND", "That flag does not exist.");
    const status = form.decision === "dismiss" ? "dismissed" : "confirmed";
    await fraud.updateFlag(db, id, {
      status,
      reviewedByLabel: principal.email,
      reviewNote: form.note,
      reviewedAt: new Date(),
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: `fraud.flag_${status}`,
      target: { type: "trader", id: flag.traderId },
      before: { status: flag.status },
      after: { flag: id, kind: flag.kind, status, note: form.note },
    });
    return { status };
  });
}
