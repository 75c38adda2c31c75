import { randomBytes } from "node:crypto";
import { AppError } from "@propdesk/domain";
import type { Redis } from "ioredis";
import { hmacHex, safeEqual } from "../crypto/secrets";
import { redisKey } from "../redis/redis";

/**
 * CSRF protection for every form: a token bound to the visitor's session (or pre-session cookie),
 * signed with SESSION_SECRET, valid for a few hours and accepted once per form. A token from another
 * session, a forged one, an expired one or one already used by that form (a replay) is refused.
 *
 * A page renders one token into all its forms, and each form's field appends its own id
 * (`nonce.issued.sig.form`): submitting one form leaves the page's other forms usable before the page
 * has reloaded its new token, while the same form sent twice is still refused.
 */
const maxAgeSeconds = 4 * 60 * 60;

export function issueCsrfToken(secret: string, binding: string, now: Date = new Date()): string {
  const nonce = randomBytes(16).toString("base64url");
  const issuedAt = Math.floor(now.getTime() / 1000);
  const sig = hmacHex(secret, `csrf|${binding}|${nonce}|${issuedAt}`);
  return `${nonce}.${issuedAt}.${sig}`;
}

export async function consumeCsrfToken(
  redis: Redis,
  secret: string,
  binding: string,
  token: unknown,
  now: Date = new Date(),
): Promise<void> {
  const refuse = (why: string) => {
    throw new AppError(
      "FORBIDDEN",
      `This form could not be accepted: ${why} Reload the page and try again.`,
      {
        details: { csrf: true },
      },
    );
  };
  if (typeof token !== "string" || token.length > 240) return refuse("its security token is missing.");
  const parts = token.split(".");
  const [nonce, issued, sig, form = ""] = parts;
  if (
    parts.length > 4 ||
    !nonce ||
    !issued ||
    !sig ||
    !/^\d+$/.test(issued) ||
    !/^[A-Za-z0-9_-]{0,40}$/.test(form)
  )
    return refuse("its security token is malformed.");
  const expected = hmacHex(secret, `csrf|${binding}|${nonce}|${issued}`);
  if (!safeEqual(expected, sig)) return refuse("its security token does not belong to this session.");
  const age = Math.floor(now.getTime() / 1000) - Number(issued);
  if (age < -60 || age > maxAgeSeconds) return refuse("the page was open too long.");
  const fresh = await redis.set(
    redisKey("csrf", form ? `${nonce}:${form}` : nonce),
    "1",
    "EX",
    maxAgeSeconds + 120,
    "NX",
  );
  if (fresh !== "OK") return refuse("it was already submitted once.");
}
