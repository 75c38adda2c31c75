import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, randomToken, safeEqual } from "./secrets";

const key = "11".repeat(32);

describe("secrets at rest", () => {
  it("round-trips and never produces the same ciphertext twice", () => {
    const a = encryptSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", key);
    const b = encryptSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", key);
    expect(a).not.toBe(b);
    expect(decryptSecret(a, key)).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
  });

  it("refuses a tampered ciphertext or the wrong key", () => {
    const sealed = encryptSecret("sk_live_123", key);
    const parts = sealed.split(".");
    const flipped = [...parts.slice(0, 3), `${parts[3]!.slice(0, -2)}AA`].join(".");
    expect(() => decryptSecret(flipped, key)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(sealed, "22".repeat(32))).toThrow(/could not be decrypted/);
  });

  it("makes distinct URL-safe tokens and compares in constant time", () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t).not.toBe(randomToken());
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
