import { challenges, dataLayer, desks, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { desksWith } from "@propdesk/domain/access";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { challengeSummary } from "../challenges/challenge-queries";
import { requirePermission } from "../staff/require-permission";

export const traderSearchSchema = z.object({
  q: z
    .string()
    .trim()
    .max(120)
    .optional()
    .transform((v) => v || undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});

/** Traders of the desks this staff member may see (a trader of several desks appears once). */
export async function listTradersForStaff(principal: StaffPrincipal, input: unknown, pageSize = 50) {
  requirePermission(principal, "traders.view");
  const f = validate(traderSearchSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "traders.view",
      all.map((d) => d.id),
    );
    const rows = await traders.listTraders(db, {
      deskIds: principal.deskIds === null ? null : visible,
      search: f.q,
      take: pageSize + 1,
      skip: (f.page - 1) * pageSize,
    });
    const deskName = new Map(all.map((d) => [d.id, d.name]));
    return {
      rows: rows.slice(0, pageSize).map((t) => ({
        id: t.id,
        name: t.name,
        email: t.email,
        country: t.country,
        status: t.status,
        createdAt: t.createdAt,
        desks: t.desks.map((d) => deskName.get(d.deskId) ?? "—"),
        challenges: t._count.challenges,
      })),
      hasMore: rows.length > pageSize,
      page: f.page,
    };
  });
}

export async function traderForStaff(principal: StaffPrincipal, traderId: unknown) {
  const id = validate(z.string().uuid("Unknown trader."), traderId, "trader");
  requirePermission(principal, "traders.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const trader = await traders.findTrader(db, id);
    const visible = principal.deskIds;
    if (!trader || (visible !== null && !trader.desks.some((d) => visible.includes(d.deskId))))
      throw new AppError("NOT_FOUND", "That trader does not exist.");
    const list = await challenges.listChallenges(db, { deskIds: visible, traderId: id, take: 200 });
    return {
      trader: {
        id: trader.id,
        name: trader.name,
        email: trader.email,
        country: trader.country,
        timezone: trader.timezone,
        status: trader.status,
        createdAt: trader.createdAt,
        lastLoginAt: trader.lastLoginAt,
        deskIds: trader.desks.map((d) => d.deskId),
      },
      challenges: list.map(challengeSummary),
    };
  });
}
