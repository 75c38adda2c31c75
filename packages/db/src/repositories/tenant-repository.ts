import type { PlatformDb, TenantDb } from "../client";

export function currentTenant(db: TenantDb) {
  return db.tenant.findUnique({ where: { id: db.tenantId } });
}

export function findTenant(db: PlatformDb, tenantId: string) {
  return db.tenant.findUnique({ where: { id: tenantId } });
}

export function findTenantBySlug(db: PlatformDb, slug: string) {
  return db.tenant.findUnique({ where: { slug } });
}

export function createTenantRow(db: PlatformDb, data: { slug: string; name: string }) {
  return db.tenant.create({ data });
}

export function setTenantStatus(
  db: PlatformDb,
  tenantId: string,
  status: "active" | "suspended",
  reason: string | null,
) {
  return db.tenant.update({
    where: { id: tenantId },
    data: {
      status,
      suspendedReason: reason,
      suspendedAt: status === "suspended" ? new Date() : null,
      updatedAt: new Date(),
    },
  });
}

/** Every tenant with its desks (and their domains) and its staff counts, for the platform console. */
export function listTenantsWithDesks(db: PlatformDb) {
  return db.tenant.findMany({
    orderBy: { createdAt: "desc" },
    include: {
      desks: { orderBy: { name: "asc" }, include: { domains: { orderBy: { hostname: "asc" } } } },
      // Open invitations only: not yet accepted, not revoked, not expired.
      _count: {
        select: {
          invitations: { where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } },
        },
      },
      staffUsers: { select: { status: true } },
    },
  });
}
