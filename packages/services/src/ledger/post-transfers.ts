import { ledger, type TenantDb } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import {
  assertValidTransfer,
  compareForIdempotency,
  type IdempotencyDifference,
  type Transfer,
} from "@propdesk/domain/ledger";

/**
 * The database ledger's write side, with the exact behaviour of the domain's `InMemoryLedger`:
 * - `postTransfers` creates transfers (single-phase ones posted, two-phase ones pending) in one
 *   set-based statement; a key already stored with the same contents is a no-op that returns the
 *   stored transfer, with different contents an IDEMPOTENCY_MISMATCH naming the fields;
 * - `resolveTransfer` posts or voids a pending transfer exactly once.
 * Everything runs in the caller's unit of work, so the ledger moves together with the business
 * change that caused it (an order paid, a payout approved) or not at all.
 */

export interface PostResult {
  outcome: "created" | "duplicate";
  transfer: Transfer;
}

export interface PostOptions {
  /** The desk these transfers belong to; otherwise the desk of each transfer's `refs.challengeId`. */
  deskId?: string | null;
}

function mismatch(key: string, differences: IdempotencyDifference[]): AppError {
  return new AppError(
    "IDEMPOTENCY_MISMATCH",
    `Key ${key} was already used for a different transfer (${differences.map((d) => d.field).join(", ")} differ).`,
    {
      issues: differences.map((d) => ({ path: d.field, message: `was ${d.existing}, now ${d.incoming}` })),
      details: { differences },
    },
  );
}

function checkNew(t: Transfer): void {
  assertValidTransfer(t);
  if (t.status === "voided")
    throw new AppError("VALIDATION", `Transfer ${t.idempotencyKey} cannot be created voided.`, {
      issues: [{ path: "status", message: "must be pending or posted when created" }],
    });
  if (t.twoPhase !== (t.status === "pending"))
    throw new AppError(
      "VALIDATION",
      `Transfer ${t.idempotencyKey}: a two-phase transfer is created pending, a single-phase one posted.`,
      { issues: [{ path: "status", message: "does not match twoPhase" }] },
    );
}

/** Turns what PostgreSQL refused into the error a caller can act on. */
export function ledgerDatabaseError(e: unknown): unknown {
  const pg = ledger.pgErrorOf(e);
  if (!pg) return e;
  if (pg.code === "23514" && pg.message.includes("ledger balance rule")) {
    const m =
      /ledger balance rule: (\S+) for (payout|affiliate) (\S+) would be overdrawn by (\d+) minor units of ([A-Z]{3})/.exec(
        pg.message,
      );
    return new AppError(
      "PRECONDITION_FAILED",
      m
        ? `The ledger refused: ${m[1]} for ${m[2]} ${m[3]} would be overdrawn by ${m[4]} minor units of ${m[5]}; a payout can never be reserved or paid beyond what was approved for it.`
        : `The ledger refused: ${pg.message}.`,
      { cause: e, details: { sqlstate: pg.code } },
    );
  }
  if (pg.code.startsWith("23") || pg.code === "P0001" || pg.code === "42501")
    return new AppError("VALIDATION", `The ledger refused the transfer: ${pg.message}.`, {
      cause: e,
      details: { sqlstate: pg.code },
    });
  return e;
}

/**
 * Posts a batch of transfers in the caller's unit of work. Returns one result per transfer, in the
 * order given (a key repeated inside the batch with the same contents gives two results for one
 * effect). Throws before writing anything if a transfer is malformed; throws (and the unit of work
 * rolls back) on an idempotency mismatch or a balance rule the database enforces.
 */
export async function postTransfers(
  db: TenantDb,
  transfers: readonly Transfer[],
  opts: PostOptions = {},
): Promise<PostResult[]> {
  if (transfers.length === 0) return [];
  const unique = new Map<string, Transfer>();
  for (const t of transfers) {
    checkNew(t);
    const seen = unique.get(t.idempotencyKey);
    if (!seen) unique.set(t.idempotencyKey, t);
    else {
      const cmp = compareForIdempotency(seen, t);
      if (cmp.result === "conflict") throw mismatch(t.idempotencyKey, cmp.differences);
    }
  }
  let inserted: Set<string>;
  try {
    inserted = await ledger.insertTransfers(
      db,
      [...unique.values()].map((transfer) => ({ transfer, deskId: opts.deskId ?? null })),
    );
  } catch (e) {
    throw ledgerDatabaseError(e);
  }
  const existing = new Map<string, Transfer>();
  const others = [...unique.keys()].filter((k) => !inserted.has(k));
  if (others.length > 0) {
    for (const s of await ledger.findTransfersByKeys(db, others))
      existing.set(s.transfer.idempotencyKey, s.transfer);
    for (const key of others) {
      const stored = existing.get(key);
      if (!stored) throw new AppError("INTERNAL", `Transfer ${key} was neither created nor found.`);
      const cmp = compareForIdempotency(stored, unique.get(key)!);
      if (cmp.result === "conflict") throw mismatch(key, cmp.differences);
    }
  }
  return transfers.map((t) =>
    inserted.has(t.idempotencyKey)
      ? { outcome: "created" as const, transfer: unique.get(t.idempotencyKey)! }
      : { outcome: "duplicate" as const, transfer: existing.get(t.idempotencyKey)! },
  );
}

export interface ResolveResult {
  outcome: "posted" | "voided" | "duplicate";
  transfer: Transfer;
}

/**
 * Settles pending two-phase transfers: "posted" makes each reserve real, "voided" releases it.
 * Repeating the same resolution is harmless (`duplicate`); the opposite one, or resolving a
 * single-phase transfer, is ILLEGAL_TRANSITION; an unknown key is NOT_FOUND.
 */
export async function resolveTransfers(
  db: TenantDb,
  resolutions: readonly { idempotencyKey: string; status: "posted" | "voided" }[],
): Promise<ResolveResult[]> {
  if (resolutions.length === 0) return [];
  const want = new Map<string, "posted" | "voided">();
  for (const r of resolutions) {
    if (r.status !== "posted" && r.status !== "voided")
      throw new AppError("VALIDATION", `status: must be "posted" or "voided" (got "${String(r.status)}").`, {
        issues: [{ path: "status", message: 'must be "posted" or "voided"' }],
      });
    const prev = want.get(r.idempotencyKey);
    if (prev && prev !== r.status)
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Transfer ${r.idempotencyKey} cannot be both posted and voided in one request.`,
      );
    want.set(r.idempotencyKey, r.status);
  }
  const locked = new Map(
    (await ledger.lockTransfersByKeys(db, [...want.keys()])).map((s) => [
      s.transfer.idempotencyKey,
      s.transfer,
    ]),
  );
  const changes: { key: string; status: "posted" | "voided" }[] = [];
  for (const [key, status] of want) {
    const t = locked.get(key);
    const verb = status === "posted" ? "post" : "void";
    if (!t) throw new AppError("NOT_FOUND", `No transfer with key ${key} to ${verb}.`);
    if (!t.twoPhase)
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Transfer ${key} is single-phase: it was posted when created and cannot be ${status}; reverse it instead.`,
      );
    if (t.status === status) continue;
    if (t.status !== "pending")
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Transfer ${key} is already ${t.status}; it cannot be ${status} as well.`,
      );
    changes.push({ key, status });
  }
  try {
    await ledger.setTransferStatuses(db, changes);
  } catch (e) {
    throw ledgerDatabaseError(e);
  }
  // The first mention of a changed key reports the change; any repeat (or an unchanged key) is a duplicate.
  const changed = new Set(changes.map((c) => c.key));
  return resolutions.map((r) => {
    const t = locked.get(r.idempotencyKey)!;
    if (!changed.delete(r.idempotencyKey))
      return {
        outcome: "duplicate" as const,
        transfer: t.status === "pending" ? { ...t, status: r.status } : t,
      };
    return { outcome: r.status, transfer: { ...t, status: r.status } };
  });
}

/** Posts or voids one pending transfer (see `resolveTransfers`). */
export async function resolveTransfer(
  db: TenantDb,
  idempotencyKey: string,
  status: "posted" | "voided",
): Promise<ResolveResult> {
  const [r] = await resolveTransfers(db, [{ idempotencyKey, status }]);
  return r!;
}
