import { dataLayer, staff, type TenantDb } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import {
  isStaffRole,
  type MembershipAccess,
  requiresTwoFactor,
  type StaffRole,
} from "@propdesk/domain/access";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import { decryptSecret, encryptSecret, randomToken, sha256Hex } from "../crypto/secrets";
import { env } from "../env/env";
import { hit, peek, reset } from "../redis/rate-limiter";
import { redis, redisKey } from "../redis/redis";
import { currentRequestContext } from "../request/request-context";
import { hashPassword, passwordSchema, verifyPassword } from "./password";
import { loginLimits, sessionEndReason, sessionPolicy } from "./session-policy";
import { newTotpSecret, verifyTotp } from "./totp";

/** A signed-in staff member, as every loader and action sees them. */
export interface StaffPrincipal extends MembershipAccess {
  sessionId: string;
  tenantId: string;
  userId: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Password verified, second factor not yet. */
  mfaPending: boolean;
  twoFactorEnabled: boolean;
  /** The role requires two-factor authentication and none is set up yet: only enrolment is allowed. */
  mustEnrollTwoFactor: boolean;
}

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  password: z.string().min(1, "Enter your password.").max(256, "That password is too long."),
});

export const totpCodeSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app."),
});

export interface IssuedSession {
  token: string;
  principal: StaffPrincipal;
}

type UserWithMembership = NonNullable<Awaited<ReturnType<typeof staff.findStaffById>>>;

function principalOf(
  session: { id: string; mfaPending: boolean },
  user: UserWithMembership,
  tenantId: string,
): StaffPrincipal {
  const m = user.membership;
  if (!m || !isStaffRole(m.role)) throw new AppError("FORBIDDEN", "This account has no role in this firm.");
  const twoFactorEnabled = user.totpEnabledAt !== null;
  return {
    sessionId: session.id,
    tenantId,
    userId: user.id,
    email: user.email,
    name: user.name,
    role: m.role,
    deskIds: m.allDesks ? null : m.desks.map((d) => d.deskId),
    mfaPending: session.mfaPending,
    twoFactorEnabled,
    mustEnrollTwoFactor: !twoFactorEnabled && requiresTwoFactor(m.role),
  };
}

async function openSession(
  db: TenantDb,
  user: UserWithMembership,
  mfaPending: boolean,
): Promise<IssuedSession> {
  const ctx = currentRequestContext();
  const token = randomToken();
  const now = Date.now();
  const session = await staff.createSession(db, {
    userId: user.id,
    tokenHash: sha256Hex(token),
    mfaPending,
    expiresAt: new Date(now + (mfaPending ? sessionPolicy.mfaPendingMs : sessionPolicy.absoluteMs)),
    ip: ctx?.ip ?? null,
    userAgent: ctx?.userAgent?.slice(0, 400) ?? null,
  });
  return { token, principal: principalOf(session, user, db.tenantId) };
}

const staffLabel = (u: { name: string; email: string }) => `${u.name} <${u.email}>`;

/**
 * Password sign-in. A new session (and token) is issued on every sign-in and any session the
 * browser already had is revoked, so a session id fixed before login is worthless after it.
 */
export async function loginStaff(
  tenantId: string,
  input: unknown,
  opts: { previousToken?: string | undefined } = {},
): Promise<IssuedSession> {
  const { email, password } = validate(loginSchema, input);
  const ip = currentRequestContext()?.ip ?? "unknown";
  const accountKey = `login:acct:${tenantId}:${email}`;
  const ipKey = `login:ip:${ip}`;
  const r = redis();
  const [acct, byIp] = await Promise.all([
    peek(r, accountKey, loginLimits.account),
    peek(r, ipKey, loginLimits.ip),
  ]);
  if (!acct.allowed || !byIp.allowed) {
    const wait = Math.ceil(
      Math.max(acct.allowed ? 0 : acct.retryAfterSeconds, byIp.allowed ? 0 : byIp.retryAfterSeconds) / 60,
    );
    throw new AppError(
      "RATE_LIMITED",
      `Too many failed sign-in attempts. Try again in ${wait} minute${wait === 1 ? "" : "s"}.`,
    );
  }

  const outcome = await dataLayer().withTenant(tenantId, async (db) => {
    const user = await staff.findStaffByEmail(db, email);
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok) {
      await recordAudit(db, {
        actor: { type: "system", label: "sign-in" },
        action: "auth.login_failed",
        target: user ? { type: "staff_user", id: user.id } : undefined,
        after: { email },
      });
      return { kind: "failed" as const };
    }
    if (user.status !== "active") return { kind: "disabled" as const };
    if (opts.previousToken) {
      const prev = await staff.findSessionByTokenHash(db, sha256Hex(opts.previousToken));
      if (prev) await staff.revokeSession(db, prev.id, "replaced by a new sign-in");
    }
    const mfaPending = user.totpEnabledAt !== null;
    const issued = await openSession(db, user, mfaPending);
    if (!mfaPending) await staff.updateStaffUser(db, user.id, { lastLoginAt: new Date() });
    await recordAudit(db, {
      actor: { type: "staff", id: user.id, label: staffLabel(user) },
      action: mfaPending ? "auth.password_verified" : "auth.login",
      target: { type: "staff_session", id: issued.principal.sessionId },
    });
    return { kind: "ok" as const, issued };
  });

  if (outcome.kind === "failed") {
    await Promise.all([hit(r, accountKey, loginLimits.account), hit(r, ipKey, loginLimits.ip)]);
    throw new AppError("UNAUTHENTICATED", "That e-mail and password do not match an account here.");
  }
  if (outcome.kind === "disabled")
    throw new AppError("FORBIDDEN", "This account has been disabled. Ask an owner of your firm.");
  await reset(r, accountKey);
  return outcome.issued;
}

/**
 * Second step of sign-in. On success the password-only session is revoked and a full session with a
 * new token replaces it. Each accepted code is remembered so it cannot be replayed.
 */
export async function completeTwoFactor(
  tenantId: string,
  pendingToken: string,
  input: unknown,
): Promise<IssuedSession> {
  const { code } = validate(totpCodeSchema, input);
  const r = redis();
  const outcome = await dataLayer().withTenant(tenantId, async (db) => {
    const session = await staff.findSessionByTokenHash(db, sha256Hex(pendingToken));
    const now = new Date();
    if (!session || !session.mfaPending || sessionEndReason(session, now))
      return { kind: "expired" as const };
    const limitKey = `login:2fa:${session.id}`;
    if (!(await peek(r, limitKey, loginLimits.secondFactor)).allowed) {
      // Committed before the refusal is thrown: the pending session is over for good.
      await staff.revokeSession(db, session.id, "too many wrong codes");
      return { kind: "locked" as const };
    }
    const user = session.user;
    const secret = user.totpSecret ? decryptSecret(user.totpSecret, env().ENCRYPTION_KEY) : null;
    const valid = secret !== null && (await verifyTotp(secret, code, now));
    const fresh = valid && (await r.set(redisKey("totp-used", user.id, code), "1", "EX", 120, "NX")) === "OK";
    if (!fresh) {
      await hit(r, limitKey, loginLimits.secondFactor);
      return { kind: valid ? ("reused" as const) : ("wrong" as const) };
    }
    await staff.revokeSession(db, session.id, "second factor completed");
    const issued = await openSession(db, user, false);
    await staff.updateStaffUser(db, user.id, { lastLoginAt: now });
    await recordAudit(db, {
      actor: { type: "staff", id: user.id, label: staffLabel(user) },
      action: "auth.login",
      target: { type: "staff_session", id: issued.principal.sessionId },
      after: { secondFactor: "totp" },
    });
    return { kind: "ok" as const, issued };
  });
  switch (outcome.kind) {
    case "ok":
      return outcome.issued;
    case "expired":
      throw new AppError("UNAUTHENTICATED", "Your sign-in has expired. Enter your password again.");
    case "locked":
      throw new AppError("RATE_LIMITED", "Too many wrong codes. Sign in again.");
    case "reused":
      throw new AppError("UNAUTHENTICATED", "That code was already used. Wait for the next one.");
    case "wrong":
      throw new AppError("UNAUTHENTICATED", "That code is not correct.");
  }
}

export type SessionLookup = { principal: StaffPrincipal } | { principal: null; reason: string };

/** The principal behind a session token, or why there is none. */
export async function resolveStaffSession(tenantId: string, token: string): Promise<SessionLookup> {
  return dataLayer().withTenant(tenantId, async (db) => {
    const session = await staff.findSessionByTokenHash(db, sha256Hex(token));
    if (!session) return { principal: null, reason: "Please sign in." };
    const now = new Date();
    const ended = sessionEndReason(session, now);
    if (ended) return { principal: null, reason: ended };
    if (session.user.status !== "active")
      return { principal: null, reason: "This account has been disabled." };
    if (now.getTime() - session.lastSeenAt.getTime() > sessionPolicy.touchEveryMs)
      await staff.touchSession(db, session.id, now);
    return { principal: principalOf(session, session.user, tenantId) };
  });
}

export async function logoutStaff(tenantId: string, token: string): Promise<void> {
  await dataLayer().withTenant(tenantId, async (db) => {
    const session = await staff.findSessionByTokenHash(db, sha256Hex(token));
    if (!session || session.revokedAt) return;
    await staff.revokeSession(db, session.id, "signed out");
    await recordAudit(db, {
      actor: { type: "staff", id: session.userId, label: staffLabel(session.user) },
      action: "auth.logout",
      target: { type: "staff_session", id: session.id },
    });
  });
}

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: passwordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  });

/** Changes the password and revokes every other session of the user (this one is re-issued). */
export async function changeStaffPassword(principal: StaffPrincipal, input: unknown): Promise<IssuedSession> {
  const form = validate(changePasswordSchema, input);
  const newHash = await hashPassword(form.newPassword);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const user = await staff.findStaffById(db, principal.userId);
    if (!user || !(await verifyPassword(user.passwordHash, form.currentPassword))) {
      throw new AppError("VALIDATION", "Your current password is not correct.", {
        issues: [{ path: "currentPassword", message: "not correct" }],
      });
    }
    await staff.updateStaffUser(db, user.id, { passwordHash: newHash, passwordChangedAt: new Date() });
    await staff.revokeUserSessions(db, user.id, "password changed");
    const issued = await openSession(db, user, false);
    await recordAudit(db, {
      actor: { type: "staff", id: user.id, label: staffLabel(user) },
      action: "auth.password_changed",
      target: { type: "staff_user", id: user.id },
    });
    return issued;
  });
}

// --- two-factor enrolment --------------------------------------------------------------------

/** Starts enrolment: a new secret, held in Redis for ten minutes until a code proves the app has it. */
export async function beginTwoFactorEnrollment(principal: StaffPrincipal): Promise<string> {
  const key = redisKey("totp-enroll", principal.sessionId);
  const existing = await redis().get(key);
  if (existing) return decryptSecret(existing, env().ENCRYPTION_KEY);
  const secret = newTotpSecret();
  await redis().set(key, encryptSecret(secret, env().ENCRYPTION_KEY), "EX", 600);
  return secret;
}

export async function confirmTwoFactorEnrollment(
  principal: StaffPrincipal,
  input: unknown,
): Promise<IssuedSession> {
  const { code } = validate(totpCodeSchema, input);
  const key = redisKey("totp-enroll", principal.sessionId);
  const sealed = await redis().get(key);
  if (!sealed)
    throw new AppError("PRECONDITION_FAILED", "The set-up code expired. Start again to get a new QR code.");
  const secret = decryptSecret(sealed, env().ENCRYPTION_KEY);
  if (!(await verifyTotp(secret, code))) {
    throw new AppError(
      "VALIDATION",
      "That code is not correct. Check the time on your phone and try the next code.",
      {
        issues: [{ path: "code", message: "not correct" }],
      },
    );
  }
  await redis().set(redisKey("totp-used", principal.userId, code), "1", "EX", 120);
  const issued = await dataLayer().withTenant(principal.tenantId, async (db) => {
    const user = await staff.updateStaffUser(db, principal.userId, {
      totpSecret: sealed,
      totpEnabledAt: new Date(),
    });
    // Other sessions were opened without the second factor: end them.
    await staff.revokeUserSessions(db, principal.userId, "two-factor authentication enabled");
    const full = await staff.findStaffById(db, user.id);
    const s = await openSession(db, full!, false);
    await recordAudit(db, {
      actor: { type: "staff", id: user.id, label: staffLabel(user) },
      action: "auth.two_factor_enabled",
      target: { type: "staff_user", id: user.id },
    });
    return s;
  });
  await redis().del(key);
  return issued;
}
