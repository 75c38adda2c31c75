import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newSigningSecret, signBody, signedHeaders, verifySignature } from "./bridge-signature";

describe("the bridge signature", () => {
  const secret = newSigningSecret();
  const body = Buffer.from('[{"type":"account"}]');
  const now = Date.UTC(2026, 0, 5, 9);

  it("is HMAC-SHA256 over '<timestamp>.<raw body>' in hex, prefixed v1=", () => {
    const ts = Math.floor(now / 1000);
    expect(signBody(secret, ts, body)).toBe(
      `v1=${createHmac("sha256", secret).update(`${ts}.${body.toString()}`).digest("hex")}`,
    );
    const h = signedHeaders(secret, body, now);
    expect(
      verifySignature(
        secret,
        { timestamp: h["x-propdesk-timestamp"], signature: h["x-propdesk-signature"] },
        body,
        now,
      ),
    ).toBe(h["x-propdesk-signature"]);
  });

  it("refuses another secret, another body, a timestamp out of the window, and malformed headers", () => {
    const h = signedHeaders(secret, body, now);
    const headers = { timestamp: h["x-propdesk-timestamp"], signature: h["x-propdesk-signature"] };
    expect(() => verifySignature(newSigningSecret(), headers, body, now)).toThrow(/does not match/);
    expect(() => verifySignature(secret, headers, Buffer.from("[]"), now)).toThrow(/does not match/);
    expect(() => verifySignature(secret, headers, body, now + 301_000)).toThrow(/301 seconds away/);
    expect(() => verifySignature(secret, headers, body, now - 299_000)).not.toThrow();
    expect(() => verifySignature(secret, { ...headers, timestamp: "soon" }, body, now)).toThrow(
      /Timestamp is missing or not/,
    );
    expect(() => verifySignature(secret, { ...headers, signature: "sha256=abc" }, body, now)).toThrow(
      /malformed/,
    );
    expect(newSigningSecret()).toMatch(/^pds_[A-Za-z0-9_-]{43}$/);
  });
});
