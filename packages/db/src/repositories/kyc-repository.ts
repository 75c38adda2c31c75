import type { TenantDb } from "../client";

// Identity verifications (one row per verification case of a trader) and staff notes.

export function createVerification(
  db: TenantDb,
  data: {
    traderId: string;
    provider: "sumsub" | "manual";
    reason: string;
    applicantId?: string | null;
    externalUserId?: string | null;
    levelName?: string | null;
    verificationUrl?: string | null;
    urlExpiresAt?: Date | null;
  },
) {
  return db.kycVerification.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findVerification(db: TenantDb, id: string) {
  return db.kycVerification.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    include: { notes: { orderBy: { createdAt: "asc" } } },
  });
}

export function findVerificationByApplicant(db: TenantDb, provider: string, applicantId: string) {
  return db.kycVerification.findFirst({ where: { provider, applicantId } });
}

/** Locks the verification row for the rest of the unit of work (callbacks and staff decisions serialise). */
export async function lockVerification(db: TenantDb, id: string): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM kyc_verifications WHERE tenant_id = ${db.tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
}

/** The trader's current verification: the newest one that was not superseded. */
export function currentVerification(db: TenantDb, traderId: string) {
  return db.kycVerification.findFirst({
    where: { traderId, status: { not: "superseded" } },
    orderBy: { createdAt: "desc" },
  });
}

export function listTraderVerifications(db: TenantDb, traderId: string) {
  return db.kycVerification.findMany({
    where: { traderId },
    orderBy: { createdAt: "desc" },
    include: { notes: { orderBy: { createdAt: "asc" } } },
  });
}

export function updateVerification(
  db: TenantDb,
  id: string,
  data: Partial<{
    applicantId: string | null;
    levelName: string | null;
    status: string;
    verificationUrl: string | null;
    urlExpiresAt: Date | null;
    documentsSubmittedAt: Date | null;
    rejectLabels: string[];
    rejectType: string | null;
    providerComment: string | null;
    decidedBy: string | null;
    decidedByLabel: string | null;
    decidedAt: Date | null;
    approvedAt: Date | null;
    verifiedName: string | null;
    verifiedDob: Date | null;
    verifiedCountry: string | null;
    lastEventAt: Date | null;
  }>,
) {
  return db.kycVerification.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

/** The review queue: verifications waiting on someone, oldest first, with their trader ids. */
export function listVerifications(
  db: TenantDb,
  opts: { statuses: readonly string[]; traderIds?: readonly string[] | null; take: number; skip?: number },
) {
  return db.kycVerification.findMany({
    where: {
      status: { in: [...opts.statuses] },
      ...(opts.traderIds ? { traderId: { in: [...opts.traderIds] } } : {}),
    },
    orderBy: { updatedAt: "asc" },
    take: opts.take,
    skip: opts.skip ?? 0,
  });
}

export function addNote(
  db: TenantDb,
  data: {
    verificationId: string;
    authorId: string | null;
    authorLabel: string;
    documentType: string | null;
    note: string;
  },
) {
  return db.kycNote.create({ data: { tenantId: db.tenantId, ...data } });
}

/** The newest approved verification (its approval date is what "verified since" means). */
export function latestApprovedVerification(db: TenantDb, traderId: string) {
  return db.kycVerification.findFirst({
    where: { traderId, approvedAt: { not: null } },
    orderBy: { approvedAt: "desc" },
  });
}
