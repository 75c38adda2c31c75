import { randomUUID } from "node:crypto";
import type pg from "pg";
import { createCommerceIsolationRows } from "./commerce-isolation-fixture";
import { createRiskIsolationRows } from "./risk-isolation-fixture";

/**
 * One row in every tenant-owned table for a new tenant, written as the platform role. The isolation
 * test checks that this fixture covers every tenant table, so a new table fails the test until its
 * rows are added here: no table can skip the isolation checks.
 */
export async function createIsolationFixture(
  platform: pg.Pool,
  label: string,
): Promise<{ tenantId: string; deskId: string }> {
  const tenantId = randomUUID();
  const deskId = randomUUID();
  const userId = randomUUID();
  const membershipId = randomUUID();
  const invitationId = randomUUID();
  const slug = `${label}-${tenantId.slice(0, 8)}`;
  const q = (sql: string, params: unknown[]) => platform.query(sql, params);
  await q("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)", [tenantId, slug, `Tenant ${label}`]);
  await q("INSERT INTO desks (tenant_id, id, slug, name) VALUES ($1, $2, 'main', $3)", [
    tenantId,
    deskId,
    `Desk ${label}`,
  ]);
  await q("INSERT INTO desk_domains (tenant_id, desk_id, hostname) VALUES ($1, $2, $3)", [
    tenantId,
    deskId,
    `${slug}.example.test`,
  ]);
  await q("INSERT INTO staff_users (tenant_id, id, email, name) VALUES ($1, $2, $3, 'Staff')", [
    tenantId,
    userId,
    `staff@${slug}.test`,
  ]);
  await q(
    "INSERT INTO memberships (tenant_id, id, user_id, role, all_desks) VALUES ($1, $2, $3, 'risk', false)",
    [tenantId, membershipId, userId],
  );
  await q("INSERT INTO membership_desks (tenant_id, membership_id, desk_id) VALUES ($1, $2, $3)", [
    tenantId,
    membershipId,
    deskId,
  ]);
  await q(
    "INSERT INTO staff_sessions (tenant_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')",
    [tenantId, userId, `hash-${randomUUID()}`],
  );
  await q(
    "INSERT INTO invitations (tenant_id, id, email, role, token_hash, token_sealed, invited_by_label, expires_at) VALUES ($1, $2, $3, 'support', $4, 'sealed', 'test', now() + interval '1 day')",
    [tenantId, invitationId, `invitee@${slug}.test`, `inv-${randomUUID()}`],
  );
  await q("INSERT INTO invitation_desks (tenant_id, invitation_id, desk_id) VALUES ($1, $2, $3)", [
    tenantId,
    invitationId,
    deskId,
  ]);
  await q(
    "INSERT INTO outbox (tenant_id, job_name, job_version, payload, dispatched_at) VALUES ($1, 'test.noop', 1, '{}', now())",
    [tenantId],
  );
  await q(
    "INSERT INTO audit_events (tenant_id, actor_type, action) VALUES ($1, 'system', 'fixture.created')",
    [tenantId],
  );
  await q(
    "INSERT INTO bot_configurations (tenant_id, platform, token_sealed) VALUES ($1, 'telegram', 'sealed')",
    [tenantId],
  );
  const programId = randomUUID();
  const versionId = randomUUID();
  const traderId = randomUUID();
  const challengeId = randomUUID();
  const accountId = randomUUID();
  await q(
    "INSERT INTO programs (tenant_id, id, desk_id, slug, name) VALUES ($1, $2, $3, 'two-step', 'Two-step')",
    [tenantId, programId, deskId],
  );
  await q(
    "INSERT INTO program_versions (tenant_id, id, program_id, version, definition, fingerprint, created_by_label) VALUES ($1, $2, $3, 1, '{}', 'fp', 'fixture')",
    [tenantId, versionId, programId],
  );
  await q("INSERT INTO traders (tenant_id, id, email, name) VALUES ($1, $2, $3, 'Trader')", [
    tenantId,
    traderId,
    `trader@${slug}.test`,
  ]);
  await q("INSERT INTO trader_desks (tenant_id, trader_id, desk_id) VALUES ($1, $2, $3)", [
    tenantId,
    traderId,
    deskId,
  ]);
  await q(
    "INSERT INTO trader_sessions (tenant_id, trader_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')",
    [tenantId, traderId, `trader-${randomUUID()}`],
  );
  await q(
    `INSERT INTO challenges (tenant_id, id, reference, desk_id, trader_id, program_version_id, lifecycle, status, origin, currency, account_size)
     VALUES ($1, $2, $3, $4, $5, $6, '{}', 'active', 'manual', 'USD', 10000000)`,
    [tenantId, challengeId, `REF-${challengeId.slice(0, 6)}`, deskId, traderId, versionId],
  );
  await q(
    "INSERT INTO trading_accounts (tenant_id, id, challenge_id, phase_index, platform, platform_account_id, currency, initial_balance) VALUES ($1, $2, $3, 0, 'simulator', $4, 'USD', 10000000)",
    [tenantId, accountId, challengeId, `SIM-${accountId.slice(0, 6)}`],
  );
  await q(
    "INSERT INTO challenge_events (tenant_id, challenge_id, seq, kind, type, phase_index, cause, occurred_at) VALUES ($1, $2, 1, 'lifecycle', 'provision', 0, '{\"type\":\"system\"}', now())",
    [tenantId, challengeId],
  );
  await createCommerceIsolationRows(q, { tenantId, deskId, programId, versionId, traderId, challengeId });
  // Payouts: a ledger in USD (accounts, one accrual transfer; balances and the payout's payable
  // are written by the ledger's triggers).
  await q(
    "INSERT INTO ledger_accounts (tenant_id, currency, code) SELECT $1, 'USD', c FROM unnest(ARRAY['trader_payout_expense', 'trader_payouts_payable']) c",
    [tenantId],
  );
  await q(
    `INSERT INTO ledger_transfers (tenant_id, idempotency_key, debit_account, credit_account, amount, currency, desk_id, kind, two_phase, status, effective_at, payout_id)
     VALUES ($1, 'payout:fixture:profit_share', 'trader_payout_expense', 'trader_payouts_payable', 1000, 'USD', $2, 'trader_profit_share', false, 'posted', now(), 'fixture')`,
    [tenantId, deskId],
  );
  await createRiskIsolationRows(q, { tenantId, deskId, challengeId, accountId });
  await createPayoutIsolationRows(q, { tenantId, deskId, traderId, challengeId, accountId, userId });
  return { tenantId, deskId };
}

/** Rows for the payouts area's tables (destinations, payouts and their workflow, reconciliation). */
async function createPayoutIsolationRows(
  q: (sql: string, params: unknown[]) => Promise<unknown>,
  f: {
    tenantId: string;
    deskId: string;
    traderId: string;
    challengeId: string;
    accountId: string;
    userId: string;
  },
): Promise<void> {
  const destinationId = randomUUID();
  const payoutId = randomUUID();
  const batchId = randomUUID();
  const runId = randomUUID();
  const reconId = randomUUID();
  await q("INSERT INTO payout_settings (tenant_id, desk_id, updated_by_label) VALUES ($1, $2, 'fixture')", [
    f.tenantId,
    f.deskId,
  ]);
  await q(
    "INSERT INTO payout_thresholds (tenant_id, desk_id, currency, amount, updated_by_label) VALUES ($1, $2, 'USD', 500000, 'fixture')",
    [f.tenantId, f.deskId],
  );
  await q(
    "INSERT INTO payout_rail_connections (tenant_id, rail, settings, updated_by_label) VALUES ($1, 'bank_wire', '{}', 'fixture')",
    [f.tenantId],
  );
  await q(
    `INSERT INTO payout_destinations (tenant_id, id, trader_id, rail, label, chain, asset, address, usable_from, created_by_label)
     VALUES ($1, $2, $3, 'crypto', 'Wallet', 'tron', 'USDT', 'TXyz1234567890abcdefghijkLMNOP', now(), 'fixture')`,
    [f.tenantId, destinationId, f.traderId],
  );
  await q(
    `INSERT INTO payouts (tenant_id, id, reference, desk_id, trader_id, challenge_id, trading_account_id, currency, payout_number, status,
       requested_by_type, requested_by_id, requested_by_label, requested_at, trader_pct, gross_profit, trader_share, firm_share,
       phase_profit_share, fee_refund, total_to_trader, balance_reduction, computation, required_approvals, destination_id, rail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'USD', 1, 'pending_approval', 'trader', $5, 'Trader', now(), '80', 1000, 800, 200, 0, 0, 800,
       1000, '{}', 1, $8, 'crypto')`,
    [
      f.tenantId,
      payoutId,
      `PO-${payoutId.slice(0, 8)}`,
      f.deskId,
      f.traderId,
      f.challengeId,
      f.accountId,
      destinationId,
    ],
  );
  await q(
    "INSERT INTO payout_approvals (tenant_id, payout_id, approver_id, approver_label) VALUES ($1, $2, $3, 'Staff')",
    [f.tenantId, payoutId, f.userId],
  );
  await q(
    `INSERT INTO bank_wire_batches (tenant_id, id, reference, currency, status, items, total, file_name, file_csv, exported_by_label)
     VALUES ($1, $2, $3, 'USD', 'exported', 1, 800, 'wire.csv', 'x', 'fixture')`,
    [f.tenantId, batchId, `WB-${batchId.slice(0, 8)}`],
  );
  await q(
    `INSERT INTO payout_attempts (tenant_id, payout_id, attempt, rail, destination_id, amount, currency, rail_idempotency_key, ledger_key, status, bank_batch_id)
     VALUES ($1, $2, 1, 'crypto', $3, 800, 'USD', $4, $5, 'reserved', $6)`,
    [f.tenantId, payoutId, destinationId, `rail-${payoutId}`, `payout:${payoutId}:attempt:1`, batchId],
  );
  await q(
    "INSERT INTO payout_runs (tenant_id, id, kind, status, requested_by_id, requested_by_label, total) VALUES ($1, $2, 'approve', 'queued', $3, 'Staff', 1)",
    [f.tenantId, runId, f.userId],
  );
  await q("INSERT INTO payout_run_items (tenant_id, run_id, payout_id, position) VALUES ($1, $2, $3, 1)", [
    f.tenantId,
    runId,
    payoutId,
  ]);
  await q(
    "INSERT INTO payout_notices (tenant_id, trader_id, payout_id, kind, message) VALUES ($1, $2, $3, 'requested', 'Requested')",
    [f.tenantId, f.traderId, payoutId],
  );
  await q(
    `INSERT INTO payout_scaling_steps (tenant_id, challenge_id, trading_account_id, level, previous_size, new_size, increase, trader_pct_before, trader_pct_after, period_started_at)
     VALUES ($1, $2, $3, 1, 10000000, 12500000, 2500000, '80', '90', now())`,
    [f.tenantId, f.challengeId, f.accountId],
  );
  await q(
    `INSERT INTO reconciliation_runs (tenant_id, id, period_from, period_to, trigger, requested_by_label, processor_source, status)
     VALUES ($1, $2, now() - interval '1 day', now(), 'manual', 'fixture', 'none', 'completed')`,
    [f.tenantId, reconId],
  );
  await q(
    `INSERT INTO reconciliation_lines (tenant_id, run_id, line_no, pair, status, category, currency, date, reference, difference)
     VALUES ($1, $2, 1, 'platform', 'matched', 'platform_adjustment', 'USD', '2026-03-01', 'ref', 0)`,
    [f.tenantId, reconId],
  );
  await q(
    `INSERT INTO parallel_runs (tenant_id, period_from, period_to, source_label, file_name, imported_rows, matched, differing, only_theirs, only_ours, report, created_by_label)
     VALUES ($1, '2026-03-01', '2026-04-01', 'Old system', 'old.csv', 0, 0, 0, 0, 0, '{}', 'fixture')`,
    [f.tenantId],
  );
}
