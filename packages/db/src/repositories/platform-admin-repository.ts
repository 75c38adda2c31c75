import type { PlatformDb } from "../client";

export function findPlatformAdminByEmail(db: PlatformDb, email: string) {
  return db.platformAdmin.findUnique({ where: { email } });
}

export function findPlatformAdmin(db: PlatformDb, id: string) {
  return db.platformAdmin.findUnique({ where: { id } });
}

export function upsertPlatformAdmin(
  db: PlatformDb,
  data: { email: string; name: string; passwordHash: string },
) {
  return db.platformAdmin.upsert({
    where: { email: data.email },
    create: data,
    update: { name: data.name, passwordHash: data.passwordHash },
  });
}

export function updatePlatformAdmin(
  db: PlatformDb,
  id: string,
  data: Partial<{
    totpSecret: string | null;
    totpEnabledAt: Date | null;
    lastLoginAt: Date;
    passwordHash: string;
  }>,
) {
  return db.platformAdmin.update({ where: { id }, data });
}

export function createPlatformSession(
  db: PlatformDb,
  data: {
    adminId: string;
    tokenHash: string;
    mfaPending: boolean;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
) {
  return db.platformSession.create({ data });
}

export function findPlatformSessionByTokenHash(db: PlatformDb, tokenHash: string) {
  return db.platformSession.findUnique({ where: { tokenHash }, include: { admin: true } });
}

export function touchPlatformSession(db: PlatformDb, id: string, at: Date) {
  return db.platformSession.update({ where: { id }, data: { lastSeenAt: at } });
}

export function revokePlatformSession(db: PlatformDb, id: string, reason: string) {
  return db.platformSession.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
}
