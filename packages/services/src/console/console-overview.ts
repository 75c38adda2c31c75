import { audit, dataLayer, desks, staff, tenants } from "@propdesk/db";
import { can, desksWith } from "@propdesk/domain/access";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";

export interface DeskSummary {
  id: string;
  name: string;
  hostnames: string[];
  primaryColor: string;
  staffWithAccess: number;
  auditEvents7d: number;
}

export interface ConsoleOverview {
  tenantName: string;
  consolidated: boolean;
  desks: DeskSummary[];
  totals: { desks: number; staff: number; auditEvents7d: number };
  recent: Array<{
    seq: string;
    occurredAt: Date;
    actorLabel: string | null;
    action: string;
    deskId: string | null;
  }>;
}

/** The dashboard: per-desk figures for the desks the user may see, and a consolidated row for owners. */
export async function consoleOverview(principal: StaffPrincipal): Promise<ConsoleOverview> {
  requirePermission(principal, "console.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [tenant, allDesks, users] = await Promise.all([
      tenants.currentTenant(db),
      desks.listDesks(db),
      staff.listStaff(db),
    ]);
    const visible = new Set(
      desksWith(
        principal,
        "console.view",
        allDesks.map((d) => d.id),
      ),
    );
    const since = new Date(Date.now() - 7 * 24 * 3600 * 1000);
    const deskIds = [...visible];
    const recentRows = can(principal, "audit.view")
      ? await audit.listAuditEvents(db, { from: since, deskIds: principal.deskIds }, { limit: 200 })
      : [];
    const activeUsers = users.filter((u) => u.status === "active");
    const summaries = allDesks
      .filter((d) => visible.has(d.id))
      .map((d) => ({
        id: d.id,
        name: d.name,
        hostnames: d.domains.map((x) => x.hostname),
        primaryColor: d.primaryColor,
        staffWithAccess: activeUsers.filter(
          (u) => u.membership && (u.membership.allDesks || u.membership.desks.some((x) => x.deskId === d.id)),
        ).length,
        auditEvents7d: recentRows.filter((r) => r.deskId === d.id).length,
      }));
    return {
      tenantName: tenant?.name ?? "",
      consolidated: principal.deskIds === null && deskIds.length > 1,
      desks: summaries,
      totals: { desks: summaries.length, staff: activeUsers.length, auditEvents7d: recentRows.length },
      recent: recentRows.slice(0, 10).map((r) => ({
        seq: r.seq.toString(),
        occurredAt: r.occurredAt,
        actorLabel: r.actorLabel,
        action: r.action,
        deskId: r.deskId,
      })),
    };
  });
}
