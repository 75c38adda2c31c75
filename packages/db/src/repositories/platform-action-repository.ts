import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

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

/** Claims the key: returns the new row, or null when a row with this key already exists. */
export async function beginPlatformAction(
  db: TenantDb,
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
) {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO platform_actions (tenant_id, trading_account_id, platform, platform_account_id, action, idempotency_key,
      reason, request, status, requested_at)
    VALUES (${db.tenantId}::uuid,
      coalesce(
        (SELECT id FROM trading_accounts WHERE tenant_id = ${db.tenantId}::uuid AND id = ${a.tradingAccountId}::uuid),
        (SELECT id FROM trading_accounts WHERE tenant_id = ${db.tenantId}::uuid
          AND platform = ${a.platform} AND platform_account_id = ${a.platformAccountId})),
      ${a.platform}, ${a.platformAccountId}, ${a.action},
      ${a.idempotencyKey}, ${a.reason}, ${JSON.stringify(a.request)}::jsonb, 'pending', ${a.requestedAt})
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

export function findPlatformActionByKey(db: TenantDb, idempotencyKey: string) {
  return db.platformAction.findUnique({
    where: { tenantId_idempotencyKey: { tenantId: db.tenantId, idempotencyKey } },
  });
}

/**
 * Whether an action already succeeded under this key and, for trading on/off, the account's flag
 * already says so: what the outbox job behind the evaluator's immediate action checks first, in one
 * statement (a burst of breaches queues as many jobs).
 */
export async function platformActionDone(
  db: TenantDb,
  idempotencyKey: string,
  tradingEnabled?: boolean,
): Promise<boolean> {
  const rows = await db.$queryRaw<{ done: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM platform_actions p
      LEFT JOIN trading_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.trading_account_id
      WHERE p.tenant_id = ${db.tenantId}::uuid AND p.idempotency_key = ${idempotencyKey} AND p.status = 'succeeded'
        AND (${tradingEnabled ?? null}::boolean IS NULL OR a.trading_enabled = ${tradingEnabled ?? null}::boolean)
    ) AS done`;
  return rows[0]?.done === true;
}

/** A retry of an action whose earlier attempt failed or never finished. */
export function retryPlatformAction(db: TenantDb, id: string, requestedAt: Date) {
  return db.platformAction.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: {
      status: "pending",
      attempts: { increment: 1 },
      requestedAt,
      error: null,
      completedAt: null,
      durationMs: null,
    },
  });
}

export function completePlatformAction(
  db: TenantDb,
  id: string,
  outcome: {
    status: "succeeded" | "failed";
    result?: Prisma.InputJsonValue;
    error?: string;
    completedAt: Date;
  },
  durationMs: number,
) {
  return db.platformAction.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: {
      status: outcome.status,
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      error: outcome.error ?? null,
      completedAt: outcome.completedAt,
      durationMs,
    },
  });
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
