import { dataLayer, staff } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { runWithRequestContext } from "../request/request-context";
import { disableStaff } from "../staff/staff-admin";
import { signIn, staffFixture, type TenantFixture, tenantFixture, testPassword } from "../testing/fixtures";
import {
  beginTwoFactorEnrollment,
  changeStaffPassword,
  completeTwoFactor,
  confirmTwoFactorEnrollment,
  loginStaff,
  logoutStaff,
  resolveStaffSession,
} from "./staff-auth";
import { totpCode } from "./totp";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("auth");
});

const at = <T>(ip: string, fn: () => Promise<T>) => runWithRequestContext({ origin: "test", ip }, fn);

async function auditActions(tenantId: string) {
  return dataLayer().withTenant(tenantId, async (db) =>
    (await db.auditEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => e.action),
  );
}

describe("staff sign-in", () => {
  it("signs in with the right password, hashes it with argon2id and rotates the session at each sign-in", async () => {
    const user = await staffFixture(t, "support");
    const stored = await dataLayer().withTenant(t.tenantId, (db) => staff.findStaffByEmail(db, user.email));
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const first = await signIn(t, user.email);
    expect(first.principal).toMatchObject({
      role: "support",
      deskIds: null,
      mfaPending: false,
      mustEnrollTwoFactor: false,
    });
    const second = await at("203.0.113.10", () =>
      loginStaff(t.tenantId, { email: user.email, password: testPassword }, { previousToken: first.token }),
    );
    expect(second.token).not.toBe(first.token);
    expect(await resolveStaffSession(t.tenantId, first.token)).toEqual({
      principal: null,
      reason: "Your session has ended. Please sign in again.",
    });
    expect((await resolveStaffSession(t.tenantId, second.token)).principal?.userId).toBe(user.userId);
  });

  it("refuses a wrong password with one message for unknown and known accounts, and audits the failure", async () => {
    const user = await staffFixture(t, "read_only");
    const wrong = at("198.51.100.1", () =>
      loginStaff(t.tenantId, { email: user.email, password: "not the password" }),
    );
    await expect(wrong).rejects.toThrow("That e-mail and password do not match an account here.");
    const unknown = at("198.51.100.1", () =>
      loginStaff(t.tenantId, { email: "nobody@nowhere.test", password: "whatever" }),
    );
    await expect(unknown).rejects.toThrow("That e-mail and password do not match an account here.");
    expect(await auditActions(t.tenantId)).toContain("auth.login_failed");
  });

  it("validates the form before anything else and writes nothing for malformed input", async () => {
    const before = (await auditActions(t.tenantId)).length;
    await expect(loginStaff(t.tenantId, { email: "not-an-email", password: "x" })).rejects.toMatchObject({
      code: "VALIDATION",
      message: "email: Enter a valid e-mail address.",
    });
    await expect(loginStaff(t.tenantId, { email: "a@b.test" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect((await auditActions(t.tenantId)).length).toBe(before);
  });

  it("locks an account after five failures in a window, even with the right password", async () => {
    const user = await staffFixture(t, "support");
    for (let i = 0; i < 5; i++) {
      await expect(
        at("192.0.2.7", () => loginStaff(t.tenantId, { email: user.email, password: "wrong password!" })),
      ).rejects.toThrow(/do not match/);
    }
    const locked = at("192.0.2.7", () =>
      loginStaff(t.tenantId, { email: user.email, password: testPassword }),
    );
    await expect(locked).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/Too many failed sign-in attempts. Try again in \d+ minutes?\./),
    });
  });

  it("signs out and revokes sessions on password change and when a user is disabled", async () => {
    const user = await staffFixture(t, "risk");
    const a = await signIn(t, user.email);
    const b = await signIn(t, user.email);
    await at("203.0.113.10", () => logoutStaff(t.tenantId, a.token));
    expect((await resolveStaffSession(t.tenantId, a.token)).principal).toBeNull();

    const changed = await changeStaffPassword(b.principal, {
      currentPassword: testPassword,
      newPassword: "a brand new passphrase",
      confirmPassword: "a brand new passphrase",
    });
    expect((await resolveStaffSession(t.tenantId, b.token)).principal).toBeNull();
    expect((await resolveStaffSession(t.tenantId, changed.token)).principal?.userId).toBe(user.userId);

    const owner = await signIn(t, t.owner.email);
    await disableStaff(owner.principal, user.userId, "left the firm");
    expect(await resolveStaffSession(t.tenantId, changed.token)).toMatchObject({ principal: null });
    await expect(
      at("203.0.113.11", () =>
        loginStaff(t.tenantId, { email: user.email, password: "a brand new passphrase" }),
      ),
    ).rejects.toThrow("This account has been disabled. Ask an owner of your firm.");
    expect(await auditActions(t.tenantId)).toEqual(
      expect.arrayContaining(["auth.logout", "auth.password_changed", "staff.disabled"]),
    );
  });
});

describe("two-factor authentication", () => {
  it("is required for owners before anything else, and once enrolled every sign-in needs a fresh code", async () => {
    const first = await signIn(t, t.owner.email);
    expect(first.principal).toMatchObject({
      role: "owner",
      mustEnrollTwoFactor: true,
      twoFactorEnabled: false,
    });

    const secret = await beginTwoFactorEnrollment(first.principal);
    expect(await beginTwoFactorEnrollment(first.principal)).toBe(secret); // a reload shows the same QR code
    await expect(confirmTwoFactorEnrollment(first.principal, { code: "000000" })).rejects.toThrow(
      /not correct/,
    );
    const enrolled = await confirmTwoFactorEnrollment(first.principal, { code: await totpCode(secret) });
    expect(enrolled.principal).toMatchObject({ twoFactorEnabled: true, mustEnrollTwoFactor: false });
    expect((await resolveStaffSession(t.tenantId, first.token)).principal).toBeNull();

    const stored = await dataLayer().withTenant(t.tenantId, (db) =>
      staff.findStaffByEmail(db, t.owner.email),
    );
    expect(stored?.totpSecret).not.toContain(secret);
    expect(decryptSecret(stored!.totpSecret!, env().ENCRYPTION_KEY)).toBe(secret);

    const pending = await signIn(t, t.owner.email);
    expect(pending.principal.mfaPending).toBe(true);
    await expect(completeTwoFactor(t.tenantId, pending.token, { code: "12345" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await expect(completeTwoFactor(t.tenantId, pending.token, { code: "000000" })).rejects.toThrow(
      "That code is not correct.",
    );

    // The code used at enrolment is remembered: the next sign-in must wait for a new one.
    const now = new Date();
    const next = await totpCode(secret, new Date(now.getTime() + 30_000));
    const current = await totpCode(secret, now);
    await expect(completeTwoFactor(t.tenantId, pending.token, { code: current })).rejects.toThrow(
      /already used|not correct/,
    );
    const full = await completeTwoFactor(t.tenantId, pending.token, { code: next });
    expect(full.principal.mfaPending).toBe(false);
    expect((await resolveStaffSession(t.tenantId, pending.token)).principal).toBeNull();

    const again = await signIn(t, t.owner.email);
    await expect(completeTwoFactor(t.tenantId, again.token, { code: next })).rejects.toThrow(
      "That code was already used. Wait for the next one.",
    );
  });

  it("a pending session cannot be used with a code after too many wrong codes", async () => {
    const user = await staffFixture(t, "finance");
    const s = await signIn(t, user.email);
    const secret = await beginTwoFactorEnrollment(s.principal);
    await confirmTwoFactorEnrollment(s.principal, { code: await totpCode(secret) });
    const pending = await signIn(t, user.email);
    for (let i = 0; i < 5; i++)
      await expect(completeTwoFactor(t.tenantId, pending.token, { code: "000000" })).rejects.toThrow(
        AppError,
      );
    await expect(completeTwoFactor(t.tenantId, pending.token, { code: "000000" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await expect(completeTwoFactor(t.tenantId, pending.token, { code: "000001" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });
});
