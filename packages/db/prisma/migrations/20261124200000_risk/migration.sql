-- Live risk: the platform bridge (per-tenant keys, webhook settings, deliveries), the engine's input
-- log (every platform update and control input, in the order the evaluator applies them), trades,
-- the persisted engine state per challenge, the decisions it made, one-minute equity bars, and every
-- action PropDesk asked of a trading platform.

-- Per desk: which trading platform new accounts open on, and the desk-wide emergency stop.
CREATE TABLE risk_desk_settings (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  desk_id           uuid NOT NULL,
  platform          text NOT NULL DEFAULT 'simulator' CHECK (platform IN ('simulator', 'bridge')),
  trading_halted    boolean NOT NULL DEFAULT false,
  halted_at         timestamptz(6),
  halted_by_user_id uuid,
  halted_by_label   text,
  halt_reason       text,
  updated_at        timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, desk_id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

-- The firm's connector for real platforms: where PropDesk sends actions, signed with this secret.
CREATE TABLE bridge_settings (
  tenant_id             uuid NOT NULL REFERENCES tenants (id),
  webhook_url           text NOT NULL CHECK (webhook_url ~ '^https?://[^\s]+$'),
  -- Sealed with ENCRYPTION_KEY; shown once when generated.
  webhook_secret_sealed text NOT NULL,
  timeout_ms            integer NOT NULL DEFAULT 5000 CHECK (timeout_ms BETWEEN 100 AND 60000),
  max_attempts          integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 10),
  updated_by_label      text NOT NULL,
  updated_at            timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

-- Keys a connector signs its deliveries with. The key id names the tenant; the secret is sealed
-- (HMAC needs the secret itself, so it cannot be stored as a hash) and shown once.
CREATE TABLE bridge_api_keys (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  key_id           text NOT NULL CHECK (key_id ~ '^pdk_[0-9a-f]{32}_[0-9a-f]{16}$'),
  secret_sealed    text NOT NULL,
  label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  created_by_label text NOT NULL,
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  last_used_at     timestamptz(6),
  revoked_at       timestamptz(6),
  revoked_by_label text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, key_id)
);

-- One row per accepted signed delivery, keyed by the hash of its signature: a replay of the same
-- signed request finds its row and is refused. Written in the same transaction as the updates.
CREATE TABLE bridge_deliveries (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  signature_hash text NOT NULL,
  key_id         text NOT NULL,
  received_at    timestamptz(6) NOT NULL DEFAULT now(),
  bytes          integer NOT NULL,
  items          integer NOT NULL,
  accepted       integer NOT NULL,
  duplicates     integer NOT NULL,
  stale          integer NOT NULL,
  rejected       integer NOT NULL,
  PRIMARY KEY (tenant_id, signature_hash)
);
CREATE INDEX bridge_deliveries_received_idx ON bridge_deliveries (tenant_id, received_at);

-- Every input of the rules engine, append-only: platform updates (deduplicated by the platform's
-- per-account seq; an update older than one already received is kept with stale = true and never
-- evaluated) and control inputs (day-start clocks, phase starts, restores after an override,
-- suspensions). Writers hold a transaction-level advisory lock per (tenant, partition) while they
-- insert, so within a partition input_id order is commit order: the evaluator reads
-- `input_id > cursor` and never skips a row, and a replay applies a challenge's inputs by input_id.
--
-- Deliberately no foreign keys to challenges and trading_accounts: a foreign-key check takes a KEY
-- SHARE lock on the referenced row, so every delivery would wait for any lifecycle transition in
-- progress on one of its challenges (which holds the row FOR UPDATE), and a transition that appends a
-- control input would deadlock with it. The ids are never taken from the request: the ingest derives
-- them from the tenant's own trading accounts (under row-level security), and the decisions, trades
-- and states that matter keep their foreign keys. See docs/adr (live risk pipeline).
CREATE SEQUENCE risk_inputs_input_id_seq AS bigint;
CREATE TABLE risk_inputs (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  input_id           bigint NOT NULL DEFAULT nextval('risk_inputs_input_id_seq'),
  partition          smallint NOT NULL CHECK (partition >= 0),
  challenge_id       uuid NOT NULL,
  trading_account_id uuid NOT NULL,
  -- Phase of the trading account the input concerns (inputs of a superseded account are not evaluated).
  phase_index        smallint NOT NULL CHECK (phase_index >= 0),
  source             text NOT NULL CHECK (source IN ('platform', 'scheduler', 'lifecycle')),
  kind               text NOT NULL CHECK (kind IN ('account', 'trade_opened', 'trade_closed', 'balance_adjustment',
                       'clock', 'phase_start', 'restore', 'suspend', 'unsuspend')),
  -- The platform's per-account sequence number (platform inputs only).
  seq                bigint CHECK (seq >= 0),
  -- Deduplicates control inputs (e.g. the effect that asked for them).
  control_key        text,
  -- Platform time of the input, epoch milliseconds (the engine's clock).
  t_ms               bigint NOT NULL,
  balance            bigint,
  equity             bigint,
  open_positions     integer,
  -- trade_closed: realised profit; balance_adjustment: the signed amount (minor units).
  amount             bigint,
  trade_id           text,
  symbol             text,
  side               text CHECK (side IN ('buy', 'sell')),
  lots               text CHECK (lots ~ '^\d{1,15}(\.\d{1,8})?$'),
  price              text CHECK (price ~ '^\d{1,15}(\.\d{1,8})?$'),
  stop_loss          text CHECK (stop_loss ~ '^\d{1,15}(\.\d{1,8})?$'),
  details            jsonb,
  stale              boolean NOT NULL DEFAULT false,
  -- When PropDesk received it (epoch ms): the start of the breach-latency clock.
  received_at_ms     bigint NOT NULL,
  PRIMARY KEY (tenant_id, input_id),
  CHECK ((source = 'platform') = (seq IS NOT NULL))
);
ALTER SEQUENCE risk_inputs_input_id_seq OWNED BY risk_inputs.input_id;
CREATE INDEX risk_inputs_partition_idx ON risk_inputs (tenant_id, partition, input_id);
CREATE UNIQUE INDEX risk_inputs_account_seq_idx ON risk_inputs (tenant_id, trading_account_id, seq);
CREATE UNIQUE INDEX risk_inputs_control_key_idx ON risk_inputs (tenant_id, control_key) WHERE control_key IS NOT NULL;
CREATE TRIGGER risk_inputs_append_only BEFORE UPDATE OR DELETE ON risk_inputs FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- Trades as the platform reported them (fraud signals read these: copy trading, hedging).
CREATE TABLE trades (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  trading_account_id uuid NOT NULL,
  challenge_id       uuid NOT NULL,
  platform_trade_id  text NOT NULL,
  symbol             text NOT NULL,
  side               text NOT NULL CHECK (side IN ('buy', 'sell')),
  -- Decimal strings as the platform sent them (lots, prices): exact, never binary floats.
  lots               text CHECK (lots ~ '^\d{1,15}(\.\d{1,8})?$'),
  open_price         text,
  close_price        text,
  stop_loss          text,
  take_profit        text,
  closed_lots        text NOT NULL DEFAULT '0',
  opened_at          timestamptz(3),
  closed_at          timestamptz(3),
  -- Realised profit net of commission and swap (sum over partial closes), minor units.
  profit             bigint,
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, trading_account_id, platform_trade_id),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id)
);
CREATE INDEX trades_opened_at_idx ON trades (tenant_id, opened_at);

-- The rules engine's state per challenge, checkpointed by its evaluator together with the partition
-- cursor: after a crash the evaluator resumes from here and re-applies the inputs after
-- `last_input_id`. The numeric columns mirror the state for the live risk table.
CREATE TABLE risk_engine_states (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  challenge_id       uuid NOT NULL,
  partition          smallint NOT NULL,
  platform           text NOT NULL CHECK (platform IN ('simulator', 'bridge')),
  desk_id            uuid NOT NULL,
  trading_account_id uuid NOT NULL,
  phase_index        integer NOT NULL,
  engine_status      text NOT NULL,
  suspended          boolean NOT NULL DEFAULT false,
  state              jsonb NOT NULL,
  -- Closed trading days of the phase: [{ day, profit }] (payout consistency rules read them).
  day_profits        jsonb NOT NULL DEFAULT '[]',
  last_input_id      bigint NOT NULL,
  last_t_ms          bigint NOT NULL,
  currency           text NOT NULL,
  balance            bigint NOT NULL,
  equity             bigint NOT NULL,
  open_positions     integer NOT NULL,
  daily_floor        bigint,
  max_loss_floor     bigint,
  -- Room left: equity minus the nearest floor, absolute and in basis points of that limit.
  room               bigint,
  room_bp            integer,
  -- Earliest instant a clock input would change something (day start, deadline, inactivity).
  next_due_ms        bigint,
  updated_at         timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, challenge_id),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);
CREATE INDEX risk_engine_states_partition_idx ON risk_engine_states (tenant_id, partition);
CREATE INDEX risk_engine_states_room_idx ON risk_engine_states (tenant_id, room_bp);
CREATE INDEX risk_engine_states_due_idx ON risk_engine_states (next_due_ms) WHERE engine_status IN ('active', 'paused');

-- How far each partition's evaluator has got: decisions are committed up to processed_input_id,
-- engine states are checkpointed up to checkpoint_input_id.
CREATE TABLE risk_partition_cursors (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  partition           smallint NOT NULL,
  processed_input_id  bigint NOT NULL DEFAULT 0,
  checkpoint_input_id bigint NOT NULL DEFAULT 0,
  updated_at          timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, partition)
);

-- What the engine decided, keyed by the input that caused it: re-applying inputs after a crash finds
-- the decision already there and does not act twice. `state_before` is the engine state before the
-- input (kept for breaches and expiries: an override restores it).
CREATE TABLE risk_decisions (
  tenant_id               uuid NOT NULL REFERENCES tenants (id),
  id                      uuid NOT NULL DEFAULT gen_random_uuid(),
  challenge_id            uuid NOT NULL,
  trading_account_id      uuid NOT NULL,
  input_id                bigint NOT NULL,
  idx                     smallint NOT NULL,
  phase_index             integer NOT NULL,
  type                    text NOT NULL,
  rule                    text NOT NULL,
  t_ms                    bigint NOT NULL,
  decision                jsonb NOT NULL,
  state_before            jsonb,
  -- The challenge event this decision became (engine record) and the lifecycle transition it caused.
  engine_event_seq        integer,
  lifecycle_event_seq     integer,
  -- Why a decision caused no transition (e.g. the challenge was suspended).
  lifecycle_note          text,
  decided_at              timestamptz(6) NOT NULL DEFAULT clock_timestamp(),
  overridden_at           timestamptz(6),
  overridden_by_label     text,
  override_reason         text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, challenge_id, input_id, idx),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, input_id) REFERENCES risk_inputs (tenant_id, input_id)
);
CREATE INDEX risk_decisions_type_idx ON risk_decisions (tenant_id, type, decided_at);

-- One-minute equity bars, one row per trading account and hour of platform time (up to 60 bars in
-- parallel arrays): compact, and a day's chart is 24 rows read through the primary key.
CREATE TABLE risk_equity_bars (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  trading_account_id uuid NOT NULL,
  hour_ms            bigint NOT NULL,
  minutes            smallint[] NOT NULL,
  equity_open        bigint[] NOT NULL,
  equity_high        bigint[] NOT NULL,
  equity_low         bigint[] NOT NULL,
  equity_close       bigint[] NOT NULL,
  balance            bigint[] NOT NULL,
  -- Empty when the phase has no such rule.
  daily_floor        bigint[] NOT NULL,
  max_loss_floor     bigint[] NOT NULL,
  PRIMARY KEY (tenant_id, trading_account_id, hour_ms),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id)
);

-- Every action PropDesk asked of a trading platform, with its idempotency key and result.
CREATE TABLE platform_actions (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  trading_account_id uuid,
  platform           text NOT NULL CHECK (platform IN ('simulator', 'bridge')),
  platform_account_id text,
  action             text NOT NULL CHECK (action IN ('provision_account', 'set_trading_enabled', 'close_all_positions', 'adjust_balance')),
  idempotency_key    text NOT NULL,
  reason             text NOT NULL,
  request            jsonb NOT NULL,
  status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  result             jsonb,
  error              text,
  attempts           integer NOT NULL DEFAULT 1,
  requested_at       timestamptz(6) NOT NULL,
  completed_at       timestamptz(6),
  duration_ms        integer,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id)
);
CREATE INDEX platform_actions_account_idx ON platform_actions (tenant_id, trading_account_id, requested_at);
CREATE INDEX platform_actions_requested_idx ON platform_actions (tenant_id, requested_at);

-- The process-wide market simulator's snapshot (all tenants' simulated accounts), so a restarted
-- worker carries on. Platform-only: the application role has no access.
CREATE TABLE simulator_snapshots (
  id          text NOT NULL,
  snapshot    bytea NOT NULL,
  accounts    integer NOT NULL,
  sim_now_ms  bigint NOT NULL,
  taken_at    timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['risk_desk_settings', 'bridge_settings', 'bridge_api_keys', 'bridge_deliveries', 'risk_inputs',
    'trades', 'risk_engine_states', 'risk_partition_cursors', 'risk_decisions', 'risk_equity_bars', 'platform_actions']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON risk_desk_settings, bridge_settings, bridge_api_keys, bridge_deliveries,
  trades, risk_engine_states, risk_partition_cursors, risk_equity_bars, platform_actions TO propdesk_app;
GRANT SELECT, INSERT, UPDATE ON risk_decisions TO propdesk_app;
GRANT SELECT, INSERT ON risk_inputs TO propdesk_app;
GRANT USAGE ON SEQUENCE risk_inputs_input_id_seq TO propdesk_app, propdesk_platform;
REVOKE UPDATE, DELETE, TRUNCATE ON risk_inputs FROM propdesk_platform;
REVOKE DELETE, TRUNCATE ON risk_decisions FROM propdesk_platform;
