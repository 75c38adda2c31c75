import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";
import type { TenantSql, TenantWrite } from "../sql-unit-of-work";

/**
 * Every action PropDesk asks of a trading platform, keyed by its idempotency key: the row is written
 * `pending` before the call and completed with the result, so two processes asked to do the same
 * thing (the evaluator's immediate action and the outbox job behind it) do it once.
 */

export type PlatformActionName =
  | "provision_account"
  | "set_trading_enabled"
  | "close_all_positions"
  | "adjust_balance";

/**
 * Claims the key: returns the new row, or null when a row with this key already exists. One
 * statement: it can be a unit of work of its own (`sqlLayer().writer`).
 */
export async function beginPlatformAction(
  sql: TenantSql | TenantWrite,
  a: {
    tradingAccountId: string | null;
    platform: string;
    platformAccountId: string | null;
    action: PlatformActionName;
    idempotencyKey: string;
    reason: string;
    request: Prisma.InputJsonValue;
    requestedAt: Date;
  },
): Promise<string | null> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO platform_actions (tenant_id, trading_account_id, platform, platform_account_id, action, idempotency_key,
      reason, request, status, requested_at)
    VALUES ($1::uuid,
      coalesce(
        (SELECT id FROM trading_accounts WHERE tenant_id = $1::uuid AND id = $2::uuid),
        (SELECT id FROM trading_accounts WHERE tenant_id = $1::uuid AND platform = $3 AND platform_account_id = $4)),
      $3, $4, $5, $6, $7, $8::jsonb, 'pending', $9)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING id::text AS id`,
    [
      sql.tenantId,
      a.tradingAccountId,
      a.platform,
      a.platformAccountId,
      a.action,
      a.idempotencyKey,
      a.reason,
      JSON.stringify(a.request),
      a.requestedAt,
    ],
  );
  return rows[0]?.id ?? null;
}

export interface RecordedAction {
  id: string;
  action: string;
  request: unknown;
  status: "pending" | "succeeded" | "failed";
  result: unknown;
  requestedAt: Date;
}

export async function findPlatformActionByKey(
  sql: TenantSql,
  idempotencyKey: string,
): Promise<RecordedAction | null> {
  const rows = await sql.query<RecordedAction>(
    `SELECT id::text AS id, action, request, status, result, requested_at AS "requestedAt"
    FROM platform_actions WHERE tenant_id = $1::uuid AND idempotency_key = $2`,
    [sql.tenantId, idempotencyKey],
  );
  return rows[0] ?? null;
}

/**
 * Whether an action already succeeded under this key and, for trading on/off, the account's flag
 * already says so: what the outbox job behind the evaluator's immediate action checks first, in one
 * statement (a burst of breaches queues as many jobs).
 */
export async function platformActionDone(
  sql: TenantSql,
  idempotencyKey: string,
  tradingEnabled?: boolean,
): Promise<boolean> {
  const rows = await sql.query<{ done: boolean }>(
    `SELECT EXISTS (
      SELECT 1 FROM platform_actions p
      LEFT JOIN trading_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.trading_account_id
      WHERE p.tenant_id = $1::uuid AND p.idempotency_key = $2 AND p.status = 'succeeded'
        AND ($3::boolean IS NULL OR a.trading_enabled = $3::boolean)
    ) AS done`,
    [sql.tenantId, idempotencyKey, tradingEnabled ?? null],
  );
  return rows[0]?.done === true;
}

/** A retry of an action whose earlier attempt failed or never finished. */
export async function retryPlatformAction(sql: TenantSql, id: string, requestedAt: Date): Promise<void> {
  await sql.execute(
    `UPDATE platform_actions SET status = 'pending', attempts = attempts + 1, requested_at = $3, error = NULL,
      completed_at = NULL, duration_ms = NULL
    WHERE tenant_id = $1::uuid AND id = $2::uuid`,
    [sql.tenantId, id, requestedAt],
  );
}

export async function completePlatformAction(
  sql: TenantSql,
  id: string,
  outcome: {
    status: "succeeded" | "failed";
    result?: Prisma.InputJsonValue;
    error?: string;
    completedAt: Date;
  },
  durationMs: number,
): Promise<void> {
  await sql.execute(
    `UPDATE platform_actions SET status = $3, result = coalesce($4::jsonb, result), error = $5, completed_at = $6,
      duration_ms = $7
    WHERE tenant_id = $1::uuid AND id = $2::uuid`,
    [
      sql.tenantId,
      id,
      outcome.status,
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      outcome.error ?? null,
      outcome.completedAt,
      durationMs,
    ],
  );
}

export function listAccountPlatformActions(db: TenantDb, tradingAccountIds: readonly string[], take: number) {
  return db.platformAction.findMany({
    where: { tradingAccountId: { in: [...tradingAccountIds] } },
    orderBy: { requestedAt: "desc" },
    take,
  });
}

export function listRecentPlatformActions(db: TenantDb, take: number) {
  return db.platformAction.findMany({ orderBy: { requestedAt: "desc" }, take });
}

/** The actions of one transition (their keys start with `effect:<challenge>:<event seq>:`). */
export function listActionsByKeyPrefix(db: TenantDb, prefix: string) {
  return db.platformAction.findMany({
    where: { idempotencyKey: { startsWith: prefix } },
    orderBy: { requestedAt: "asc" },
  });
}
