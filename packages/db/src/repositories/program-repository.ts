import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

export function listPrograms(db: TenantDb, deskIds: readonly string[] | null) {
  return db.program.findMany({
    where: deskIds === null ? {} : { deskId: { in: [...deskIds] } },
    orderBy: [{ deskId: "asc" }, { name: "asc" }],
    include: { versions: { orderBy: { version: "desc" }, take: 1 } },
  });
}

export function findProgram(db: TenantDb, programId: string) {
  return db.program.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: programId } },
    include: { versions: { orderBy: { version: "desc" } } },
  });
}

export function findProgramBySlug(db: TenantDb, deskId: string, slug: string) {
  return db.program.findUnique({ where: { tenantId_deskId_slug: { tenantId: db.tenantId, deskId, slug } } });
}

export function createProgram(
  db: TenantDb,
  data: { deskId: string; slug: string; name: string; description: string; templateId: string | null },
) {
  return db.program.create({ data: { tenantId: db.tenantId, ...data } });
}

export function createProgramVersion(
  db: TenantDb,
  data: {
    programId: string;
    version: number;
    definition: Prisma.InputJsonValue;
    fingerprint: string;
    createdByLabel: string;
  },
) {
  return db.programVersion.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findProgramVersion(db: TenantDb, versionId: string) {
  return db.programVersion.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: versionId } },
    include: { program: true },
  });
}

export function latestProgramVersion(db: TenantDb, programId: string) {
  return db.programVersion.findFirst({
    where: { programId },
    orderBy: { version: "desc" },
    include: { program: true },
  });
}

export function setProgramStatus(db: TenantDb, programId: string, status: "active" | "archived") {
  return db.program.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: programId } },
    data: { status, updatedAt: new Date() },
  });
}
