import { dataLayer, platformAdmins } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { recordPlatformAudit } from "../audit/record-audit";
import { decryptSecret, randomToken, sha256Hex } from "../crypto/secrets";
import { env } from "../env/env";
import { hit, peek, reset } from "../redis/rate-limiter";
import { redis, redisKey } from "../redis/redis";
import { currentRequestContext } from "../request/request-context";
import { verifyPassword } from "./password";
import { loginLimits, sessionEndReason, sessionPolicy } from "./session-policy";
import { loginSchema, totpCodeSchema } from "./staff-auth";
import { verifyTotp } from "./totp";

/** A signed-in platform administrator (the platform console only; never a tenant request). */
export interface PlatformPrincipal {
  sessionId: string;
  adminId: string;
  email: string;
  name: string;
  mfaPending: boolean;
}

async function openPlatformSession(admin: { id: string; email: string; name: string }, mfaPending: boolean) {
  const ctx = currentRequestContext();
  const token = randomToken();
  const session = await dataLayer().withPlatform((db) =>
    platformAdmins.createPlatformSession(db, {
      adminId: admin.id,
      tokenHash: sha256Hex(token),
      mfaPending,
      expiresAt: new Date(Date.now() + (mfaPending ? sessionPolicy.mfaPendingMs : sessionPolicy.absoluteMs)),
      ip: ctx?.ip ?? null,
      userAgent: ctx?.userAgent?.slice(0, 400) ?? null,
    }),
  );
  const principal: PlatformPrincipal = {
    sessionId: session.id,
    adminId: admin.id,
    email: admin.email,
    name: admin.name,
    mfaPending,
  };
  return { token, principal };
}

export async function loginPlatformAdmin(input: unknown, opts: { previousToken?: string | undefined } = {}) {
  const { email, password } = validate(loginSchema, input);
  const r = redis();
  const ip = currentRequestContext()?.ip ?? "unknown";
  const accountKey = `platform-login:acct:${email}`;
  const ipKey = `platform-login:ip:${ip}`;
  const [acct, byIp] = await Promise.all([
    peek(r, accountKey, loginLimits.account),
    peek(r, ipKey, loginLimits.ip),
  ]);
  if (!acct.allowed || !byIp.allowed)
    throw new AppError("RATE_LIMITED", "Too many failed sign-in attempts. Try again later.");
  const admin = await dataLayer().withPlatform((db) => platformAdmins.findPlatformAdminByEmail(db, email));
  const ok = await verifyPassword(admin?.passwordHash, password);
  if (!admin || !ok || admin.status !== "active") {
    await Promise.all([hit(r, accountKey, loginLimits.account), hit(r, ipKey, loginLimits.ip)]);
    throw new AppError("UNAUTHENTICATED", "That e-mail and password do not match a platform administrator.");
  }
  await reset(r, accountKey);
  if (opts.previousToken) await logoutPlatformAdmin(opts.previousToken, "replaced by a new sign-in");
  const mfaPending = admin.totpEnabledAt !== null;
  const issued = await openPlatformSession(admin, mfaPending);
  await dataLayer().withPlatform(async (db) => {
    if (!mfaPending) await platformAdmins.updatePlatformAdmin(db, admin.id, { lastLoginAt: new Date() });
    await recordPlatformAudit(db, {
      actor: { type: "platform_admin", id: admin.id, label: admin.email },
      action: mfaPending ? "platform.auth.password_verified" : "platform.auth.login",
      target: { type: "platform_session", id: issued.principal.sessionId },
    });
  });
  return issued;
}

export async function completePlatformTwoFactor(pendingToken: string, input: unknown) {
  const { code } = validate(totpCodeSchema, input);
  const r = redis();
  const session = await dataLayer().withPlatform((db) =>
    platformAdmins.findPlatformSessionByTokenHash(db, sha256Hex(pendingToken)),
  );
  if (!session || !session.mfaPending || sessionEndReason(session, new Date())) {
    throw new AppError("UNAUTHENTICATED", "Your sign-in has expired. Enter your password again.");
  }
  const limitKey = `platform-login:2fa:${session.id}`;
  if (!(await peek(r, limitKey, loginLimits.secondFactor)).allowed)
    throw new AppError("RATE_LIMITED", "Too many wrong codes. Sign in again.");
  const secret = session.admin.totpSecret
    ? decryptSecret(session.admin.totpSecret, env().ENCRYPTION_KEY)
    : null;
  const valid = secret !== null && (await verifyTotp(secret, code));
  const fresh =
    valid &&
    (await r.set(redisKey("totp-used", `platform:${session.adminId}`, code), "1", "EX", 120, "NX")) === "OK";
  if (!fresh) {
    await hit(r, limitKey, loginLimits.secondFactor);
    throw new AppError(
      "UNAUTHENTICATED",
      valid ? "That code was already used. Wait for the next one." : "That code is not correct.",
    );
  }
  await dataLayer().withPlatform((db) =>
    platformAdmins.revokePlatformSession(db, session.id, "second factor completed"),
  );
  const issued = await openPlatformSession(session.admin, false);
  await dataLayer().withPlatform(async (db) => {
    await platformAdmins.updatePlatformAdmin(db, session.adminId, { lastLoginAt: new Date() });
    await recordPlatformAudit(db, {
      actor: { type: "platform_admin", id: session.adminId, label: session.admin.email },
      action: "platform.auth.login",
      target: { type: "platform_session", id: issued.principal.sessionId },
    });
  });
  return issued;
}

export async function resolvePlatformSession(
  token: string,
): Promise<{ principal: PlatformPrincipal } | { principal: null; reason: string }> {
  return dataLayer().withPlatform(async (db) => {
    const s = await platformAdmins.findPlatformSessionByTokenHash(db, sha256Hex(token));
    if (!s) return { principal: null, reason: "Please sign in." };
    const now = new Date();
    const ended = sessionEndReason(s, now);
    if (ended) return { principal: null, reason: ended };
    if (s.admin.status !== "active")
      return { principal: null, reason: "This administrator account is disabled." };
    if (now.getTime() - s.lastSeenAt.getTime() > sessionPolicy.touchEveryMs)
      await platformAdmins.touchPlatformSession(db, s.id, now);
    return {
      principal: {
        sessionId: s.id,
        adminId: s.adminId,
        email: s.admin.email,
        name: s.admin.name,
        mfaPending: s.mfaPending,
      },
    };
  });
}

export async function logoutPlatformAdmin(token: string, reason = "signed out"): Promise<void> {
  await dataLayer().withPlatform(async (db) => {
    const s = await platformAdmins.findPlatformSessionByTokenHash(db, sha256Hex(token));
    if (!s || s.revokedAt) return;
    await platformAdmins.revokePlatformSession(db, s.id, reason);
    if (reason === "signed out") {
      await recordPlatformAudit(db, {
        actor: { type: "platform_admin", id: s.adminId, label: s.admin.email },
        action: "platform.auth.logout",
        target: { type: "platform_session", id: s.id },
      });
    }
  });
}
