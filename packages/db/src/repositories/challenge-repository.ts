import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";
import { asTenantSql, type TenantSql } from "../sql-unit-of-work";

const challengeInclude = {
  programVersion: { include: { program: true } },
  trader: true,
  tradingAccounts: { orderBy: { phaseIndex: "asc" } },
} as const;

export type ChallengeWithRelations = Prisma.ChallengeGetPayload<{ include: typeof challengeInclude }>;

export function createChallenge(
  db: TenantDb,
  data: {
    reference: string;
    deskId: string;
    traderId: string;
    programVersionId: string;
    lifecycle: Prisma.InputJsonValue;
    status: string;
    phaseIndex: number;
    attempt: number;
    origin: "manual" | "purchase" | "reset";
    previousChallengeId: string | null;
    currency: string;
    accountSize: bigint;
  },
) {
  return db.challenge.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findChallenge(db: TenantDb, challengeId: string) {
  return db.challenge.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: challengeId } },
    include: challengeInclude,
  });
}

export function findChallengeByReference(db: TenantDb, reference: string) {
  return db.challenge.findUnique({
    where: { tenantId_reference: { tenantId: db.tenantId, reference } },
    include: challengeInclude,
  });
}

/**
 * Locks the challenge row for the rest of the unit of work, so two transitions of one challenge
 * (a breach and a staff override arriving together) are applied one after the other. NO KEY UPDATE
 * (the key never changes): rows that only reference the challenge (trades, payments, decisions) can
 * still be inserted meanwhile instead of waiting for the transition to commit.
 */
export async function lockChallenge(db: TenantDb, challengeId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM challenges WHERE tenant_id = ${db.tenantId}::uuid AND id = ${challengeId}::uuid FOR NO KEY UPDATE`;
  return rows.length === 1;
}

/** Challenges locked by a unit of work: what their transitions need, by id. */
export type LockedChallenges = Map<string, { lifecycle: unknown; deskId: string; lastSeq: number }>;

/** A locked challenge as `lockedChallengesSelect` reads it. */
export interface LockedChallengeRow {
  id: string;
  lifecycle: unknown;
  desk_id: string;
  last_seq: number;
}

/**
 * Takes the challenges' row locks (in id order, so two units of work locking overlapping sets never
 * deadlock), sent with the unit of work's next statement, which must read them with
 * `lockedChallengesSelect`. Under READ COMMITTED a statement that waited for a lock still reads
 * every other table as of its own start, so reading the last seq in the locking statement would
 * miss the event the lock holder committed (and collide with its seq): the read is a statement of
 * its own after the lock.
 */
export async function lockChallenges(
  db: TenantDb | TenantSql,
  challengeIds: readonly string[],
): Promise<string[]> {
  const sql = asTenantSql(db);
  const ids = [...new Set(challengeIds)].sort();
  await sql.execute(
    `SELECT 1 FROM challenges WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
    [sql.tenantId, ids],
  );
  return ids;
}

/** What a transition needs of each locked challenge: the lifecycle, the desk and the last event seq. */
export function lockedChallengesSelect(tenantParam: string, idsParam: string): string {
  return `SELECT c.id::text AS id, c.lifecycle, c.desk_id::text AS desk_id,
      coalesce((SELECT max(e.seq) FROM challenge_events e WHERE e.tenant_id = c.tenant_id AND e.challenge_id = c.id), 0)::int AS last_seq
    FROM challenges c WHERE c.tenant_id = ${tenantParam}::uuid AND c.id = ANY(${idsParam}::uuid[])`;
}

export function toLockedChallenges(rows: readonly LockedChallengeRow[]): LockedChallenges {
  return new Map(rows.map((r) => [r.id, { lifecycle: r.lifecycle, deskId: r.desk_id, lastSeq: r.last_seq }]));
}

/**
 * Locks the challenges for a unit of work's transitions and returns what a transition needs, in one
 * round trip however many challenges (live risk commits bursts of breaches).
 */
export async function lockChallengesForTransition(
  db: TenantDb | TenantSql,
  challengeIds: readonly string[],
): Promise<LockedChallenges> {
  const sql = asTenantSql(db);
  const ids = await lockChallenges(sql, challengeIds);
  return toLockedChallenges(
    await sql.query<LockedChallengeRow>(lockedChallengesSelect("$1", "$2"), [sql.tenantId, ids]),
  );
}

/** Stores new lifecycle states (one statement for all). */
export async function updateChallengeStates(
  db: TenantDb | TenantSql,
  rows: ReadonlyArray<{
    challengeId: string;
    lifecycle: unknown;
    status: string;
    phaseIndex: number;
    statusChanged: boolean;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  const sql = asTenantSql(db);
  await sql.execute(
    `UPDATE challenges c SET lifecycle = x.lifecycle, status = x.status, phase_index = x.phase_index, updated_at = now(),
      status_changed_at = CASE WHEN x.changed THEN now() ELSE c.status_changed_at END
    FROM unnest($2::uuid[], $3::jsonb[], $4::text[], $5::int[], $6::boolean[])
      AS x(id, lifecycle, status, phase_index, changed)
    WHERE c.tenant_id = $1::uuid AND c.id = x.id`,
    [
      sql.tenantId,
      rows.map((r) => r.challengeId),
      rows.map((r) => JSON.stringify(r.lifecycle)),
      rows.map((r) => r.status),
      rows.map((r) => r.phaseIndex),
      rows.map((r) => r.statusChanged),
    ],
  );
}

/** Appends events (their seqs chosen by the caller, with the challenges locked). */
export async function insertChallengeEvents(
  db: TenantDb | TenantSql,
  rows: readonly ChallengeEventInsert[],
): Promise<void> {
  if (rows.length === 0) return;
  const sql = asTenantSql(db);
  await sql.execute(
    `INSERT INTO challenge_events (tenant_id, challenge_id, seq, kind, type, phase_index, trading_account_id, from_state,
      to_state, cause, details, occurred_at)
    SELECT $1::uuid, x.c, x.s, x.k, x.ty, x.p, x.a, x.f, x.t, x.ca, x.d, x.o
    FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::int[], $7::uuid[], $8::text[], $9::text[],
      $10::jsonb[], $11::jsonb[], $12::timestamptz[]) AS x(c, s, k, ty, p, a, f, t, ca, d, o)`,
    [
      sql.tenantId,
      rows.map((r) => r.challengeId),
      rows.map((r) => r.seq),
      rows.map((r) => r.kind),
      rows.map((r) => r.type),
      rows.map((r) => r.phaseIndex),
      rows.map((r) => r.tradingAccountId),
      rows.map((r) => r.fromState),
      rows.map((r) => r.toState),
      rows.map((r) => JSON.stringify(r.cause)),
      rows.map((r) => JSON.stringify(r.details)),
      rows.map((r) => r.occurredAt),
    ],
  );
}

/** A challenge event to append (its seq chosen by the caller, with the challenge locked). */
export interface ChallengeEventInsert {
  challengeId: string;
  seq: number;
  kind: "lifecycle" | "engine";
  type: string;
  phaseIndex: number;
  tradingAccountId: string | null;
  fromState: string | null;
  toState: string | null;
  cause: Prisma.InputJsonValue;
  details: Prisma.InputJsonValue;
  occurredAt: Date;
}

export function listChallengeEvents(db: TenantDb, challengeId: string) {
  return db.challengeEvent.findMany({ where: { challengeId }, orderBy: { seq: "asc" } });
}

export function listTraderChallenges(db: TenantDb, traderId: string) {
  return db.challenge.findMany({
    where: { traderId },
    orderBy: { createdAt: "desc" },
    include: challengeInclude,
  });
}

export function listChallenges(
  db: TenantDb,
  opts: {
    deskIds: readonly string[] | null;
    statuses?: readonly string[] | undefined;
    traderId?: string | undefined;
    take: number;
    skip?: number;
  },
) {
  return db.challenge.findMany({
    where: {
      ...(opts.deskIds === null ? {} : { deskId: { in: [...opts.deskIds] } }),
      ...(opts.statuses?.length ? { status: { in: [...opts.statuses] } } : {}),
      ...(opts.traderId ? { traderId: opts.traderId } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take,
    skip: opts.skip ?? 0,
    include: challengeInclude,
  });
}

/**
 * Challenges whose next platform account is not open yet (just bought, or between phases), with
 * their newest event's seq: what a held-back provisioning is resumed from.
 */
export async function listChallengesAwaitingAccount(
  db: TenantDb,
  where: { traderId?: string; deskId?: string },
) {
  const rows = await db.challenge.findMany({
    where: {
      status: { in: ["provisioned", "awaiting_next_phase"] },
      ...(where.traderId ? { traderId: where.traderId } : {}),
      ...(where.deskId ? { deskId: where.deskId } : {}),
    },
    select: {
      id: true,
      deskId: true,
      traderId: true,
      lifecycle: true,
      events: { select: { seq: true }, orderBy: { seq: "desc" }, take: 1 },
    },
  });
  return rows.map(({ events, ...c }) => ({ ...c, lastEventSeq: events[0]?.seq ?? 0 }));
}

export function createTradingAccount(
  db: TenantDb,
  data: {
    challengeId: string;
    phaseIndex: number;
    platform: "simulator" | "bridge";
    currency: string;
    initialBalance: bigint;
  },
) {
  return db.tradingAccount.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findTradingAccount(db: TenantDb, accountId: string) {
  return db.tradingAccount.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id: accountId } } });
}

export function findTradingAccountByPhase(db: TenantDb, challengeId: string, phaseIndex: number) {
  return db.tradingAccount.findUnique({
    where: { tenantId_challengeId_phaseIndex: { tenantId: db.tenantId, challengeId, phaseIndex } },
  });
}

export function findTradingAccountByPlatformId(db: TenantDb, platform: string, platformAccountId: string) {
  return db.tradingAccount.findFirst({ where: { platform, platformAccountId } });
}

/** The account's trading flag after a platform action (plain SQL: the live-risk fast path). */
export async function setTradingAccountEnabled(sql: TenantSql, accountId: string, enabled: boolean) {
  await sql.execute(
    "UPDATE trading_accounts SET trading_enabled = $3 WHERE tenant_id = $1::uuid AND id = $2::uuid",
    [sql.tenantId, accountId, enabled],
  );
}

export function updateTradingAccount(
  db: TenantDb,
  accountId: string,
  data: Partial<{
    platformAccountId: string;
    login: string;
    status: string;
    tradingEnabled: boolean;
    provisionedAt: Date;
    closedAt: Date;
  }>,
) {
  return db.tradingAccount.update({ where: { tenantId_id: { tenantId: db.tenantId, id: accountId } }, data });
}
