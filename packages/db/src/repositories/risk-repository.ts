import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";
import { asTenantSql, type TenantSql } from "../sql-unit-of-work";
import {
  type LockedChallengeRow,
  type LockedChallenges,
  lockChallenges,
  lockedChallengesSelect,
  toLockedChallenges,
} from "./challenge-repository";

/**
 * Live risk on the Prisma path: desk risk settings, control inputs written inside a use case's unit
 * of work (a phase start, an override's restore, a suspension), engine decisions, engine states and
 * equity bars for the console and the portal. The hot ingest/evaluation queries are in
 * risk-pipeline-repository.ts.
 */

// ---------------------------------------------------------------- desk settings

export function findDeskRiskSettings(db: TenantDb, deskId: string) {
  return db.riskDeskSettings.findUnique({ where: { tenantId_deskId: { tenantId: db.tenantId, deskId } } });
}

export function listDeskRiskSettings(db: TenantDb) {
  return db.riskDeskSettings.findMany();
}

export function upsertDeskRiskSettings(
  db: TenantDb,
  deskId: string,
  data: Partial<{
    platform: string;
    tradingHalted: boolean;
    haltedAt: Date | null;
    haltedByUserId: string | null;
    haltedByLabel: string | null;
    haltReason: string | null;
  }>,
) {
  return db.riskDeskSettings.upsert({
    where: { tenantId_deskId: { tenantId: db.tenantId, deskId } },
    create: { tenantId: db.tenantId, deskId, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

// ---------------------------------------------------------------- control inputs

export interface ControlInput {
  partition: number;
  challengeId: string;
  tradingAccountId: string;
  phaseIndex: number;
  source: "scheduler" | "lifecycle";
  kind: "clock" | "phase_start" | "restore" | "suspend" | "unsuspend";
  controlKey: string;
  tMs: number;
  details?: Prisma.InputJsonValue | null;
}

/**
 * Takes the partition's ordering lock for the rest of the unit of work. Every unit of work takes its
 * locks in one order: the challenges (a transition locks them first), then the partition, then the
 * firm's audit chain (appended last). So a transition that appends a control input takes the
 * partition in `applyChallengeEvents`' `beforeAudit`: late, because the ingest of the whole partition
 * waits while it is held, and before the audit append, because every audited action of the firm
 * waits while the chain is held.
 */
export async function lockInputPartition(db: TenantDb, partition: number): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('risk:' || ${db.tenantId}), ${partition}::int)`;
}

/**
 * Appends a control input to the engine's input log in the caller's unit of work (so it exists
 * exactly when the transition that asked for it commits), under the partition's ordering lock.
 * Idempotent by `controlKey`: returns the new input id, or null when it was already there.
 *
 * One statement takes the lock, inserts and wakes the partition's evaluator: the lock is held to the
 * end of the unit of work and the ingest of the whole partition waits for it, so every round trip
 * after it counts. The input id is drawn at the insert, after the lock is granted. Only a new input
 * wakes the evaluator (one already there did when it was stored); the wake-up's void result is read
 * as text, which Prisma can decode.
 */
export async function insertControlInput(db: TenantDb, input: ControlInput): Promise<number | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH locked AS (SELECT pg_advisory_xact_lock(hashtext('risk:' || ${db.tenantId}), ${input.partition}::int)),
    ins AS (
      INSERT INTO risk_inputs (tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind,
        control_key, t_ms, details, received_at_ms)
      SELECT ${db.tenantId}::uuid, ${input.partition}::smallint, ${input.challengeId}::uuid,
        ${input.tradingAccountId}::uuid, ${input.phaseIndex}::smallint, ${input.source}, ${input.kind},
        ${input.controlKey}, ${input.tMs}::bigint, ${input.details === undefined || input.details === null ? null : JSON.stringify(input.details)}::jsonb,
        ${Date.now()}::bigint
      FROM locked
      ON CONFLICT (tenant_id, control_key) WHERE control_key IS NOT NULL DO NOTHING
      RETURNING input_id)
    SELECT input_id::text AS id,
      pg_notify('propdesk_risk', ${db.tenantId} || ':' || ${input.partition}::int)::text AS notified
    FROM ins`;
  return rows[0] ? Number(rows[0].id) : null;
}

// ---------------------------------------------------------------- decisions

export interface NewDecision {
  challengeId: string;
  tradingAccountId: string;
  inputId: number;
  idx: number;
  phaseIndex: number;
  type: string;
  rule: string;
  tMs: number;
  decision: Prisma.InputJsonValue;
  stateBefore: Prisma.InputJsonValue | null;
}

/** Inserts a decision unless one with the same (challenge, input, idx) exists; returns its id or null. */
export async function insertDecision(db: TenantDb, d: NewDecision): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO risk_decisions (tenant_id, challenge_id, trading_account_id, input_id, idx, phase_index, type, rule,
      t_ms, decision, state_before)
    VALUES (${db.tenantId}::uuid, ${d.challengeId}::uuid, ${d.tradingAccountId}::uuid, ${d.inputId}::bigint,
      ${d.idx}::smallint, ${d.phaseIndex}::int, ${d.type}, ${d.rule}, ${d.tMs}::bigint,
      ${JSON.stringify(d.decision)}::jsonb, ${d.stateBefore === null ? null : JSON.stringify(d.stateBefore)}::jsonb)
    ON CONFLICT (tenant_id, challenge_id, input_id, idx) DO NOTHING
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

export function recordDecisionOutcome(
  db: TenantDb,
  decisionId: string,
  data: { engineEventSeq: number | null; lifecycleEventSeq: number | null; lifecycleNote: string | null },
) {
  return db.riskDecision.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: decisionId } },
    data,
  });
}

export function listChallengeDecisions(db: TenantDb, challengeId: string) {
  return db.riskDecision.findMany({
    where: { challengeId },
    orderBy: [{ inputId: "asc" }, { idx: "asc" }],
  });
}

/** The failure an override would undo: the latest breach or expiry of the challenge not yet overridden. */
export function findOverridableFailure(db: TenantDb, challengeId: string) {
  return db.riskDecision.findFirst({
    where: { challengeId, type: { in: ["breached", "expired"] }, overriddenAt: null },
    orderBy: [{ inputId: "desc" }, { idx: "desc" }],
  });
}

export function markDecisionOverridden(db: TenantDb, decisionId: string, label: string, reason: string) {
  return db.riskDecision.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: decisionId } },
    data: { overriddenAt: new Date(), overriddenByLabel: label, overrideReason: reason },
  });
}

export interface DecisionListRow {
  id: string;
  challenge_id: string;
  reference: string;
  desk_id: string;
  trader_name: string;
  trading_account_id: string;
  input_id: string;
  type: string;
  rule: string;
  phase_index: number;
  t_ms: string;
  decision: unknown;
  decided_at: Date;
  overridden_at: Date | null;
  overridden_by_label: string | null;
  override_reason: string | null;
  lifecycle_note: string | null;
  program_version_id: string;
  definition: unknown;
  challenge_status: string;
  currency: string;
}

/** Recent decisions of the given types on the given desks (null: all desks), newest first. */
export function listRecentDecisions(
  db: TenantDb,
  opts: { types: readonly string[]; deskIds: readonly string[] | null; take: number },
) {
  return db.$queryRaw<DecisionListRow[]>`
    SELECT d.id::text, d.challenge_id::text, c.reference, c.desk_id::text, t.name AS trader_name,
      d.trading_account_id::text, d.input_id::text, d.type, d.rule, d.phase_index, d.t_ms::text, d.decision, d.decided_at,
      d.overridden_at, d.overridden_by_label, d.override_reason, d.lifecycle_note, c.program_version_id::text,
      v.definition, c.status AS challenge_status, c.currency
    FROM risk_decisions d
    JOIN challenges c ON c.tenant_id = d.tenant_id AND c.id = d.challenge_id
    JOIN traders t ON t.tenant_id = c.tenant_id AND t.id = c.trader_id
    JOIN program_versions v ON v.tenant_id = c.tenant_id AND v.id = c.program_version_id
    WHERE d.tenant_id = ${db.tenantId}::uuid AND d.type = ANY(${[...opts.types]}::text[])
      AND (${opts.deskIds === null} OR c.desk_id = ANY(${opts.deskIds ?? []}::uuid[]))
    ORDER BY d.decided_at DESC
    LIMIT ${opts.take}`;
}

// ---------------------------------------------------------------- inputs (evidence, replay)

export function findInput(db: TenantDb, inputId: bigint) {
  return db.riskInput.findUnique({ where: { tenantId_inputId: { tenantId: db.tenantId, inputId } } });
}

/** Inputs stored for a challenge's trading accounts, evaluated and stale. */
export function countAccountInputs(db: TenantDb, tradingAccountIds: readonly string[]) {
  return db.riskInput.groupBy({
    by: ["stale"],
    where: { tradingAccountId: { in: [...tradingAccountIds] } },
    _count: { _all: true },
  });
}

/** The latest platform updates of some trading accounts (by platform seq), newest first. */
export function listRecentAccountInputs(db: TenantDb, tradingAccountIds: readonly string[], take: number) {
  return db.riskInput.findMany({
    where: { tradingAccountId: { in: [...tradingAccountIds] }, seq: { not: null } },
    orderBy: { inputId: "desc" },
    take,
  });
}

// ---------------------------------------------------------------- engine states

export function findEngineState(db: TenantDb, challengeId: string) {
  return db.riskEngineState.findUnique({
    where: { tenantId_challengeId: { tenantId: db.tenantId, challengeId } },
  });
}

export interface LiveAccountRow {
  challenge_id: string;
  reference: string;
  desk_id: string;
  trader_id: string;
  trader_name: string;
  program_name: string;
  challenge_status: string;
  phase_index: number;
  engine_status: string;
  suspended: boolean;
  platform: string;
  currency: string;
  balance: string;
  equity: string;
  open_positions: number;
  daily_floor: string | null;
  max_loss_floor: string | null;
  room: string | null;
  room_bp: number | null;
  last_t_ms: string;
  updated_at: Date;
}

export type LiveSort = "room" | "room_abs" | "equity" | "updated";

/** The live risk table: every evaluated challenge on the desks, sorted by room left (tightest first). */
export function listLiveAccounts(
  db: TenantDb,
  opts: {
    deskIds: readonly string[] | null;
    statuses: readonly string[] | null;
    sort: LiveSort;
    take: number;
  },
) {
  const order =
    opts.sort === "room_abs"
      ? "s.room ASC NULLS LAST"
      : opts.sort === "equity"
        ? "s.equity DESC"
        : opts.sort === "updated"
          ? "s.updated_at DESC"
          : "s.room_bp ASC NULLS LAST";
  return db.$queryRawUnsafe<LiveAccountRow[]>(
    `SELECT s.challenge_id::text, c.reference, c.desk_id::text, c.trader_id::text, t.name AS trader_name,
       p.name AS program_name, c.status AS challenge_status, s.phase_index, s.engine_status, s.suspended, s.platform,
       s.currency, s.balance::text, s.equity::text, s.open_positions, s.daily_floor::text, s.max_loss_floor::text,
       s.room::text, s.room_bp, s.last_t_ms::text, s.updated_at
     FROM risk_engine_states s
     JOIN challenges c ON c.tenant_id = s.tenant_id AND c.id = s.challenge_id
     JOIN traders t ON t.tenant_id = c.tenant_id AND t.id = c.trader_id
     JOIN program_versions v ON v.tenant_id = c.tenant_id AND v.id = c.program_version_id
     JOIN programs p ON p.tenant_id = v.tenant_id AND p.id = v.program_id
     WHERE s.tenant_id = $1::uuid AND ($2::boolean OR c.desk_id = ANY($3::uuid[]))
       AND ($4::boolean OR c.status = ANY($5::text[]))
     ORDER BY ${order}, c.reference
     LIMIT $6`,
    db.tenantId,
    opts.deskIds === null,
    opts.deskIds ?? [],
    opts.statuses === null,
    opts.statuses ?? [],
    opts.take,
  );
}

/** Counts of evaluated challenges per engine status on the desks (the console's summary tiles). */
export function countLiveAccounts(db: TenantDb, deskIds: readonly string[] | null) {
  return db.$queryRaw<Array<{ status: string; n: number }>>`
    SELECT c.status, count(*)::int AS n FROM risk_engine_states s
    JOIN challenges c ON c.tenant_id = s.tenant_id AND c.id = s.challenge_id
    WHERE s.tenant_id = ${db.tenantId}::uuid AND (${deskIds === null} OR c.desk_id = ANY(${deskIds ?? []}::uuid[]))
    GROUP BY c.status`;
}

// ---------------------------------------------------------------- equity bars

export function listEquityBars(db: TenantDb, tradingAccountId: string, fromHourMs: number, toHourMs: number) {
  return db.riskEquityBars.findMany({
    where: { tradingAccountId, hourMs: { gte: BigInt(fromHourMs), lte: BigInt(toHourMs) } },
    orderBy: { hourMs: "asc" },
  });
}

/** The first and last hour with bars (the chart's full range). */
export async function equityBarRange(
  db: TenantDb,
  tradingAccountId: string,
): Promise<{ first: number; last: number } | null> {
  const r = await db.riskEquityBars.aggregate({
    where: { tradingAccountId },
    _min: { hourMs: true },
    _max: { hourMs: true },
  });
  return r._min.hourMs === null || r._max.hourMs === null
    ? null
    : { first: Number(r._min.hourMs), last: Number(r._max.hourMs) };
}

// ---------------------------------------------------------------- challenge events

/** One event of a challenge's history by its sequence number. */
export function findChallengeEventBySeq(db: TenantDb, challengeId: string, seq: number) {
  return db.challengeEvent.findUnique({
    where: { tenantId_challengeId_seq: { tenantId: db.tenantId, challengeId, seq } },
  });
}

// ---------------------------------------------------------------- decisions in batches (the evaluator)

/**
 * Locks the decisions' challenges (as `lockChallengesForTransition`) and inserts the decisions,
 * skipping those already stored (same challenge, input and index: an evaluator that crashed after
 * committing them), in one round trip: returns the new decisions and the locked challenges.
 */
export async function insertDecisionsLocking(
  db: TenantDb | TenantSql,
  rows: readonly NewDecision[],
): Promise<{
  inserted: Array<{ id: string; challengeId: string; inputId: number; idx: number }>;
  locked: LockedChallenges;
}> {
  if (rows.length === 0) return { inserted: [], locked: new Map() };
  const sql = asTenantSql(db);
  const ids = await lockChallenges(
    sql,
    rows.map((r) => r.challengeId),
  );
  const col = <K extends keyof NewDecision>(k: K) => rows.map((r) => r[k]);
  // One statement after the lock: its read sees what a lock holder committed (see lockChallenges);
  // the decisions it inserts are not among what it reads.
  const [result] = await sql.query<{
    inserted: Array<{ id: string; c: string; i: number; x: number }>;
    locked: LockedChallengeRow[];
  }>(
    `WITH ins AS (
      INSERT INTO risk_decisions (tenant_id, challenge_id, trading_account_id, input_id, idx, phase_index, type, rule,
        t_ms, decision, state_before)
      SELECT $1::uuid, x.c, x.a, x.i, x.x, x.p, x.ty, x.r, x.t, x.d::jsonb, x.s::jsonb
      FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::smallint[], $6::int[], $7::text[], $8::text[], $9::bigint[],
        $10::text[], $11::text[]) AS x(c, a, i, x, p, ty, r, t, d, s)
      ON CONFLICT (tenant_id, challenge_id, input_id, idx) DO NOTHING
      RETURNING id::text AS id, challenge_id::text AS c, input_id AS i, idx AS x),
    locked AS (${lockedChallengesSelect("$1", "$12")})
    SELECT (SELECT coalesce(json_agg(ins), '[]') FROM ins) AS inserted,
      (SELECT coalesce(json_agg(locked), '[]') FROM locked) AS locked`,
    [
      sql.tenantId,
      col("challengeId"),
      col("tradingAccountId"),
      col("inputId"),
      col("idx"),
      col("phaseIndex"),
      col("type"),
      col("rule"),
      col("tMs"),
      rows.map((r) => JSON.stringify(r.decision)),
      rows.map((r) => (r.stateBefore === null ? null : JSON.stringify(r.stateBefore))),
      ids,
    ],
  );
  return {
    inserted: result!.inserted.map((r) => ({ id: r.id, challengeId: r.c, inputId: Number(r.i), idx: r.x })),
    locked: toLockedChallenges(result!.locked),
  };
}

export interface EngineEventRow {
  challengeId: string;
  seq: number;
  type: string;
  phaseIndex: number;
  tradingAccountId: string;
  cause: unknown;
  details: unknown;
  occurredAt: Date;
}

/** Appends engine decisions to their challenges' histories (kind `engine`), in one statement. */
export async function insertEngineEvents(
  db: TenantDb | TenantSql,
  rows: readonly EngineEventRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const sql = asTenantSql(db);
  await sql.execute(
    `INSERT INTO challenge_events (tenant_id, challenge_id, seq, kind, type, phase_index, trading_account_id, cause,
      details, occurred_at)
    SELECT $1::uuid, x.c, x.s, 'engine', x.ty, x.p, x.a, x.ca::jsonb, x.d::jsonb, x.o
    FROM unnest($2::uuid[], $3::int[], $4::text[], $5::int[], $6::uuid[], $7::text[], $8::text[], $9::timestamptz[])
      AS x(c, s, ty, p, a, ca, d, o)`,
    [
      sql.tenantId,
      rows.map((r) => r.challengeId),
      rows.map((r) => r.seq),
      rows.map((r) => r.type),
      rows.map((r) => r.phaseIndex),
      rows.map((r) => r.tradingAccountId),
      rows.map((r) => JSON.stringify(r.cause)),
      rows.map((r) => JSON.stringify(r.details)),
      rows.map((r) => r.occurredAt),
    ],
  );
}

/** Which challenge event each decision became and what its transition did, in one statement. */
export async function recordDecisionOutcomes(
  db: TenantDb | TenantSql,
  rows: ReadonlyArray<{
    id: string;
    engineEventSeq: number;
    lifecycleEventSeq: number | null;
    lifecycleNote: string | null;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  const sql = asTenantSql(db);
  await sql.execute(
    `UPDATE risk_decisions d SET engine_event_seq = x.e, lifecycle_event_seq = x.l, lifecycle_note = x.n
    FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[]) AS x(id, e, l, n)
    WHERE d.tenant_id = $1::uuid AND d.id = x.id`,
    [
      sql.tenantId,
      rows.map((r) => r.id),
      rows.map((r) => r.engineEventSeq),
      rows.map((r) => r.lifecycleEventSeq),
      rows.map((r) => r.lifecycleNote),
    ],
  );
}

/** Ids and lifecycle of a desk's challenges in some states (the emergency stop works through them). */
export function listDeskChallenges(db: TenantDb, deskId: string, statuses: readonly string[], take: number) {
  return db.challenge.findMany({
    where: { deskId, status: { in: [...statuses] } },
    select: { id: true, status: true, lifecycle: true },
    orderBy: { id: "asc" },
    take,
  });
}
