import type { PlatformDb, TenantDb } from "../client";

const membershipInclude = { desks: { select: { deskId: true } } } as const;

export function findStaffByEmail(db: TenantDb, email: string) {
  return db.staffUser.findUnique({
    where: { tenantId_email: { tenantId: db.tenantId, email } },
    include: { membership: { include: membershipInclude } },
  });
}

export function findStaffById(db: TenantDb, userId: string) {
  return db.staffUser.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: userId } },
    include: { membership: { include: membershipInclude } },
  });
}

export function listStaff(db: TenantDb) {
  return db.staffUser.findMany({
    orderBy: { email: "asc" },
    include: { membership: { include: membershipInclude } },
  });
}

export async function createStaffWithMembership(
  db: TenantDb,
  input: { email: string; name: string; passwordHash: string; role: string; deskIds: string[] | null },
) {
  const user = await db.staffUser.create({
    data: {
      tenantId: db.tenantId,
      email: input.email,
      name: input.name,
      passwordHash: input.passwordHash,
      passwordChangedAt: new Date(),
    },
  });
  const membership = await db.membership.create({
    data: { tenantId: db.tenantId, userId: user.id, role: input.role, allDesks: input.deskIds === null },
  });
  if (input.deskIds?.length) {
    await db.membershipDesk.createMany({
      data: input.deskIds.map((deskId) => ({ tenantId: db.tenantId, membershipId: membership.id, deskId })),
    });
  }
  return user;
}

export function updateStaffUser(
  db: TenantDb,
  userId: string,
  data: Partial<{
    name: string;
    passwordHash: string;
    passwordChangedAt: Date;
    totpSecret: string | null;
    totpEnabledAt: Date | null;
    status: "active" | "disabled";
    lastLoginAt: Date;
  }>,
) {
  return db.staffUser.update({ where: { tenantId_id: { tenantId: db.tenantId, id: userId } }, data });
}

export async function setMembership(db: TenantDb, userId: string, role: string, deskIds: string[] | null) {
  const membership = await db.membership.update({
    where: { tenantId_userId: { tenantId: db.tenantId, userId } },
    data: { role, allDesks: deskIds === null, updatedAt: new Date() },
  });
  await db.membershipDesk.deleteMany({ where: { tenantId: db.tenantId, membershipId: membership.id } });
  if (deskIds?.length) {
    await db.membershipDesk.createMany({
      data: deskIds.map((deskId) => ({ tenantId: db.tenantId, membershipId: membership.id, deskId })),
    });
  }
  return membership;
}

// --- sessions ---------------------------------------------------------------------------------

export function createSession(
  db: TenantDb,
  data: {
    userId: string;
    tokenHash: string;
    mfaPending: boolean;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
) {
  return db.staffSession.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findSessionByTokenHash(db: TenantDb, tokenHash: string) {
  return db.staffSession.findUnique({
    where: { tokenHash },
    include: { user: { include: { membership: { include: membershipInclude } } } },
  });
}

export function touchSession(db: TenantDb, sessionId: string, at: Date) {
  return db.staffSession.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: sessionId } },
    data: { lastSeenAt: at },
  });
}

export function revokeSession(db: TenantDb, sessionId: string, reason: string) {
  return db.staffSession.updateMany({
    where: { tenantId: db.tenantId, id: sessionId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
}

/** Revokes every live session of a user (password change, disabling, role change). */
export function revokeUserSessions(db: TenantDb, userId: string, reason: string, exceptSessionId?: string) {
  return db.staffSession.updateMany({
    where: {
      tenantId: db.tenantId,
      userId,
      revokedAt: null,
      ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}),
    },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
}

// --- invitations ------------------------------------------------------------------------------

export async function createInvitation(
  db: TenantDb | PlatformDb,
  tenantId: string,
  input: {
    email: string;
    name: string | null;
    role: string;
    deskIds: string[] | null;
    tokenHash: string;
    tokenSealed: string;
    invitedById: string | null;
    invitedByLabel: string;
    expiresAt: Date;
  },
) {
  const invitation = await db.invitation.create({
    data: {
      tenantId,
      email: input.email,
      name: input.name,
      role: input.role,
      allDesks: input.deskIds === null,
      tokenHash: input.tokenHash,
      tokenSealed: input.tokenSealed,
      invitedById: input.invitedById,
      invitedByLabel: input.invitedByLabel,
      expiresAt: input.expiresAt,
    },
  });
  if (input.deskIds?.length) {
    await db.invitationDesk.createMany({
      data: input.deskIds.map((deskId) => ({ tenantId, invitationId: invitation.id, deskId })),
    });
  }
  return invitation;
}

export function findInvitationByTokenHash(db: TenantDb, tokenHash: string) {
  return db.invitation.findUnique({ where: { tokenHash }, include: { desks: { select: { deskId: true } } } });
}

export function findInvitation(db: TenantDb, invitationId: string) {
  return db.invitation.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: invitationId } },
    include: { desks: { select: { deskId: true } } },
  });
}

export function listOpenInvitations(db: TenantDb, now: Date) {
  return db.invitation.findMany({
    where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    include: { desks: { select: { deskId: true } } },
  });
}

export function markInvitation(
  db: TenantDb,
  invitationId: string,
  data: { acceptedAt?: Date; revokedAt?: Date; emailSentAt?: Date },
) {
  return db.invitation.update({ where: { tenantId_id: { tenantId: db.tenantId, id: invitationId } }, data });
}

/** Replaces the token of an open invitation (a new link; the old one stops working). */
export function reissueInvitation(
  db: TenantDb,
  invitationId: string,
  tokenHash: string,
  tokenSealed: string,
  expiresAt: Date,
) {
  return db.invitation.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: invitationId } },
    data: { tokenHash, tokenSealed, expiresAt },
  });
}
