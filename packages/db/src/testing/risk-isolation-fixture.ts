type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * One row in every live-risk table (migration 20261124200000_risk), for the isolation fixture:
 * called by `createIsolationFixture` with the tenant's desk, challenge and trading account.
 */
export async function createRiskIsolationRows(
  q: Query,
  ids: { tenantId: string; deskId: string; challengeId: string; accountId: string },
): Promise<void> {
  const { tenantId, deskId, challengeId, accountId } = ids;
  await q("INSERT INTO risk_desk_settings (tenant_id, desk_id, platform) VALUES ($1, $2, 'bridge')", [
    tenantId,
    deskId,
  ]);
  await q(
    "INSERT INTO bridge_settings (tenant_id, webhook_url, webhook_secret_sealed, updated_by_label) VALUES ($1, 'https://connector.example.test/actions', 'sealed', 'fixture')",
    [tenantId],
  );
  await q(
    "INSERT INTO bridge_api_keys (tenant_id, key_id, secret_sealed, label, created_by_label) VALUES ($1, $2, 'sealed', 'fixture', 'fixture')",
    [tenantId, `pdk_${tenantId.replaceAll("-", "")}_0123456789abcdef`],
  );
  await q(
    "INSERT INTO bridge_deliveries (tenant_id, signature_hash, key_id, bytes, items, accepted, duplicates, stale, rejected) VALUES ($1, $2, 'k', 10, 1, 1, 0, 0, 0)",
    [tenantId, `sig-${tenantId}`],
  );
  await q(
    `INSERT INTO risk_inputs (tenant_id, partition, challenge_id, trading_account_id, phase_index, source, kind, seq, t_ms, balance, equity, open_positions, received_at_ms)
     VALUES ($1, 0, $2, $3, 0, 'platform', 'account', 1, 1767225600000, 10000000, 10000000, 0, 1767225600000)`,
    [tenantId, challengeId, accountId],
  );
  await q(
    "INSERT INTO trades (tenant_id, trading_account_id, challenge_id, platform_trade_id, symbol, side, lots, opened_at, currency) VALUES ($1, $2, $3, 'T1', 'EURUSD', 'buy', '1.00', now(), 'USD')",
    [tenantId, accountId, challengeId],
  );
  await q(
    `INSERT INTO risk_engine_states (tenant_id, challenge_id, partition, platform, desk_id, trading_account_id, phase_index, engine_status, state, last_input_id, last_t_ms, currency, balance, equity, open_positions)
     VALUES ($1, $2, 0, 'simulator', $3, $4, 0, 'active', '{}', 0, 0, 'USD', 10000000, 10000000, 0)`,
    [tenantId, challengeId, deskId, accountId],
  );
  await q("INSERT INTO risk_partition_cursors (tenant_id, partition) VALUES ($1, 0)", [tenantId]);
  await q(
    `INSERT INTO risk_decisions (tenant_id, challenge_id, trading_account_id, input_id, idx, phase_index, type, rule, t_ms, decision)
     SELECT $1, $2, $3, input_id, 0, 0, 'warning', 'daily_loss', t_ms, '{}' FROM risk_inputs WHERE tenant_id = $1`,
    [tenantId, challengeId, accountId],
  );
  await q(
    `INSERT INTO risk_equity_bars (tenant_id, trading_account_id, hour_ms, minutes, equity_open, equity_high, equity_low, equity_close, balance, daily_floor, max_loss_floor)
     VALUES ($1, $2, 1767225600000, '{0}', '{1}', '{1}', '{1}', '{1}', '{1}', '{}', '{}')`,
    [tenantId, accountId],
  );
  await q(
    "INSERT INTO platform_actions (tenant_id, trading_account_id, platform, action, idempotency_key, reason, request, status, requested_at) VALUES ($1, $2, 'simulator', 'set_trading_enabled', $3, 'fixture', '{}', 'succeeded', now())",
    [tenantId, accountId, `fixture-${tenantId}`],
  );
}
