import { AppError } from "@propdesk/domain";

/** A JSON value, so the store can be written into a snapshot as is. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface IdempotencyEntry {
  key: string;
  /** The operation and its arguments, canonicalised: the same key must mean the same request. */
  fingerprint: string;
  result: Json;
}

/**
 * Remembers the result of each action by its idempotency key, in memory (the simulator's store;
 * a network bridge keeps its own on the platform side). A repeated key returns the first result
 * without running the action; the same key with other arguments is refused.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, IdempotencyEntry>();

  constructor(entries: readonly IdempotencyEntry[] = []) {
    for (const e of entries) this.entries.set(e.key, e);
  }

  run<T>(
    key: string,
    fingerprint: string,
    codec: { encode(v: T): Json; decode(j: Json): T },
    action: () => T,
  ): T {
    if (typeof key !== "string" || key.length === 0 || key.length > 200) {
      throw new AppError(
        "VALIDATION",
        "idempotencyKey must be a non-empty string of at most 200 characters.",
        {
          issues: [
            { path: "idempotencyKey", message: "must be a non-empty string of at most 200 characters" },
          ],
        },
      );
    }
    const seen = this.entries.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new AppError(
          "IDEMPOTENCY_MISMATCH",
          `Idempotency key "${key}" was already used for another request.`,
          {
            issues: [{ path: "idempotencyKey", message: "already used with different arguments" }],
            details: { first: seen.fingerprint, now: fingerprint },
          },
        );
      }
      return codec.decode(seen.result);
    }
    // Only a successful action is remembered: a refused one may be retried with the same key.
    const result = action();
    this.entries.set(key, { key, fingerprint, result: codec.encode(result) });
    return result;
  }

  get size(): number {
    return this.entries.size;
  }

  toJSON(): IdempotencyEntry[] {
    return [...this.entries.values()];
  }
}

/** Canonical text of an operation and its arguments (bigint as decimal text). */
export function fingerprintOf(op: string, ...args: unknown[]): string {
  return JSON.stringify([op, ...args], (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}
