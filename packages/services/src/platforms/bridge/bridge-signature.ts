import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "@propdesk/domain";

/**
 * The bridge's signature scheme, both ways (a connector's deliveries to PropDesk and PropDesk's
 * actions to the connector): `X-PropDesk-Timestamp: <unix seconds>` and
 * `X-PropDesk-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. A request outside
 * the tolerance window is refused, so a captured request cannot be replayed later; within the
 * window PropDesk remembers each accepted signature and refuses it a second time.
 */
export const signatureHeader = "x-propdesk-signature";
export const timestampHeader = "x-propdesk-timestamp";
export const keyHeader = "x-propdesk-key";
/** Five minutes either way, as Stripe and most webhook senders use. */
export const toleranceSeconds = 300;

export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `v1=${mac.digest("hex")}`;
}

/** Headers for a signed request made now. */
export function signedHeaders(
  secret: string,
  body: string | Buffer,
  nowMs = Date.now(),
): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { [timestampHeader]: String(ts), [signatureHeader]: signBody(secret, ts, body) };
}

/** A new signing secret for a key or a webhook, shown once: `pds_` + 32 random bytes. */
export function newSigningSecret(): string {
  return `pds_${randomBytes(32).toString("base64url")}`;
}

/**
 * Checks a request's timestamp and signature; throws `AppError("UNAUTHENTICATED")` naming what is
 * wrong. Returns the verified signature (its hash is the replay key).
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Buffer,
  nowMs = Date.now(),
): string {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    throw new AppError("UNAUTHENTICATED", "X-PropDesk-Timestamp is missing or not a Unix time in seconds.", {
      issues: [{ path: "headers.x-propdesk-timestamp", message: "missing or not a number" }],
    });
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > toleranceSeconds)
    throw new AppError(
      "UNAUTHENTICATED",
      `The request timestamp is ${Math.round(skew)} seconds away from PropDesk's clock; at most ${toleranceSeconds} are accepted. Sign each request when you send it.`,
      {
        issues: [{ path: "headers.x-propdesk-timestamp", message: "outside the tolerance window" }],
        details: { reason: "timestamp_out_of_tolerance" },
      },
    );
  if (!signature || !/^v1=[0-9a-f]{64}$/.test(signature))
    throw new AppError(
      "UNAUTHENTICATED",
      'X-PropDesk-Signature is missing or malformed: expected "v1=" followed by 64 hex digits.',
      { issues: [{ path: "headers.x-propdesk-signature", message: "missing or malformed" }] },
    );
  const expected = Buffer.from(signBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new AppError(
      "UNAUTHENTICATED",
      "The signature does not match the body: sign exactly the bytes you send, as <timestamp>.<body>, with the key's secret.",
      {
        issues: [{ path: "headers.x-propdesk-signature", message: "does not match" }],
        details: { reason: "bad_signature" },
      },
    );
  return signature;
}
