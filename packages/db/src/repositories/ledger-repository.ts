import {
  type LedgerAccountCode,
  ledgerAccountCodes,
  type Transfer,
  type TransferKind,
  type TransferRefs,
  type TransferStatus,
} from "@propdesk/domain/ledger";
import type { TenantDb } from "../client";

/*
 * The database ledger. Transfers are written with raw, set-based SQL: one statement inserts a whole
 * batch (multi-row through unnest), opening the tenant's accounts for new currencies in the same
 * statement, and skipping keys that exist (the caller compares those with what it sent). The
 * triggers in the payouts migration keep the balances and enforce the balance rules.
 */

/** The desk of firm-wide movements in `ledger_balances` (no desk). */
export const firmWideDeskKey = "00000000-0000-0000-0000-000000000000";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TransferInsert {
  transfer: Transfer;
  /** The desk it belongs to; when null, the desk of `refs.challengeId` if that is one of ours. */
  deskId: string | null;
}

interface TransferRow {
  id: string;
  seq: bigint;
  idempotency_key: string;
  debit_account: string;
  credit_account: string;
  amount: bigint;
  currency: string;
  desk_id: string | null;
  kind: string;
  two_phase: boolean;
  status: string;
  effective_at: Date;
  refs: Record<string, unknown>;
  memo: string;
  metadata: Record<string, string>;
  created_at: Date;
  resolved_at: Date | null;
}

/** A stored transfer: the domain transfer plus where and when it was recorded. */
export interface StoredTransfer {
  id: string;
  seq: bigint;
  deskId: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  transfer: Transfer;
}

function toStored(r: TransferRow): StoredTransfer {
  return {
    id: r.id,
    seq: BigInt(r.seq),
    deskId: r.desk_id,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    transfer: {
      idempotencyKey: r.idempotency_key,
      debitAccount: r.debit_account as LedgerAccountCode,
      creditAccount: r.credit_account as LedgerAccountCode,
      amount: BigInt(r.amount),
      currency: r.currency,
      kind: r.kind as TransferKind,
      twoPhase: r.two_phase,
      status: r.status as TransferStatus,
      effectiveAt: r.effective_at.toISOString(),
      refs: r.refs as TransferRefs,
      memo: r.memo,
      metadata: r.metadata,
    },
  };
}

const selectColumns = `id::text AS id, seq, idempotency_key, debit_account, credit_account, amount, currency,
  desk_id::text AS desk_id, kind, two_phase, status, effective_at, refs, memo, metadata, created_at, resolved_at`;

/**
 * Inserts the transfers whose keys are new, in one statement, and returns the keys it inserted.
 * Keys that already exist are left untouched (ON CONFLICT DO NOTHING): read them back with
 * `findTransfersByKeys` and compare. Balance-rule and constraint violations raise from PostgreSQL.
 */
export async function insertTransfers(db: TenantDb, rows: readonly TransferInsert[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const t = rows.map((r) => r.transfer);
  const challengeUuid = t.map((x) =>
    typeof x.refs.challengeId === "string" && uuidPattern.test(x.refs.challengeId)
      ? x.refs.challengeId
      : null,
  );
  const inserted = await db.$queryRaw<{ k: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${t.map((x) => x.idempotencyKey)}::text[], ${t.map((x) => x.debitAccount)}::text[],
        ${t.map((x) => x.creditAccount)}::text[], ${t.map((x) => x.amount.toString())}::bigint[],
        ${t.map((x) => x.currency)}::text[], ${rows.map((r) => r.deskId)}::uuid[], ${challengeUuid}::uuid[],
        ${t.map((x) => x.kind)}::text[], ${t.map((x) => x.twoPhase)}::boolean[], ${t.map((x) => x.status)}::text[],
        ${t.map((x) => x.effectiveAt)}::timestamptz[], ${t.map((x) => JSON.stringify(x.refs))}::jsonb[],
        ${t.map((x) => x.memo)}::text[], ${t.map((x) => JSON.stringify(x.metadata))}::jsonb[]
      ) WITH ORDINALITY AS i(k, debit, credit, amount, currency, desk_id, challenge_uuid, kind, two_phase,
        status, effective_at, refs, memo, metadata, ord)
    ),
    opened AS (
      INSERT INTO ledger_accounts (tenant_id, currency, code)
      SELECT ${db.tenantId}::uuid, c.currency, a.code
      FROM (SELECT DISTINCT currency FROM input) c CROSS JOIN unnest(${[...ledgerAccountCodes]}::text[]) AS a(code)
      ON CONFLICT DO NOTHING
    )
    INSERT INTO ledger_transfers (tenant_id, idempotency_key, debit_account, credit_account, amount, currency,
      desk_id, kind, two_phase, status, effective_at, refs, payout_id, order_id, trader_id, challenge_id,
      trading_account_id, affiliate_id, memo, metadata)
    SELECT ${db.tenantId}::uuid, i.k, i.debit, i.credit, i.amount, i.currency, coalesce(i.desk_id, ch.desk_id),
      i.kind, i.two_phase, i.status, i.effective_at, i.refs, i.refs->>'payoutId', i.refs->>'orderId',
      i.refs->>'traderId', i.refs->>'challengeId', i.refs->>'tradingAccountId', i.refs->>'affiliateId',
      i.memo, i.metadata
    FROM input i
    LEFT JOIN challenges ch ON ch.tenant_id = ${db.tenantId}::uuid AND ch.id = i.challenge_uuid
    ORDER BY i.ord
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING idempotency_key AS k`;
  return new Set(inserted.map((r) => r.k));
}

export async function findTransfersByKeys(db: TenantDb, keys: readonly string[]): Promise<StoredTransfer[]> {
  if (keys.length === 0) return [];
  const rows = await db.$queryRawUnsafe<TransferRow[]>(
    `SELECT ${selectColumns} FROM ledger_transfers WHERE tenant_id = $1::uuid AND idempotency_key = ANY($2::text[])`,
    db.tenantId,
    [...keys],
  );
  return rows.map(toStored);
}

export async function findTransfer(db: TenantDb, key: string): Promise<StoredTransfer | null> {
  const [row] = await findTransfersByKeys(db, [key]);
  return row ?? null;
}

/** Locks the transfers (FOR UPDATE) and returns them, for resolving pending ones. */
export async function lockTransfersByKeys(db: TenantDb, keys: readonly string[]): Promise<StoredTransfer[]> {
  if (keys.length === 0) return [];
  const rows = await db.$queryRawUnsafe<TransferRow[]>(
    `SELECT ${selectColumns} FROM ledger_transfers WHERE tenant_id = $1::uuid AND idempotency_key = ANY($2::text[])
     ORDER BY idempotency_key FOR UPDATE`,
    db.tenantId,
    [...keys],
  );
  return rows.map(toStored);
}

/** Sets pending transfers to posted or voided, in one statement. Returns the keys it changed. */
export async function setTransferStatuses(
  db: TenantDb,
  changes: readonly { key: string; status: "posted" | "voided" }[],
): Promise<Set<string>> {
  if (changes.length === 0) return new Set();
  const rows = await db.$queryRaw<{ k: string }[]>`
    UPDATE ledger_transfers t SET status = c.status
    FROM unnest(${changes.map((c) => c.key)}::text[], ${changes.map((c) => c.status)}::text[]) AS c(k, status)
    WHERE t.tenant_id = ${db.tenantId}::uuid AND t.idempotency_key = c.k AND t.status = 'pending'
    RETURNING t.idempotency_key AS k`;
  return new Set(rows.map((r) => r.k));
}

export interface BalanceRow {
  currency: string;
  deskKey: string;
  account: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  transfers: bigint;
}

/** The materialised balances, per currency, desk and account (optionally one currency or desk). */
export async function listBalances(
  db: TenantDb,
  filter: { currency?: string | undefined; deskKeys?: readonly string[] | undefined } = {},
): Promise<BalanceRow[]> {
  const rows = await db.ledgerBalance.findMany({
    where: {
      ...(filter.currency ? { currency: filter.currency } : {}),
      ...(filter.deskKeys ? { deskKey: { in: [...filter.deskKeys] } } : {}),
    },
    orderBy: [{ currency: "asc" }, { deskKey: "asc" }, { account: "asc" }],
  });
  return rows.map((r) => ({
    currency: r.currency,
    deskKey: r.deskKey,
    account: r.account,
    debitsPosted: r.debitsPosted,
    creditsPosted: r.creditsPosted,
    debitsPending: r.debitsPending,
    creditsPending: r.creditsPending,
    transfers: r.transfers,
  }));
}

/** Balances recomputed from the transfers themselves (to prove the materialised ones exact). */
export async function sumBalancesFromTransfers(db: TenantDb): Promise<BalanceRow[]> {
  const rows = await db.$queryRaw<
    {
      currency: string;
      desk_key: string;
      account: string;
      dp: bigint;
      cp: bigint;
      dq: bigint;
      cq: bigint;
      n: bigint;
    }[]
  >`
    SELECT currency, desk_key::text AS desk_key, account, sum(dp)::bigint AS dp, sum(cp)::bigint AS cp,
      sum(dq)::bigint AS dq, sum(cq)::bigint AS cq, count(*)::bigint AS n
    FROM (
      SELECT currency, coalesce(desk_id, ${firmWideDeskKey}::uuid) AS desk_key, debit_account AS account,
        CASE WHEN status = 'posted' THEN amount ELSE 0 END AS dp, 0 AS cp,
        CASE WHEN status = 'pending' THEN amount ELSE 0 END AS dq, 0 AS cq
      FROM ledger_transfers
      UNION ALL
      SELECT currency, coalesce(desk_id, ${firmWideDeskKey}::uuid), credit_account, 0,
        CASE WHEN status = 'posted' THEN amount ELSE 0 END, 0, CASE WHEN status = 'pending' THEN amount ELSE 0 END
      FROM ledger_transfers
    ) legs
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return rows.map((r) => ({
    currency: r.currency,
    deskKey: r.desk_key,
    account: r.account,
    debitsPosted: BigInt(r.dp),
    creditsPosted: BigInt(r.cp),
    debitsPending: BigInt(r.dq),
    creditsPending: BigInt(r.cq),
    transfers: BigInt(r.n),
  }));
}

export interface PayableRow {
  currency: string;
  account: string;
  scope: string;
  creditsPosted: bigint;
  debitsPosted: bigint;
  debitsPending: bigint;
}

export async function findPayables(
  db: TenantDb,
  account: "trader_payouts_payable" | "affiliate_commissions_payable",
  scopes: readonly string[],
): Promise<PayableRow[]> {
  if (scopes.length === 0) return [];
  const rows = await db.ledgerPayableBalance.findMany({ where: { account, scope: { in: [...scopes] } } });
  return rows.map((r) => ({
    currency: r.currency,
    account: r.account,
    scope: r.scope,
    creditsPosted: r.creditsPosted,
    debitsPosted: r.debitsPosted,
    debitsPending: r.debitsPending,
  }));
}

export interface TransferFilter {
  currency?: string | undefined;
  /** Desk ids, or the firm-wide key for transfers without a desk. */
  deskKeys?: readonly string[] | undefined;
  /** Transfers that debit or credit this account. */
  account?: string | undefined;
  kind?: string | undefined;
  status?: string | undefined;
  /** Any business id: payout, order, trader, challenge, trading account, or the key itself. */
  ref?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function transferWhere(f: TransferFilter) {
  const and: object[] = [];
  if (f.currency) and.push({ currency: f.currency });
  if (f.deskKeys) {
    const desks = f.deskKeys.filter((k) => k !== firmWideDeskKey);
    const firmWide = f.deskKeys.includes(firmWideDeskKey);
    and.push({
      OR: [{ deskId: { in: desks } }, ...(firmWide ? [{ deskId: null }] : [])],
    });
  }
  if (f.account) and.push({ OR: [{ debitAccount: f.account }, { creditAccount: f.account }] });
  if (f.kind) and.push({ kind: f.kind });
  if (f.status) and.push({ status: f.status });
  if (f.ref)
    and.push({
      OR: [
        { idempotencyKey: f.ref },
        { payoutId: f.ref },
        { orderId: f.ref },
        { traderId: f.ref },
        { challengeId: f.ref },
        { tradingAccountId: f.ref },
        { affiliateId: f.ref },
      ],
    });
  if (f.from) and.push({ effectiveAt: { gte: f.from } });
  if (f.to) and.push({ effectiveAt: { lt: f.to } });
  return { AND: and };
}

/** Newest first, paged by `seq`. */
export async function listTransfers(
  db: TenantDb,
  filter: TransferFilter,
  page: { limit: number; beforeSeq?: bigint | undefined },
): Promise<StoredTransfer[]> {
  const rows = await db.ledgerTransfer.findMany({
    where: { ...transferWhere(filter), ...(page.beforeSeq ? { seq: { lt: page.beforeSeq } } : {}) },
    orderBy: { seq: "desc" },
    take: page.limit,
  });
  return rows.map((r) =>
    toStored({
      id: r.id,
      seq: r.seq,
      idempotency_key: r.idempotencyKey,
      debit_account: r.debitAccount,
      credit_account: r.creditAccount,
      amount: r.amount,
      currency: r.currency,
      desk_id: r.deskId,
      kind: r.kind,
      two_phase: r.twoPhase,
      status: r.status,
      effective_at: r.effectiveAt,
      refs: r.refs as Record<string, unknown>,
      memo: r.memo,
      metadata: r.metadata as Record<string, string>,
      created_at: r.createdAt,
      resolved_at: r.resolvedAt,
    }),
  );
}

/** Every transfer in one period by effective time (reconciliation, parallel runs), oldest first. */
export async function listTransfersBetween(
  db: TenantDb,
  period: { from: Date; to: Date },
  opts: { kinds?: readonly string[]; status?: string } = {},
): Promise<StoredTransfer[]> {
  const rows = await db.$queryRawUnsafe<TransferRow[]>(
    `SELECT ${selectColumns} FROM ledger_transfers
     WHERE tenant_id = $1::uuid AND effective_at >= $2 AND effective_at < $3
       AND ($4::text[] IS NULL OR kind = ANY($4::text[])) AND ($5::text IS NULL OR status = $5)
     ORDER BY effective_at, seq`,
    db.tenantId,
    period.from,
    period.to,
    opts.kinds ? [...opts.kinds] : null,
    opts.status ?? null,
  );
  return rows.map(toStored);
}

export async function transferCount(db: TenantDb): Promise<number> {
  return db.ledgerTransfer.count();
}

/** The PostgreSQL error under a failed query (SQLSTATE, message, constraint), or null. */
export function pgErrorOf(e: unknown): { code: string; message: string } | null {
  const cause = (
    e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } }
  )?.meta?.driverAdapterError?.cause;
  if (cause?.originalCode) return { code: cause.originalCode, message: cause.originalMessage ?? "" };
  const direct = e as { code?: unknown; message?: unknown };
  if (typeof direct?.code === "string" && /^[0-9A-Z]{5}$/.test(direct.code))
    return { code: direct.code, message: String(direct.message ?? "") };
  return null;
}

/** Every transfer naming a challenge (its purchase, refunds, payouts), oldest first. */
export async function listChallengeTransfers(db: TenantDb, challengeId: string): Promise<StoredTransfer[]> {
  const rows = await db.$queryRawUnsafe<TransferRow[]>(
    `SELECT ${selectColumns} FROM ledger_transfers WHERE tenant_id = $1::uuid AND challenge_id = $2 ORDER BY seq`,
    db.tenantId,
    challengeId,
  );
  return rows.map(toStored);
}

/** Every transfer of one payout (accruals, attempts, reversals), oldest first. */
export async function listPayoutTransfers(db: TenantDb, payoutId: string): Promise<StoredTransfer[]> {
  const rows = await db.$queryRawUnsafe<TransferRow[]>(
    `SELECT ${selectColumns} FROM ledger_transfers WHERE tenant_id = $1::uuid AND payout_id = $2 ORDER BY seq`,
    db.tenantId,
    payoutId,
  );
  return rows.map(toStored);
}
