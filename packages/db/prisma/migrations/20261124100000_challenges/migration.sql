-- Challenges as first-class objects: programs and their immutable versions, traders (tenant-wide,
-- registered on desks) with portal sessions, challenges bound to the exact program version they were
-- sold under, their trading accounts on a platform, and the append-only log of challenge events
-- (rules-engine decisions and lifecycle transitions, each with its cause).

CREATE TABLE programs (
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  desk_id     uuid NOT NULL,
  slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,58}[a-z0-9])?$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description text NOT NULL DEFAULT '',
  template_id text,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at  timestamptz(6) NOT NULL DEFAULT now(),
  updated_at  timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, desk_id, slug),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

-- A version is the program's rules as sold; challenges bind to one and it never changes.
CREATE TABLE program_versions (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  program_id       uuid NOT NULL,
  version          integer NOT NULL CHECK (version >= 1),
  definition       jsonb NOT NULL,
  fingerprint      text NOT NULL,
  created_by_label text NOT NULL,
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, program_id, version),
  FOREIGN KEY (tenant_id, program_id) REFERENCES programs (tenant_id, id)
);
CREATE TRIGGER program_versions_immutable BEFORE UPDATE OR DELETE ON program_versions FOR EACH ROW EXECUTE FUNCTION reject_modification();

CREATE TABLE traders (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (email = lower(email)),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  country        text CHECK (country ~ '^[A-Z]{2}$'),
  date_of_birth  date,
  timezone       text NOT NULL DEFAULT 'UTC',
  password_hash  text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'blocked')),
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  last_login_at  timestamptz(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, email)
);

-- Traders belong to the firm; these are the desks they signed up on or bought from.
CREATE TABLE trader_desks (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  trader_id     uuid NOT NULL,
  desk_id       uuid NOT NULL,
  registered_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, trader_id, desk_id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

CREATE TABLE trader_sessions (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  trader_id      uuid NOT NULL,
  token_hash     text NOT NULL UNIQUE,
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  expires_at     timestamptz(6) NOT NULL,
  last_seen_at   timestamptz(6) NOT NULL DEFAULT now(),
  revoked_at     timestamptz(6),
  revoked_reason text,
  ip             text,
  user_agent     text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id)
);
CREATE INDEX trader_sessions_tenant_id_trader_id_idx ON trader_sessions (tenant_id, trader_id);

CREATE TABLE challenges (
  tenant_id             uuid NOT NULL REFERENCES tenants (id),
  id                    uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Short human reference shown to traders and staff ("AF-7K2M9Q").
  reference             text NOT NULL,
  desk_id               uuid NOT NULL,
  trader_id             uuid NOT NULL,
  program_version_id    uuid NOT NULL,
  -- The domain lifecycle value (packages/domain/src/lifecycle); status and phase_index mirror it.
  lifecycle             jsonb NOT NULL,
  status                text NOT NULL CHECK (status IN ('purchased', 'kyc_pending', 'provisioned', 'active', 'paused',
                          'awaiting_next_phase', 'funded', 'failed', 'refunded', 'reset', 'cancelled', 'suspended')),
  phase_index           integer NOT NULL DEFAULT 0 CHECK (phase_index >= 0),
  attempt               integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  origin                text NOT NULL CHECK (origin IN ('manual', 'purchase', 'reset')),
  previous_challenge_id uuid,
  currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  account_size          bigint NOT NULL CHECK (account_size > 0),
  status_changed_at     timestamptz(6) NOT NULL DEFAULT now(),
  created_at            timestamptz(6) NOT NULL DEFAULT now(),
  updated_at            timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, reference),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id),
  FOREIGN KEY (tenant_id, program_version_id) REFERENCES program_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, previous_challenge_id) REFERENCES challenges (tenant_id, id)
);
CREATE INDEX challenges_tenant_id_trader_id_idx ON challenges (tenant_id, trader_id);
CREATE INDEX challenges_tenant_id_status_idx ON challenges (tenant_id, status);
CREATE INDEX challenges_tenant_id_desk_id_idx ON challenges (tenant_id, desk_id);

-- One account per phase attempt on a trading platform (the simulator or a bridged real platform).
CREATE TABLE trading_accounts (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  challenge_id        uuid NOT NULL,
  phase_index         integer NOT NULL CHECK (phase_index >= 0),
  platform            text NOT NULL CHECK (platform IN ('simulator', 'bridge')),
  platform_account_id text,
  login               text,
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  initial_balance     bigint NOT NULL CHECK (initial_balance > 0),
  status              text NOT NULL DEFAULT 'provisioning' CHECK (status IN ('provisioning', 'active', 'closed')),
  trading_enabled     boolean NOT NULL DEFAULT false,
  provisioned_at      timestamptz(6),
  closed_at           timestamptz(6),
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, challenge_id, phase_index),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id)
);
CREATE UNIQUE INDEX trading_accounts_platform_account_idx ON trading_accounts (tenant_id, platform, platform_account_id)
  WHERE platform_account_id IS NOT NULL;

-- The challenge's history: every lifecycle transition and engine decision, with its cause. Append-only.
CREATE TABLE challenge_events (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  challenge_id       uuid NOT NULL,
  seq                integer NOT NULL CHECK (seq >= 1),
  kind               text NOT NULL CHECK (kind IN ('lifecycle', 'engine')),
  type               text NOT NULL,
  phase_index        integer NOT NULL,
  trading_account_id uuid,
  from_state         text,
  to_state           text,
  cause              jsonb NOT NULL,
  details            jsonb NOT NULL DEFAULT '{}',
  occurred_at        timestamptz(6) NOT NULL,
  recorded_at        timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, challenge_id, seq),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id),
  FOREIGN KEY (tenant_id, trading_account_id) REFERENCES trading_accounts (tenant_id, id)
);
CREATE TRIGGER challenge_events_append_only BEFORE UPDATE OR DELETE ON challenge_events FOR EACH ROW EXECUTE FUNCTION reject_modification();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['programs', 'program_versions', 'traders', 'trader_desks', 'trader_sessions', 'challenges',
    'trading_accounts', 'challenge_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON programs, traders, trader_desks, trader_sessions, challenges, trading_accounts TO propdesk_app;
GRANT SELECT, INSERT ON program_versions, challenge_events TO propdesk_app;
REVOKE UPDATE, DELETE, TRUNCATE ON program_versions, challenge_events FROM propdesk_platform;
