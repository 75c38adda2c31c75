import type { PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

// Sanctions review state per screened person, and the append-only screening history.

export function findReview(db: TenantDb, subjectType: string, subjectId: string) {
  return db.sanctionsReview.findUnique({
    where: { tenantId_subjectType_subjectId: { tenantId: db.tenantId, subjectType, subjectId } },
  });
}

export function findReviewById(db: TenantDb, id: string) {
  return db.sanctionsReview.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    include: { screenings: { orderBy: { screenedAt: "desc" }, take: 20 } },
  });
}

export async function lockReview(db: TenantDb, id: string): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM sanctions_reviews WHERE tenant_id = ${db.tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
}

export function createReview(
  db: TenantDb,
  data: {
    subjectType: string;
    subjectId: string;
    subjectName: string;
    status: string;
    state: Prisma.InputJsonValue;
  },
) {
  return db.sanctionsReview.create({ data: { tenantId: db.tenantId, ...data } });
}

export function updateReview(
  db: TenantDb,
  id: string,
  data: Partial<{
    subjectName: string;
    status: string;
    state: Prisma.InputJsonValue;
    lastListVersion: string;
    lastScreenedAt: Date;
  }>,
) {
  return db.sanctionsReview.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export function insertScreening(
  db: TenantDb,
  data: {
    reviewId: string;
    trigger: string;
    listVersion: string;
    threshold: string;
    query: Prisma.InputJsonValue;
    potentialMatch: boolean;
    topScore: string | null;
    matches: Prisma.InputJsonValue;
    screenedAt: Date;
  },
) {
  return db.sanctionsScreening.create({ data: { tenantId: db.tenantId, ...data } });
}

export function listReviews(
  db: TenantDb,
  opts: { statuses: readonly string[]; subjectIds?: readonly string[] | null; take: number; skip?: number },
) {
  return db.sanctionsReview.findMany({
    where: {
      status: { in: [...opts.statuses] },
      ...(opts.subjectIds ? { subjectId: { in: [...opts.subjectIds] } } : {}),
    },
    orderBy: { updatedAt: "asc" },
    take: opts.take,
    skip: opts.skip ?? 0,
  });
}

/** Subjects not yet screened against `listVersion`, in batches (the re-screen after a list reload). */
export function listReviewsNotScreenedAgainst(db: TenantDb, listVersion: string, take: number) {
  return db.sanctionsReview.findMany({
    where: { OR: [{ lastListVersion: null }, { lastListVersion: { not: listVersion } }] },
    orderBy: { id: "asc" },
    take,
  });
}

export function countReviewsByStatus(db: TenantDb) {
  return db.sanctionsReview.groupBy({ by: ["status"], _count: { _all: true } });
}

/** Traders with no review row yet (screened for the first time by a list re-screen). */
export function tradersWithoutReview(db: TenantDb, take: number) {
  return db.$queryRaw<{ id: string; name: string }[]>`
    SELECT t.id::text AS id, t.name FROM traders t
    WHERE NOT EXISTS (SELECT 1 FROM sanctions_reviews r WHERE r.tenant_id = t.tenant_id AND r.subject_type = 'trader' AND r.subject_id = t.id)
    ORDER BY t.id LIMIT ${take}`;
}

/** Active firms whose subjects were not all screened against this list version (platform scope). */
export function tenantsNeedingRescreen(db: PlatformDb, listVersion: string) {
  return db.$queryRaw<{ id: string }[]>`
    SELECT t.id::text AS id FROM tenants t
    LEFT JOIN compliance_settings c ON c.tenant_id = t.id
    WHERE t.status = 'active' AND c.screened_list_version IS DISTINCT FROM ${listVersion}`;
}
