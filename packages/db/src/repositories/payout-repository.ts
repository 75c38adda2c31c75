import type { TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

/*
 * Payout requests, approvals, rail attempts, destinations, bank wire batches, batch runs, notices
 * and settings. Multi-row writes (batch approval and disbursement of thousands of payouts) use
 * createMany and set-based updates.
 */

// --- settings -------------------------------------------------------------------------------

export function findPayoutSettings(db: TenantDb, deskId: string) {
  return db.payoutSettings.findUnique({ where: { tenantId_deskId: { tenantId: db.tenantId, deskId } } });
}

export function upsertPayoutSettings(
  db: TenantDb,
  deskId: string,
  data: { destinationCooloffHours: number; updatedByLabel: string },
) {
  return db.payoutSettings.upsert({
    where: { tenantId_deskId: { tenantId: db.tenantId, deskId } },
    create: { tenantId: db.tenantId, deskId, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

export function listThresholds(db: TenantDb, deskIds?: readonly string[]) {
  return db.payoutThreshold.findMany({
    where: deskIds ? { deskId: { in: [...deskIds] } } : {},
    orderBy: [{ deskId: "asc" }, { currency: "asc" }],
  });
}

export function findThreshold(db: TenantDb, deskId: string, currency: string) {
  return db.payoutThreshold.findUnique({
    where: { tenantId_deskId_currency: { tenantId: db.tenantId, deskId, currency } },
  });
}

export function upsertThreshold(
  db: TenantDb,
  data: { deskId: string; currency: string; amount: bigint; updatedByLabel: string },
) {
  return db.payoutThreshold.upsert({
    where: {
      tenantId_deskId_currency: { tenantId: db.tenantId, deskId: data.deskId, currency: data.currency },
    },
    create: { tenantId: db.tenantId, ...data },
    update: { amount: data.amount, updatedByLabel: data.updatedByLabel, updatedAt: new Date() },
  });
}

export function deleteThreshold(db: TenantDb, deskId: string, currency: string) {
  return db.payoutThreshold.deleteMany({ where: { deskId, currency } });
}

export function findRailConnection(db: TenantDb, rail: "crypto" | "bank_wire") {
  return db.payoutRailConnection.findUnique({ where: { tenantId_rail: { tenantId: db.tenantId, rail } } });
}

export function upsertRailConnection(
  db: TenantDb,
  rail: "crypto" | "bank_wire",
  data: {
    endpointUrl: string | null;
    apiKeySealed: string | null;
    settings: Prisma.InputJsonValue;
    status: "active" | "disconnected";
    updatedByLabel: string;
  },
) {
  return db.payoutRailConnection.upsert({
    where: { tenantId_rail: { tenantId: db.tenantId, rail } },
    create: { tenantId: db.tenantId, rail, ...data },
    update: { ...data, updatedAt: new Date() },
  });
}

// --- destinations ---------------------------------------------------------------------------

export type DestinationInsert = Omit<
  Prisma.PayoutDestinationUncheckedCreateInput,
  "tenantId" | "id" | "createdAt" | "status" | "revokedAt" | "revokedReason"
>;

export function createDestination(db: TenantDb, data: DestinationInsert) {
  return db.payoutDestination.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findDestination(db: TenantDb, id: string) {
  return db.payoutDestination.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function findDestinations(db: TenantDb, ids: readonly string[]) {
  return db.payoutDestination.findMany({ where: { id: { in: [...ids] } } });
}

export function listTraderDestinations(db: TenantDb, traderId: string) {
  return db.payoutDestination.findMany({
    where: { traderId },
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
  });
}

export function findActiveCryptoDestination(db: TenantDb, traderId: string, chain: string, address: string) {
  return db.payoutDestination.findFirst({
    where: { traderId, rail: "crypto", chain, address, status: "active" },
  });
}

export function revokeDestination(db: TenantDb, id: string, reason: string) {
  return db.payoutDestination.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { status: "revoked", revokedAt: new Date(), revokedReason: reason },
  });
}

// --- payouts --------------------------------------------------------------------------------

export type PayoutInsert = Omit<
  Prisma.PayoutUncheckedCreateInput,
  "tenantId" | "id" | "updatedAt" | "approvals" | "payoutAttempts"
>;

export function createPayout(db: TenantDb, data: PayoutInsert) {
  return db.payout.create({ data: { tenantId: db.tenantId, ...data } });
}

const payoutInclude = {
  approvals: { orderBy: { approvedAt: "asc" } },
  payoutAttempts: { orderBy: { attempt: "asc" } },
} as const;

export type PayoutWithRelations = Prisma.PayoutGetPayload<{ include: typeof payoutInclude }>;

export function findPayout(db: TenantDb, id: string) {
  return db.payout.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    include: payoutInclude,
  });
}

export function findPayouts(db: TenantDb, ids: readonly string[]) {
  return db.payout.findMany({ where: { id: { in: [...ids] } }, include: payoutInclude });
}

/** Locks the payouts (in id order, so concurrent batches never deadlock) and returns their ids. */
export async function lockPayouts(db: TenantDb, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM payouts WHERE tenant_id = ${db.tenantId}::uuid AND id = ANY(${[...ids]}::uuid[])
    ORDER BY id FOR UPDATE`;
  return rows.map((r) => r.id);
}

export function updatePayout(db: TenantDb, id: string, data: Prisma.PayoutUncheckedUpdateInput) {
  return db.payout.update({
    where: { tenantId_id: { tenantId: db.tenantId, id } },
    data: { ...data, updatedAt: new Date() },
  });
}

export function updatePayouts(
  db: TenantDb,
  ids: readonly string[],
  data: Prisma.PayoutUncheckedUpdateManyInput,
) {
  if (ids.length === 0) return Promise.resolve({ count: 0 });
  return db.payout.updateMany({ where: { id: { in: [...ids] } }, data: { ...data, updatedAt: new Date() } });
}

/** Sets each payout's own value of one column (e.g. attempts = n per payout) in one statement. */
export async function setPayoutAttempts(db: TenantDb, rows: readonly { id: string; attempts: number }[]) {
  if (rows.length === 0) return;
  await db.$executeRaw`
    UPDATE payouts p SET attempts = x.attempts, status = 'disbursing', updated_at = now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.attempts)}::int[]) AS x(id, attempts)
    WHERE p.tenant_id = ${db.tenantId}::uuid AND p.id = x.id`;
}

export interface PayoutFilter {
  deskIds: readonly string[] | null;
  statuses?: readonly string[] | undefined;
  traderId?: string | undefined;
  challengeId?: string | undefined;
  rail?: string | undefined;
  ids?: readonly string[] | undefined;
}

function payoutWhere(f: PayoutFilter): Prisma.PayoutWhereInput {
  return {
    ...(f.deskIds === null ? {} : { deskId: { in: [...f.deskIds] } }),
    ...(f.statuses?.length ? { status: { in: [...f.statuses] } } : {}),
    ...(f.traderId ? { traderId: f.traderId } : {}),
    ...(f.challengeId ? { challengeId: f.challengeId } : {}),
    ...(f.rail ? { rail: f.rail } : {}),
    ...(f.ids ? { id: { in: [...f.ids] } } : {}),
  };
}

export function listPayouts(db: TenantDb, filter: PayoutFilter, page: { take: number; skip?: number }) {
  return db.payout.findMany({
    where: payoutWhere(filter),
    orderBy: [{ requestedAt: "desc" }, { createdAt: "desc" }, { id: "asc" }],
    take: page.take,
    skip: page.skip ?? 0,
    include: payoutInclude,
  });
}

export function listPayoutIds(db: TenantDb, filter: PayoutFilter, take: number) {
  return db.payout.findMany({
    where: payoutWhere(filter),
    orderBy: [{ requestedAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    take,
    select: { id: true },
  });
}

export async function countPayoutsByStatus(db: TenantDb, deskIds: readonly string[] | null) {
  const rows = await db.payout.groupBy({
    by: ["status"],
    where: payoutWhere({ deskIds }),
    _count: { _all: true },
    _sum: { totalToTrader: true },
  });
  return rows.map((r) => ({ status: r.status, count: r._count._all, total: r._sum.totalToTrader ?? 0n }));
}

export function listChallengePayouts(db: TenantDb, challengeId: string) {
  return db.payout.findMany({
    where: { challengeId },
    // Two payouts can share the platform clock's requestedAt (a cancelled one and its successor).
    orderBy: [{ requestedAt: "asc" }, { createdAt: "asc" }],
    include: payoutInclude,
  });
}

// --- approvals ------------------------------------------------------------------------------

export async function insertApprovals(
  db: TenantDb,
  rows: readonly { payoutId: string; approverId: string; approverLabel: string }[],
) {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO payout_approvals (tenant_id, payout_id, approver_id, approver_label)
    SELECT ${db.tenantId}::uuid, x.payout_id, x.approver_id, x.approver_label
    FROM unnest(${rows.map((r) => r.payoutId)}::uuid[], ${rows.map((r) => r.approverId)}::uuid[],
      ${rows.map((r) => r.approverLabel)}::text[]) AS x(payout_id, approver_id, approver_label)`;
}

// --- attempts -------------------------------------------------------------------------------

export type AttemptInsert = Omit<
  Prisma.PayoutAttemptUncheckedCreateInput,
  "tenantId" | "id" | "createdAt" | "payout"
>;

export async function insertAttempts(db: TenantDb, rows: readonly AttemptInsert[]) {
  if (rows.length === 0) return;
  const text = (f: (r: AttemptInsert) => unknown) =>
    rows.map((r) => (f(r) === undefined || f(r) === null ? null : String(f(r))));
  await db.$executeRaw`
    INSERT INTO payout_attempts (tenant_id, payout_id, attempt, rail, destination_id, amount, currency,
      rail_idempotency_key, ledger_key, status, chain, address)
    SELECT ${db.tenantId}::uuid, x.payout_id, x.attempt, x.rail, x.destination_id, x.amount, x.currency, x.rail_key,
      x.ledger_key, x.status, x.chain, x.address
    FROM unnest(${text((r) => r.payoutId)}::uuid[], ${rows.map((r) => Number(r.attempt))}::int[], ${text((r) => r.rail)}::text[],
      ${text((r) => r.destinationId)}::uuid[], ${text((r) => r.amount)}::bigint[], ${text((r) => r.currency)}::text[],
      ${text((r) => r.railIdempotencyKey)}::text[], ${text((r) => r.ledgerKey)}::text[], ${text((r) => r.status)}::text[],
      ${text((r) => r.chain)}::text[], ${text((r) => r.address)}::text[])
      AS x(payout_id, attempt, rail, destination_id, amount, currency, rail_key, ledger_key, status, chain, address)`;
}

export function findAttempt(db: TenantDb, payoutId: string, attempt: number) {
  return db.payoutAttempt.findUnique({
    where: { tenantId_payoutId_attempt: { tenantId: db.tenantId, payoutId, attempt } },
  });
}

export async function findAttempts(db: TenantDb, keys: readonly { payoutId: string; attempt: number }[]) {
  if (keys.length === 0) return [];
  const wanted = new Set(keys.map((k) => `${k.payoutId}:${k.attempt}`));
  const rows = await db.payoutAttempt.findMany({
    where: { payoutId: { in: [...new Set(keys.map((k) => k.payoutId))] } },
  });
  return rows.filter((a) => wanted.has(`${a.payoutId}:${a.attempt}`));
}

export function updateAttempt(db: TenantDb, id: string, data: Prisma.PayoutAttemptUncheckedUpdateInput) {
  return db.payoutAttempt.update({ where: { tenantId_id: { tenantId: db.tenantId, id } }, data });
}

export function updateAttempts(
  db: TenantDb,
  ids: readonly string[],
  data: Prisma.PayoutAttemptUncheckedUpdateManyInput,
) {
  if (ids.length === 0) return Promise.resolve({ count: 0 });
  return db.payoutAttempt.updateMany({ where: { id: { in: [...ids] } }, data });
}

/** Attempts waiting for a result from their rail (for the recovery sweep). */
export function listUnsettledAttempts(db: TenantDb, olderThan: Date, take: number) {
  return db.payoutAttempt.findMany({
    where: {
      status: { in: ["reserved", "submitted"] },
      rail: { not: "bank_wire" },
      createdAt: { lt: olderThan },
    },
    orderBy: { createdAt: "asc" },
    take,
  });
}

/** Bank wire attempts reserved and not yet in a file, in one currency. */
export function listBankReadyAttempts(db: TenantDb, currency: string, take: number) {
  return db.payoutAttempt.findMany({
    where: { rail: "bank_wire", status: "reserved", bankBatchId: null, currency },
    orderBy: { createdAt: "asc" },
    take,
  });
}

export async function countBankReadyAttempts(db: TenantDb) {
  const rows = await db.payoutAttempt.groupBy({
    by: ["currency"],
    where: { rail: "bank_wire", status: "reserved", bankBatchId: null },
    _count: { _all: true },
    _sum: { amount: true },
  });
  return rows.map((r) => ({ currency: r.currency, count: r._count._all, total: r._sum.amount ?? 0n }));
}

export function listBatchAttempts(db: TenantDb, batchId: string) {
  return db.payoutAttempt.findMany({ where: { bankBatchId: batchId }, orderBy: { createdAt: "asc" } });
}

// --- bank wire batches ----------------------------------------------------------------------

export function createBankBatch(
  db: TenantDb,
  data: Omit<Prisma.BankWireBatchUncheckedCreateInput, "tenantId" | "exportedAt" | "confirmationSummary">,
) {
  return db.bankWireBatch.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findBankBatch(db: TenantDb, id: string) {
  return db.bankWireBatch.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export async function lockBankBatch(db: TenantDb, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM bank_wire_batches WHERE tenant_id = ${db.tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
  return rows.length === 1;
}

export function listBankBatches(db: TenantDb, take: number) {
  return db.bankWireBatch.findMany({
    orderBy: { exportedAt: "desc" },
    take,
    select: {
      id: true,
      reference: true,
      currency: true,
      status: true,
      items: true,
      total: true,
      fileName: true,
      exportedAt: true,
      exportedByLabel: true,
      confirmedAt: true,
    },
  });
}

export function updateBankBatch(db: TenantDb, id: string, data: Prisma.BankWireBatchUncheckedUpdateInput) {
  return db.bankWireBatch.update({ where: { tenantId_id: { tenantId: db.tenantId, id } }, data });
}

// --- batch runs -----------------------------------------------------------------------------

export async function createRun(
  db: TenantDb,
  data: {
    kind: "approve" | "disburse";
    requestedById: string;
    requestedByLabel: string;
    payoutIds: readonly string[];
  },
) {
  const run = await db.payoutRun.create({
    data: {
      tenantId: db.tenantId,
      kind: data.kind,
      status: "queued",
      requestedById: data.requestedById,
      requestedByLabel: data.requestedByLabel,
      total: data.payoutIds.length,
    },
  });
  await db.payoutRunItem.createMany({
    data: data.payoutIds.map((payoutId, i) => ({
      tenantId: db.tenantId,
      runId: run.id,
      payoutId,
      position: i + 1,
    })),
  });
  return run;
}

export function findRun(db: TenantDb, id: string) {
  return db.payoutRun.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id } } });
}

export function listRuns(db: TenantDb, take: number) {
  return db.payoutRun.findMany({ orderBy: { createdAt: "desc" }, take });
}

export function nextRunItems(db: TenantDb, runId: string, take: number) {
  return db.payoutRunItem.findMany({
    where: { runId, status: "queued" },
    orderBy: { position: "asc" },
    take,
  });
}

export function listRunItems(db: TenantDb, runId: string, opts: { status?: string; take: number }) {
  return db.payoutRunItem.findMany({
    where: { runId, ...(opts.status ? { status: opts.status } : {}) },
    orderBy: { position: "asc" },
    take: opts.take,
  });
}

/**
 * Records the outcome of items still queued and bumps the run's counters by those, in one statement
 * each. The first outcome of an item stands: a second run of the same job (BullMQ runs a job again
 * when its lock lapsed) finding the item done meanwhile changes nothing and counts nothing.
 */
export async function finishRunItems(
  db: TenantDb,
  runId: string,
  outcomes: readonly { payoutId: string; ok: boolean; message: string | null }[],
) {
  if (outcomes.length === 0) return;
  const changed = await db.$queryRaw<{ ok: boolean }[]>`
    UPDATE payout_run_items i SET status = CASE WHEN x.ok THEN 'succeeded' ELSE 'failed' END, message = x.message,
      updated_at = now()
    FROM unnest(${outcomes.map((o) => o.payoutId)}::uuid[], ${outcomes.map((o) => o.ok)}::boolean[],
      ${outcomes.map((o) => o.message)}::text[]) AS x(payout_id, ok, message)
    WHERE i.tenant_id = ${db.tenantId}::uuid AND i.run_id = ${runId}::uuid AND i.payout_id = x.payout_id
      AND i.status = 'queued'
    RETURNING x.ok AS ok`;
  const ok = changed.filter((c) => c.ok).length;
  await db.$executeRaw`
    UPDATE payout_runs SET done = done + ${changed.length}, succeeded = succeeded + ${ok},
      failed = failed + ${changed.length - ok}, status = 'running', started_at = coalesce(started_at, now())
    WHERE tenant_id = ${db.tenantId}::uuid AND id = ${runId}::uuid`;
}

export function updateRun(db: TenantDb, id: string, data: Prisma.PayoutRunUncheckedUpdateInput) {
  return db.payoutRun.update({ where: { tenantId_id: { tenantId: db.tenantId, id } }, data });
}

// --- notices and scaling --------------------------------------------------------------------

export async function insertNotices(
  db: TenantDb,
  rows: readonly { traderId: string; payoutId: string | null; kind: string; message: string }[],
) {
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO payout_notices (tenant_id, trader_id, payout_id, kind, message)
    SELECT ${db.tenantId}::uuid, x.trader_id, x.payout_id, x.kind, x.message
    FROM unnest(${rows.map((r) => r.traderId)}::uuid[], ${rows.map((r) => r.payoutId)}::uuid[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.message)}::text[]) AS x(trader_id, payout_id, kind, message)`;
}

export function listTraderNotices(db: TenantDb, traderId: string, take: number) {
  return db.payoutNotice.findMany({ where: { traderId }, orderBy: { createdAt: "desc" }, take });
}

export function listScalingSteps(db: TenantDb, challengeId: string) {
  return db.payoutScalingStep.findMany({ where: { challengeId }, orderBy: { level: "asc" } });
}

export function insertScalingStep(
  db: TenantDb,
  data: Omit<Prisma.PayoutScalingStepUncheckedCreateInput, "tenantId" | "id" | "appliedAt">,
) {
  return db.payoutScalingStep.create({ data: { tenantId: db.tenantId, ...data } });
}

export interface AttemptSettlement {
  id: string;
  status: "submitted" | "paid" | "failed";
  railReference: string | null;
  txHash: string | null;
  chain: string | null;
  address: string | null;
  failureReason: string | null;
  response: unknown;
}

/** Records rail results on many attempts in one statement (only attempts still awaiting one). */
export async function settleAttemptRows(db: TenantDb, rows: readonly AttemptSettlement[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const changed = await db.$queryRaw<{ id: string }[]>`
    UPDATE payout_attempts a SET status = x.status,
      rail_reference = coalesce(x.rail_reference, a.rail_reference), tx_hash = coalesce(x.tx_hash, a.tx_hash),
      chain = coalesce(x.chain, a.chain), address = coalesce(x.address, a.address), failure_reason = x.failure_reason,
      response = x.response, submitted_at = coalesce(a.submitted_at, now()),
      settled_at = CASE WHEN x.status IN ('paid', 'failed') THEN now() ELSE NULL END
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.railReference)}::text[], ${rows.map((r) => r.txHash)}::text[],
      ${rows.map((r) => r.chain)}::text[], ${rows.map((r) => r.address)}::text[],
      ${rows.map((r) => r.failureReason)}::text[], ${rows.map((r) => JSON.stringify(r.response ?? {}))}::jsonb[])
      AS x(id, status, rail_reference, tx_hash, chain, address, failure_reason, response)
    WHERE a.tenant_id = ${db.tenantId}::uuid AND a.id = x.id AND a.status IN ('reserved', 'submitted')
    RETURNING a.id::text AS id`;
  return changed.map((r) => r.id);
}

/** Paid: each payout with its own next cycle. */
export async function markPayoutsPaid(
  db: TenantDb,
  rows: readonly { id: string; nextCycleAt: Date }[],
  at: Date,
) {
  if (rows.length === 0) return;
  await db.$executeRaw`
    UPDATE payouts p SET status = 'paid', paid_at = ${at}, next_cycle_at = x.next_cycle_at, failure_reason = NULL,
      updated_at = now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.nextCycleAt)}::timestamptz[]) AS x(id, next_cycle_at)
    WHERE p.tenant_id = ${db.tenantId}::uuid AND p.id = x.id`;
}

export async function markPayoutsFailed(
  db: TenantDb,
  rows: readonly { id: string; reason: string }[],
  at: Date,
) {
  if (rows.length === 0) return;
  await db.$executeRaw`
    UPDATE payouts p SET status = 'failed', failed_at = ${at}, failure_reason = x.reason, updated_at = now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.reason)}::text[]) AS x(id, reason)
    WHERE p.tenant_id = ${db.tenantId}::uuid AND p.id = x.id`;
}

/**
 * Paid payouts whose next cycle has opened and whose trader was not told yet. The cycle is on the
 * account's platform clock: `simulatorNow` for simulator accounts, `now` for the others.
 */
export async function listCycleOpenings(
  db: TenantDb,
  clocks: { now: Date; simulatorNow: Date },
  take: number,
) {
  const rows = await db.$queryRaw<
    { id: string; trader_id: string; challenge_id: string; reference: string }[]
  >`
    SELECT p.id::text AS id, p.trader_id::text AS trader_id, p.challenge_id::text AS challenge_id, p.reference
    FROM payouts p
    JOIN trading_accounts a ON a.tenant_id = p.tenant_id AND a.id = p.trading_account_id
    WHERE p.tenant_id = ${db.tenantId}::uuid AND p.status = 'paid' AND p.cycle_notified_at IS NULL
      AND p.next_cycle_at <= CASE WHEN a.platform = 'simulator' THEN ${clocks.simulatorNow}::timestamptz ELSE ${clocks.now}::timestamptz END
    ORDER BY p.next_cycle_at
    LIMIT ${take}`;
  return rows.map((r) => ({
    id: r.id,
    traderId: r.trader_id,
    challengeId: r.challenge_id,
    reference: r.reference,
  }));
}

/** Paid payouts whose trading-account balance was not reduced on the platform yet. */
export function listPendingBalanceReductions(db: TenantDb, ids: readonly string[] | null, take: number) {
  return db.payout.findMany({
    where: {
      status: "paid",
      platformAdjustmentId: null,
      balanceReduction: { gt: 0n },
      ...(ids ? { id: { in: [...ids] } } : {}),
    },
    orderBy: { paidAt: "asc" },
    take,
  });
}

/** Other traders' active destinations with the same address, IBAN or Stripe account. */
export function findSharedDestinations(
  db: TenantDb,
  d: { traderId: string; address: string | null; bankIban: string | null; stripeAccountId: string | null },
) {
  const or = [
    ...(d.address ? [{ address: d.address }] : []),
    ...(d.bankIban ? [{ bankIban: d.bankIban }] : []),
    ...(d.stripeAccountId ? [{ stripeAccountId: d.stripeAccountId }] : []),
  ];
  if (or.length === 0) return Promise.resolve([]);
  return db.payoutDestination.findMany({
    where: { traderId: { not: d.traderId }, status: "active", OR: or },
    select: { traderId: true, rail: true },
    take: 20,
  });
}

export function traderNames(db: TenantDb, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.trader.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true, email: true },
  });
}
