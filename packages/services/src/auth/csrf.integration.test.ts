import { describe, expect, it } from "vitest";
import { redis } from "../redis/redis";
import { consumeCsrfToken, issueCsrfToken } from "./csrf";

const secret = "csrf-test-secret-0123456789abcdef";
const binding = `staff:${Math.random().toString(36).slice(2)}`;
const consume = (token: unknown, b = binding) => consumeCsrfToken(redis(), secret, b, token);

describe("CSRF tokens on real Redis", () => {
  it("one page token serves each of the page's forms once", async () => {
    const page = issueCsrfToken(secret, binding);
    // Two forms of one page (their fields append their own ids): both go through, one after the other.
    await expect(consume(`${page}.R1`)).resolves.toBeUndefined();
    await expect(consume(`${page}.R2`)).resolves.toBeUndefined();
    // The same form sent again is a replay.
    await expect(consume(`${page}.R1`)).rejects.toThrow(/already submitted once/);
    // A token without a form id (a page rendered before form ids) is accepted once too.
    const old = issueCsrfToken(secret, binding);
    await expect(consume(old)).resolves.toBeUndefined();
    await expect(consume(old)).rejects.toThrow(/already submitted once/);
  });

  it("refuses forged, foreign, expired and malformed tokens", async () => {
    const page = issueCsrfToken(secret, binding);
    const [nonce, issued] = page.split(".");
    await expect(consume(`${nonce}.${issued}.${"0".repeat(64)}.R1`)).rejects.toThrow(
      /does not belong to this session/,
    );
    await expect(consume(`${page}.R1`, "staff:someone-else")).rejects.toThrow(
      /does not belong to this session/,
    );
    const stale = issueCsrfToken(secret, binding, new Date(Date.now() - 5 * 3600 * 1000));
    await expect(consume(`${stale}.R1`)).rejects.toThrow(/open too long/);
    await expect(consume(`${page}.R1.extra`)).rejects.toThrow(/malformed/);
    await expect(consume(`${page}.has space`)).rejects.toThrow(/malformed/);
    await expect(consume(undefined)).rejects.toThrow(/missing/);
    // None of the refusals used the form's one submission.
    await expect(consume(`${page}.R1`)).resolves.toBeUndefined();
  });
});
