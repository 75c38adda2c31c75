import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

// Per-firm compliance settings and per-desk commerce settings. A missing row means the defaults.

export function findComplianceSettings(db: TenantDb) {
  return db.complianceSettings.findUnique({ where: { tenantId: db.tenantId } });
}

export function upsertComplianceSettings(
  db: TenantDb,
  data: Partial<{
    screeningThreshold: string;
    screenedListVersion: string;
    screenedAt: Date;
    fraudOptions: Prisma.InputJsonValue;
    updatedByLabel: string;
  }>,
) {
  return db.complianceSettings.upsert({
    where: { tenantId: db.tenantId },
    create: { tenantId: db.tenantId, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

export function findDeskCommerceSettings(db: TenantDb, deskId: string) {
  return db.deskCommerceSettings.findUnique({
    where: { tenantId_deskId: { tenantId: db.tenantId, deskId } },
  });
}

export function listDeskCommerceSettings(db: TenantDb, deskIds?: readonly string[]) {
  return db.deskCommerceSettings.findMany({
    where: deskIds ? { deskId: { in: [...deskIds] } } : {},
  });
}

export function upsertDeskCommerceSettings(
  db: TenantDb,
  deskId: string,
  data: { kycRequiredAt: string; kycMaxAgeDays: number; updatedByLabel: string },
) {
  return db.deskCommerceSettings.upsert({
    where: { tenantId_deskId: { tenantId: db.tenantId, deskId } },
    create: { tenantId: db.tenantId, deskId, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

// --- provider connections -------------------------------------------------------------------

export function findActiveConnection(db: TenantDb, kind: "payments" | "kyc") {
  return db.providerConnection.findFirst({ where: { kind, status: "active" } });
}

export function listConnections(db: TenantDb) {
  return db.providerConnection.findMany({ orderBy: { connectedAt: "desc" }, take: 50 });
}

export function disconnectConnections(db: TenantDb, kind: "payments" | "kyc") {
  return db.providerConnection.updateMany({
    where: { kind, status: "active" },
    data: { status: "disconnected", disconnectedAt: new Date() },
  });
}

export function createConnection(
  db: TenantDb,
  data: {
    kind: "payments" | "kyc";
    provider: "stripe" | "sumsub";
    mode: "test" | "live";
    externalAccountId: string | null;
    label: string;
    secretsSealed: string;
    secretHints: Prisma.InputJsonValue;
    settings: Prisma.InputJsonValue;
    connectedByLabel: string;
  },
) {
  return db.providerConnection.create({ data: { tenantId: db.tenantId, ...data } });
}
