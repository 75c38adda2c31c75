import { dataLayer, type TenantDb, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import { hashPassword, passwordSchema, verifyPassword } from "../auth/password";
import { loginLimits, sessionEndReason, sessionPolicy } from "../auth/session-policy";
import { loginSchema } from "../auth/staff-auth";
import { onTraderRegistered } from "../compliance/trader-onboarding";
import { randomToken, sha256Hex } from "../crypto/secrets";
import type { DeskContext } from "../desks/desk-context";
import { recordTraderAccess } from "../fraud/trader-access";
import { hit, peek, reset } from "../redis/rate-limiter";
import { redis } from "../redis/redis";
import { currentRequestContext } from "../request/request-context";

/** A signed-in trader on the portal of one desk. */
export interface TraderPrincipal {
  sessionId: string;
  tenantId: string;
  deskId: string;
  traderId: string;
  email: string;
  name: string;
  timezone: string;
  country: string | null;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const registerTraderSchema = z
  .object({
    name: z.string().trim().min(2, "Enter your full name, as on your ID.").max(200),
    email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
    password: passwordSchema,
    confirmPassword: z.string(),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "Choose your country."),
    timezone: z.string().trim().refine(isTimeZone, "Choose a time zone."),
    acceptTerms: z.literal("on", { message: "Accept the terms to continue." }),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ.",
  });

async function openTraderSession(
  db: TenantDb,
  trader: { id: string; email: string; name: string; timezone: string; country: string | null },
  deskId: string,
) {
  const ctx = currentRequestContext();
  const token = randomToken();
  const session = await traders.createTraderSession(db, {
    traderId: trader.id,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(Date.now() + sessionPolicy.absoluteMs),
    ip: ctx?.ip ?? null,
    userAgent: ctx?.userAgent?.slice(0, 400) ?? null,
  });
  const principal: TraderPrincipal = {
    sessionId: session.id,
    tenantId: db.tenantId,
    deskId,
    traderId: trader.id,
    email: trader.email,
    name: trader.name,
    timezone: trader.timezone,
    country: trader.country,
  };
  return { token, principal };
}

/**
 * Sign-up on a desk's portal. Traders belong to the firm: the account works on every desk of the
 * tenant, and the desk is recorded as one the trader registered on.
 */
export async function registerTrader(desk: DeskContext, input: unknown) {
  const form = validate(registerTraderSchema, input);
  const passwordHash = await hashPassword(form.password);
  return dataLayer().withTenant(desk.tenantId, async (db) => {
    if (await traders.findTraderByEmail(db, form.email)) {
      throw new AppError("CONFLICT", "An account with this e-mail already exists. Sign in instead.", {
        issues: [{ path: "email", message: "already registered" }],
      });
    }
    const trader = await traders.createTrader(db, {
      email: form.email,
      name: form.name,
      passwordHash,
      country: form.country,
      timezone: form.timezone,
      dateOfBirth: null,
    });
    await traders.registerTraderDesk(db, trader.id, desk.deskId);
    await onTraderRegistered(db, trader.id);
    const issued = await openTraderSession(db, trader, desk.deskId);
    await recordAudit(db, {
      actor: { type: "trader", id: trader.id, label: trader.email },
      action: "trader.registered",
      deskId: desk.deskId,
      target: { type: "trader", id: trader.id },
      after: { email: trader.email, name: trader.name, country: trader.country, timezone: trader.timezone },
    });
    return issued;
  });
}

export async function loginTrader(
  desk: DeskContext,
  input: unknown,
  opts: { previousToken?: string | undefined } = {},
) {
  const { email, password } = validate(loginSchema, input);
  const r = redis();
  const ip = currentRequestContext()?.ip ?? "unknown";
  const accountKey = `trader-login:acct:${desk.tenantId}:${email}`;
  const ipKey = `trader-login:ip:${ip}`;
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
  const outcome = await dataLayer().withTenant(desk.tenantId, async (db) => {
    const trader = await traders.findTraderByEmail(db, email);
    if (!trader || !(await verifyPassword(trader.passwordHash, password))) return { kind: "failed" as const };
    if (trader.status !== "active") return { kind: "disabled" as const };
    if (opts.previousToken) {
      const prev = await traders.findTraderSessionByTokenHash(db, sha256Hex(opts.previousToken));
      if (prev) await traders.revokeTraderSession(db, prev.id, "replaced by a new sign-in");
    }
    await traders.registerTraderDesk(db, trader.id, desk.deskId);
    await traders.updateTrader(db, trader.id, { lastLoginAt: new Date() });
    await recordTraderAccess(db, trader.id, "sign_in");
    const issued = await openTraderSession(db, trader, desk.deskId);
    await recordAudit(db, {
      actor: { type: "trader", id: trader.id, label: trader.email },
      action: "trader.login",
      deskId: desk.deskId,
      target: { type: "trader_session", id: issued.principal.sessionId },
    });
    return { kind: "ok" as const, issued };
  });
  if (outcome.kind === "failed") {
    await Promise.all([hit(r, accountKey, loginLimits.account), hit(r, ipKey, loginLimits.ip)]);
    throw new AppError("UNAUTHENTICATED", "That e-mail and password do not match an account here.");
  }
  if (outcome.kind === "disabled")
    throw new AppError("FORBIDDEN", "This account is closed. Contact support.");
  await reset(r, accountKey);
  return outcome.issued;
}

export async function resolveTraderSession(
  desk: DeskContext,
  token: string,
): Promise<{ principal: TraderPrincipal } | { principal: null; reason: string }> {
  return dataLayer().withTenant(desk.tenantId, async (db) => {
    const s = await traders.findTraderSessionByTokenHash(db, sha256Hex(token));
    if (!s) return { principal: null, reason: "Please sign in." };
    const now = new Date();
    const ended = sessionEndReason({ ...s, mfaPending: false }, now);
    if (ended) return { principal: null, reason: ended };
    if (s.trader.status !== "active")
      return { principal: null, reason: "This account is closed. Contact support." };
    if (now.getTime() - s.lastSeenAt.getTime() > sessionPolicy.touchEveryMs)
      await traders.touchTraderSession(db, s.id, now);
    const t = s.trader;
    return {
      principal: {
        sessionId: s.id,
        tenantId: desk.tenantId,
        deskId: desk.deskId,
        traderId: t.id,
        email: t.email,
        name: t.name,
        timezone: t.timezone,
        country: t.country,
      },
    };
  });
}

export async function logoutTrader(desk: DeskContext, token: string): Promise<void> {
  await dataLayer().withTenant(desk.tenantId, async (db) => {
    const s = await traders.findTraderSessionByTokenHash(db, sha256Hex(token));
    if (!s || s.revokedAt) return;
    await traders.revokeTraderSession(db, s.id, "signed out");
    await recordAudit(db, {
      actor: { type: "trader", id: s.traderId, label: s.trader.email },
      action: "trader.logout",
      deskId: desk.deskId,
      target: { type: "trader_session", id: s.id },
    });
  });
}
