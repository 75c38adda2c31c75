import type { PlatformSql, TenantRead, TenantSql } from "../sql-unit-of-work";

/**
 * The live risk pipeline's hot queries, in plain SQL over `TenantSql` (ingest and evaluation move
 * tens of thousands of rows a second): writing platform updates into the engine's input log,
 * reading a partition's inputs in order, and checkpointing engine states, equity bars and cursors.
 *
 * Ordering: every writer of `risk_inputs` holds `pg_advisory_xact_lock(hashtext('risk:' || tenant),
 * partition)` for the partitions it writes, taken in ascending order, until it commits. So within a
 * partition `input_id` order is commit order, and a reader of `input_id > cursor` never skips a row.
 */

/** Locks the partitions (ascending) for the rest of the transaction. */
export async function lockPartitions(sql: TenantSql, partitions: readonly number[]): Promise<void> {
  const sorted = [...new Set(partitions)].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  await sql.execute(
    `SELECT pg_advisory_xact_lock(hashtext('risk:' || $1), s.p)
     FROM (SELECT p FROM unnest($2::int[]) AS u(p) ORDER BY p) AS s`,
    [sql.tenantId, sorted],
  );
}

/** Wakes the evaluators of these partitions when the transaction commits. */
export async function notifyPartitions(sql: TenantSql, partitions: readonly number[]): Promise<void> {
  const unique = [...new Set(partitions)];
  if (unique.length === 0) return;
  await sql.execute(`SELECT pg_notify('propdesk_risk', $1 || ':' || p) FROM unnest($2::int[]) AS u(p)`, [
    sql.tenantId,
    unique,
  ]);
}

/**
 * Under the partition locks: each partition's newest input id (0 for none), the highest platform
 * seq stored for each of `accountIds` (accounts with none are absent), and which of `signatures`
 * (signed deliveries) were already accepted, in one round trip.
 */
export async function partitionHeads(
  sql: TenantSql,
  partitions: readonly number[],
  accountIds: readonly string[],
  signatures: readonly string[] = [],
): Promise<{ heads: Map<number, number>; seqs: Map<string, number>; delivered: Set<string> }> {
  const rows = await sql.query<{ k: string; id: string; v: string | null }>(
    `SELECT 'p' AS k, u.p::text AS id,
       (SELECT max(r.input_id) FROM risk_inputs r WHERE r.tenant_id = $1 AND r.partition = u.p)::text AS v
     FROM unnest($2::int[]) AS u(p)
     UNION ALL
     SELECT 'a', a.id::text, m.s::text
     FROM unnest($3::uuid[]) AS a(id)
     CROSS JOIN LATERAL (SELECT max(seq) AS s FROM risk_inputs r
       WHERE r.tenant_id = $1 AND r.trading_account_id = a.id) AS m
     WHERE m.s IS NOT NULL
     UNION ALL
     SELECT 'd', d.signature_hash, NULL FROM bridge_deliveries d
     WHERE d.tenant_id = $1 AND d.signature_hash = ANY($4::text[])`,
    [sql.tenantId, partitions, accountIds, signatures],
  );
  const heads = new Map<number, number>();
  const seqs = new Map<string, number>();
  const delivered = new Set<string>();
  for (const r of rows) {
    if (r.k === "p") heads.set(Number(r.id), Number(r.v ?? 0));
    else if (r.k === "a") seqs.set(r.id, Number(r.v));
    else delivered.add(r.id);
  }
  return { heads, seqs, delivered };
}

/**
 * The highest platform seq per account among the inputs stored in each partition after the given
 * input id (input ids grow under the partition lock, so these are every input written since).
 */
export async function platformSeqsSince(
  sql: TenantSql,
  since: ReadonlyArray<{ partition: number; afterInputId: number }>,
): Promise<Array<{ partition: number; account: string; seq: number }>> {
  if (since.length === 0) return [];
  const rows = await sql.query<{ p: number; a: string; s: string }>(
    `SELECT m.p, x.trading_account_id::text AS a, max(x.seq)::text AS s
     FROM unnest($2::int[], $3::bigint[]) AS m(p, after)
     CROSS JOIN LATERAL (SELECT r.trading_account_id, r.seq FROM risk_inputs r
       WHERE r.tenant_id = $1 AND r.partition = m.p AND r.input_id > m.after AND r.seq IS NOT NULL) AS x
     GROUP BY m.p, x.trading_account_id`,
    [sql.tenantId, since.map((x) => x.partition), since.map((x) => x.afterInputId)],
  );
  return rows.map((r) => ({ partition: r.p, account: r.a, seq: Number(r.s) }));
}

export interface PlatformInputRow {
  partition: number;
  challengeId: string;
  tradingAccountId: string;
  phaseIndex: number;
  kind: "account" | "trade_opened" | "trade_closed" | "balance_adjustment";
  seq: number;
  tMs: number;
  /** Minor units (safe integers). */
  balance: number | null;
  equity: number | null;
  openPositions: number | null;
  amount: number | null;
  tradeId: string | null;
  symbol: string | null;
  side: string | null;
  lots: string | null;
  price: string | null;
  stopLoss: string | null;
  details: string | null;
  stale: boolean;
  /** When PropDesk received it (epoch ms). */
  receivedAtMs: number;
}

/**
 * PostgreSQL array literals built by joining, for columns whose values need no quoting (numbers,
 * uuids, fixed words): tens of thousands of elements a second, without per-element escaping.
 */
function plainArray(values: ReadonlyArray<string | number | boolean | null>): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null ? "NULL" : v === true ? "t" : v === false ? "f" : v;
  }
  return `${out}}`;
}

/** Array literal for free text (quoted and escaped). */
function textArray(values: ReadonlyArray<string | null>): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null || v === undefined ? "NULL" : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  }
  return `${out}}`;
}

/**
 * Inserts platform updates; an update whose (account, seq) is already stored is skipped. Returns how
 * many were inserted, the newest input id written per partition, and, only when some were skipped,
 * which ones (`account:seq`). Call with the partitions locked.
 */
export async function insertPlatformInputs(
  sql: TenantSql,
  rows: readonly PlatformInputRow[],
): Promise<{ inserted: number; keys: Set<string> | null; heads: Map<number, number> }> {
  if (rows.length === 0) return { inserted: 0, keys: null, heads: new Map() };
  const col = <K extends keyof PlatformInputRow>(k: K) =>
    rows.map((r) => r[k]) as Array<string | number | null>;
  const result = await sql.query<{ n: number; keys: string[] | null; heads: string[] | null }>(
    `WITH ins AS (
       INSERT INTO risk_inputs (tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind, seq, t_ms,
         balance, equity, open_positions, amount, trade_id, symbol, side, lots, price, stop_loss, details, stale, received_at_ms)
       SELECT $1, x.partition, x.challenge_id, x.account_id, x.phase, 'platform', x.kind, x.seq, x.t, x.balance, x.equity,
         x.open_positions, x.amount, x.trade_id, x.symbol, x.side, x.lots, x.price, x.stop_loss, x.details::jsonb, x.stale,
         x.received
       FROM unnest($2::smallint[], $3::uuid[], $4::uuid[], $5::smallint[], $6::text[], $7::bigint[], $8::bigint[],
         $9::bigint[], $10::bigint[], $11::int[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[],
         $17::text[], $18::text[], $19::text[], $20::boolean[], $21::bigint[])
         AS x(partition, challenge_id, account_id, phase, kind, seq, t, balance, equity, open_positions, amount, trade_id,
           symbol, side, lots, price, stop_loss, details, stale, received)
       ON CONFLICT (tenant_id, trading_account_id, seq) DO NOTHING
       RETURNING trading_account_id, seq, partition, input_id)
     SELECT count(*)::int AS n,
       CASE WHEN count(*) < $22 THEN coalesce(array_agg(trading_account_id::text || ':' || seq::text), '{}') END AS keys,
       (SELECT array_agg(h.p || ':' || h.m) FROM (SELECT partition AS p, max(input_id) AS m FROM ins GROUP BY partition) AS h)
         AS heads
     FROM ins`,
    [
      sql.tenantId,
      plainArray(col("partition")),
      plainArray(col("challengeId")),
      plainArray(col("tradingAccountId")),
      plainArray(col("phaseIndex")),
      plainArray(col("kind")),
      plainArray(col("seq")),
      plainArray(col("tMs")),
      plainArray(col("balance")),
      plainArray(col("equity")),
      plainArray(col("openPositions")),
      plainArray(col("amount")),
      textArray(col("tradeId") as Array<string | null>),
      textArray(col("symbol") as Array<string | null>),
      plainArray(col("side")),
      plainArray(col("lots")),
      plainArray(col("price")),
      plainArray(col("stopLoss")),
      textArray(col("details") as Array<string | null>),
      plainArray(rows.map((r) => r.stale)),
      plainArray(col("receivedAtMs")),
      rows.length,
    ],
  );
  const r = result[0]!;
  const heads = new Map<number, number>();
  for (const h of r.heads ?? []) {
    const [p, m] = h.split(":");
    heads.set(Number(p), Number(m));
  }
  return { inserted: r.n, keys: r.keys ? new Set(r.keys) : null, heads };
}

export interface DeliveryRow {
  signatureHash: string;
  keyId: string;
  bytes: number;
  items: number;
  accepted: number;
  duplicates: number;
  stale: number;
  rejected: number;
}

/** Records signed deliveries; returns the signatures written (a missing one was a replay). */
export async function insertDeliveries(sql: TenantSql, rows: readonly DeliveryRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const col = <K extends keyof DeliveryRow>(k: K) => rows.map((r) => r[k]);
  const written = await sql.query<{ s: string }>(
    `INSERT INTO bridge_deliveries (tenant_id, signature_hash, key_id, bytes, items, accepted, duplicates, stale, rejected)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
     ON CONFLICT DO NOTHING RETURNING signature_hash AS s`,
    [
      sql.tenantId,
      col("signatureHash"),
      col("keyId"),
      col("bytes"),
      col("items"),
      col("accepted"),
      col("duplicates"),
      col("stale"),
      col("rejected"),
    ],
  );
  return written.map((r) => r.s);
}

export async function deliveryExists(sql: TenantSql, signatureHash: string): Promise<boolean> {
  const rows = await sql.query(
    "SELECT 1 FROM bridge_deliveries WHERE tenant_id = $1 AND signature_hash = $2",
    [sql.tenantId, signatureHash],
  );
  return rows.length === 1;
}

export interface RoutedAccount {
  tradingAccountId: string;
  platformAccountId: string;
  challengeId: string;
  phaseIndex: number;
  currency: string;
}

/** Trading accounts of this tenant by their platform account ids (accounts of another tenant are invisible). */
export async function findAccountsByPlatformIds(
  sql: TenantSql,
  platform: "simulator" | "bridge",
  platformAccountIds: readonly string[],
): Promise<RoutedAccount[]> {
  if (platformAccountIds.length === 0) return [];
  return sql.query<RoutedAccount>(
    `SELECT id::text AS "tradingAccountId", platform_account_id AS "platformAccountId", challenge_id::text AS "challengeId",
       phase_index AS "phaseIndex", currency
     FROM trading_accounts WHERE tenant_id = $1 AND platform = $2 AND platform_account_id = ANY($3::text[])`,
    [sql.tenantId, platform, platformAccountIds],
  );
}

/** Simulator accounts of every tenant (the simulator is shared by the whole platform). */
export async function findSimulatorAccountTenants(
  sql: PlatformSql,
  platformAccountIds: readonly string[],
): Promise<Array<{ tenantId: string; platformAccountId: string }>> {
  if (platformAccountIds.length === 0) return [];
  return sql.query(
    `SELECT tenant_id::text AS "tenantId", platform_account_id AS "platformAccountId"
     FROM trading_accounts WHERE platform = 'simulator' AND platform_account_id = ANY($1::text[])`,
    [platformAccountIds],
  );
}

export interface StoredInputRow {
  input_id: string;
  challenge_id: string;
  trading_account_id: string;
  phase_index: number;
  kind: string;
  t_ms: string;
  balance: string | null;
  equity: string | null;
  open_positions: number | null;
  amount: string | null;
  trade_id: string | null;
  symbol: string | null;
  side: string | null;
  lots: string | null;
  stop_loss: string | null;
  details: unknown;
  received_at_ms: string;
}

// Qualified: "input_id" alone in ORDER BY would name the text output column and sort "10" before "9".
const inputColumns = `r.input_id::text AS input_id, challenge_id::text, trading_account_id::text, phase_index, kind, t_ms::text,
  balance::text, equity::text, open_positions, amount::text, trade_id, symbol, side, lots, stop_loss, details,
  received_at_ms::text`;

/** The partition's evaluable inputs after `afterId`, in order (stale updates are never evaluated). */
export function readPartitionInputs(
  sql: TenantSql | TenantRead,
  partition: number,
  afterId: number,
  limit: number,
): Promise<StoredInputRow[]> {
  return sql.query<StoredInputRow>(
    `SELECT ${inputColumns} FROM risk_inputs r
     WHERE r.tenant_id = $1 AND r.partition = $2 AND r.input_id > $3 AND NOT r.stale
     ORDER BY r.input_id LIMIT $4`,
    [sql.tenantId, partition, afterId, limit],
  );
}

/** Every evaluable input of one challenge, in order (the replay). */
export function readChallengeInputs(sql: TenantSql, challengeId: string): Promise<StoredInputRow[]> {
  return sql.query<StoredInputRow>(
    // Through the challenge's accounts: the (account, seq) index serves it, and the hot table keeps
    // one index fewer to maintain on every insert.
    `SELECT ${inputColumns} FROM risk_inputs r
     WHERE r.tenant_id = $1 AND NOT r.stale
       AND r.trading_account_id IN (SELECT a.id FROM trading_accounts a WHERE a.tenant_id = $1 AND a.challenge_id = $2)
     ORDER BY r.input_id`,
    [sql.tenantId, challengeId],
  );
}

/** The input the partition's last checkpoint reflects everything up to (0 for none yet). */
export async function readCheckpointCursor(sql: TenantSql, partition: number): Promise<number> {
  const rows = await sql.query<{ c: string }>(
    `INSERT INTO risk_partition_cursors (tenant_id, partition) VALUES ($1, $2)
     ON CONFLICT (tenant_id, partition) DO UPDATE SET partition = excluded.partition
     RETURNING checkpoint_input_id::text AS c`,
    [sql.tenantId, partition],
  );
  return Number(rows[0]!.c);
}

export interface EngineStateRow {
  challenge_id: string;
  state: unknown;
  day_profits: unknown;
  suspended: boolean;
  last_input_id: string;
}

export function loadPartitionStates(sql: TenantSql, partition: number): Promise<EngineStateRow[]> {
  return sql.query<EngineStateRow>(
    `SELECT challenge_id::text, state, day_profits, suspended, last_input_id::text
     FROM risk_engine_states WHERE tenant_id = $1 AND partition = $2`,
    [sql.tenantId, partition],
  );
}

export interface ChallengeContextRow {
  challenge_id: string;
  desk_id: string;
  program_version_id: string;
  definition: unknown;
  currency: string;
  accounts: Array<{ id: string; phase: number; platform: string; platformAccountId: string | null }>;
}

/**
 * What an evaluator needs to run a challenge: its program version and its trading accounts. A
 * version's definition comes once (on its first row), and not at all for versions the caller holds
 * already: thousands of challenges share a handful of versions.
 */
export function loadChallengeContexts(
  sql: TenantSql,
  challengeIds: readonly string[],
  knownVersionIds: readonly string[] = [],
): Promise<ChallengeContextRow[]> {
  return sql.query<ChallengeContextRow>(
    `SELECT c.id::text AS challenge_id, c.desk_id::text AS desk_id, c.program_version_id::text AS program_version_id,
       CASE WHEN c.program_version_id = ANY($3::uuid[])
         OR row_number() OVER (PARTITION BY c.program_version_id ORDER BY c.id) > 1 THEN NULL
         ELSE v.definition END AS definition, c.currency,
       coalesce((SELECT json_agg(json_build_object('id', a.id, 'phase', a.phase_index, 'platform', a.platform,
           'platformAccountId', a.platform_account_id))
         FROM trading_accounts a WHERE a.tenant_id = c.tenant_id AND a.challenge_id = c.id), '[]') AS accounts
     FROM challenges c JOIN program_versions v ON v.tenant_id = c.tenant_id AND v.id = c.program_version_id
     WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])`,
    [sql.tenantId, challengeIds, knownVersionIds],
  );
}

/** Challenges whose engines may receive inputs (an evaluator loads them when it starts). */
export function listRunningChallengeIds(sql: TenantSql): Promise<Array<{ id: string }>> {
  return sql.query(
    `SELECT id::text AS id FROM challenges WHERE tenant_id = $1
       AND status IN ('provisioned', 'active', 'paused', 'funded', 'awaiting_next_phase', 'suspended')`,
    [sql.tenantId],
  );
}

export interface StateCheckpoint {
  challengeId: string;
  partition: number;
  platform: string;
  deskId: string;
  tradingAccountId: string;
  phaseIndex: number;
  engineStatus: string;
  suspended: boolean;
  /** The engine state and closed days as they are at the checkpoint. */
  state: unknown;
  dayProfits: unknown;
  lastInputId: number;
  lastTMs: number;
  currency: string;
  balance: number;
  equity: number;
  openPositions: number;
  dailyFloor: number | null;
  maxLossFloor: number | null;
  room: number | null;
  roomBp: number | null;
  nextDueMs: number | null;
}

export interface HourBars {
  tradingAccountId: string;
  hourMs: number;
  minutes: number[];
  equityOpen: number[];
  equityHigh: number[];
  equityLow: number[];
  equityClose: number[];
  balance: number[];
  dailyFloor: number[];
  maxLossFloor: number[];
}

/**
 * A checkpoint's rows, each already serialised with JSON.stringify by the caller when it took it
 * (the engine states go on changing while the write runs in the background; serialising row by row
 * lets the caller give way to other work in between). They travel as two JSON arrays read by
 * jsonb_to_recordset: no string per state inside a string, no driver escaping of array elements.
 */
export interface CheckpointPayload {
  /** JSON of StateCheckpoint rows. */
  states: readonly string[];
  /** JSON of HourBars rows. */
  bars: readonly string[];
}

/** Writes engine states, equity bars and the partition's checkpoint cursor (one transaction). */
export async function writeCheckpoint(
  sql: TenantSql,
  partition: number,
  checkpointInputId: number,
  payload: CheckpointPayload,
): Promise<void> {
  if (payload.states.length > 0) {
    await sql.execute(
      `INSERT INTO risk_engine_states AS s (tenant_id, challenge_id, partition, platform, desk_id, trading_account_id, phase_index,
         engine_status, suspended, state, day_profits, last_input_id, last_t_ms, currency, balance, equity, open_positions,
         daily_floor, max_loss_floor, room, room_bp, next_due_ms, updated_at)
       SELECT $1, x."challengeId", x.partition, x.platform, x."deskId", x."tradingAccountId", x."phaseIndex",
         x."engineStatus", x.suspended, x.state, x."dayProfits", x."lastInputId", x."lastTMs", x.currency, x.balance,
         x.equity, x."openPositions", x."dailyFloor", x."maxLossFloor", x.room, x."roomBp", x."nextDueMs", now()
       FROM jsonb_to_recordset($2::jsonb) AS x("challengeId" uuid, partition smallint, platform text, "deskId" uuid,
         "tradingAccountId" uuid, "phaseIndex" int, "engineStatus" text, suspended boolean, state jsonb,
         "dayProfits" jsonb, "lastInputId" bigint, "lastTMs" bigint, currency text, balance bigint, equity bigint,
         "openPositions" int, "dailyFloor" bigint, "maxLossFloor" bigint, room bigint, "roomBp" int, "nextDueMs" bigint)
       ON CONFLICT (tenant_id, challenge_id) DO UPDATE SET partition = excluded.partition, platform = excluded.platform,
         trading_account_id = excluded.trading_account_id, phase_index = excluded.phase_index,
         engine_status = excluded.engine_status, suspended = excluded.suspended, state = excluded.state,
         day_profits = excluded.day_profits, last_input_id = excluded.last_input_id, last_t_ms = excluded.last_t_ms,
         balance = excluded.balance, equity = excluded.equity, open_positions = excluded.open_positions,
         daily_floor = excluded.daily_floor, max_loss_floor = excluded.max_loss_floor, room = excluded.room,
         room_bp = excluded.room_bp, next_due_ms = excluded.next_due_ms, updated_at = now()`,
      [sql.tenantId, `[${payload.states.join(",")}]`],
    );
  }
  if (payload.bars.length > 0) {
    await sql.execute(
      `INSERT INTO risk_equity_bars (tenant_id, trading_account_id, hour_ms, minutes, equity_open, equity_high, equity_low,
         equity_close, balance, daily_floor, max_loss_floor)
       SELECT $1, x."tradingAccountId", x."hourMs", x.minutes, x."equityOpen", x."equityHigh", x."equityLow",
         x."equityClose", x.balance, x."dailyFloor", x."maxLossFloor"
       FROM jsonb_to_recordset($2::jsonb) AS x("tradingAccountId" uuid, "hourMs" bigint, minutes smallint[],
         "equityOpen" bigint[], "equityHigh" bigint[], "equityLow" bigint[], "equityClose" bigint[], balance bigint[],
         "dailyFloor" bigint[], "maxLossFloor" bigint[])
       ON CONFLICT (tenant_id, trading_account_id, hour_ms) DO UPDATE SET minutes = excluded.minutes,
         equity_open = excluded.equity_open, equity_high = excluded.equity_high, equity_low = excluded.equity_low,
         equity_close = excluded.equity_close, balance = excluded.balance, daily_floor = excluded.daily_floor,
         max_loss_floor = excluded.max_loss_floor`,
      [sql.tenantId, `[${payload.bars.join(",")}]`],
    );
  }
  await sql.execute(
    `INSERT INTO risk_partition_cursors (tenant_id, partition, checkpoint_input_id, updated_at)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (tenant_id, partition) DO UPDATE SET checkpoint_input_id = excluded.checkpoint_input_id,
       updated_at = now()`,
    [sql.tenantId, partition, checkpointInputId],
  );
}

/**
 * Each account's latest bar row: the hour the evaluator resumes building (an account's updates go
 * on after its engine stopped, so the engine's clock does not say which hour that is).
 */
export async function loadLatestHourBars(sql: TenantSql, accountIds: readonly string[]): Promise<HourBars[]> {
  if (accountIds.length === 0) return [];
  const rows = await sql.query<{
    a: string;
    h: string;
    m: number[];
    o: string[];
    hi: string[];
    lo: string[];
    c: string[];
    b: string[];
    df: string[];
    mf: string[];
  }>(
    `SELECT r.trading_account_id::text AS a, r.hour_ms::text AS h, r.minutes AS m, r.equity_open::text[] AS o,
       r.equity_high::text[] AS hi, r.equity_low::text[] AS lo, r.equity_close::text[] AS c, r.balance::text[] AS b,
       r.daily_floor::text[] AS df, r.max_loss_floor::text[] AS mf
     FROM unnest($2::uuid[]) AS k(a)
     CROSS JOIN LATERAL (SELECT * FROM risk_equity_bars r WHERE r.tenant_id = $1 AND r.trading_account_id = k.a
       ORDER BY r.hour_ms DESC LIMIT 1) AS r`,
    [sql.tenantId, accountIds],
  );
  const nums = (a: string[]) => a.map(Number);
  return rows.map((r) => ({
    tradingAccountId: r.a,
    hourMs: Number(r.h),
    minutes: r.m,
    equityOpen: nums(r.o),
    equityHigh: nums(r.hi),
    equityLow: nums(r.lo),
    equityClose: nums(r.c),
    balance: nums(r.b),
    dailyFloor: nums(r.df),
    maxLossFloor: nums(r.mf),
  }));
}

/** Tenants the risk evaluators serve (active firms). */
export function listRiskTenants(sql: PlatformSql): Promise<Array<{ id: string }>> {
  return sql.query(`SELECT id::text AS id FROM tenants WHERE status = 'active' ORDER BY created_at`);
}

/** Challenges whose next day start, deadline or inactivity limit has passed on their platform's clock. */
export function listDueEngineStates(
  sql: PlatformSql,
  platform: "simulator" | "bridge",
  nowMs: number,
  limit: number,
): Promise<
  Array<{
    tenantId: string;
    challengeId: string;
    partition: number;
    tradingAccountId: string;
    phaseIndex: number;
    nextDueMs: string;
  }>
> {
  return sql.query(
    `SELECT tenant_id::text AS "tenantId", challenge_id::text AS "challengeId", partition,
       trading_account_id::text AS "tradingAccountId", phase_index AS "phaseIndex", next_due_ms::text AS "nextDueMs"
     FROM risk_engine_states
     WHERE engine_status IN ('active', 'paused') AND NOT suspended AND platform = $1 AND next_due_ms <= $2
     ORDER BY next_due_ms LIMIT $3`,
    [platform, nowMs, limit],
  );
}
