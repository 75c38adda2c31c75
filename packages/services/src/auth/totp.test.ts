import { describe, expect, it } from "vitest";
import { newTotpSecret, totpCode, totpUri, verifyTotp } from "./totp";

describe("TOTP", () => {
  const secret = newTotpSecret();
  const now = new Date("2026-11-24T10:00:15Z");

  it("accepts the current code and the neighbouring step, and nothing further", async () => {
    expect(await verifyTotp(secret, await totpCode(secret, now), now)).toBe(true);
    expect(await verifyTotp(secret, await totpCode(secret, new Date(now.getTime() - 30_000)), now)).toBe(
      true,
    );
    expect(await verifyTotp(secret, await totpCode(secret, new Date(now.getTime() - 120_000)), now)).toBe(
      false,
    );
  });

  it("refuses malformed codes without consulting the secret", async () => {
    for (const code of ["", "12345", "1234567", "abcdef", " 123456"])
      expect(await verifyTotp(secret, code, now)).toBe(false);
  });

  it("builds an otpauth URI an authenticator app can scan", () => {
    expect(totpUri(secret, "Atlas Funding", "owner@atlas.test")).toMatch(
      /^otpauth:\/\/totp\/Atlas%20Funding:owner%40atlas\.test\?.*secret=/,
    );
  });
});
