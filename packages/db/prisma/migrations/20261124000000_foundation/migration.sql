-- Foundation: tenants, desks, staff access, audit trail, outbox.
--
-- Roles (created by scripts/prepare-database.ts before any migration runs):
--   propdesk_owner     owns every object and runs migrations
--   propdesk_app       every request and tenant job; owns nothing; subject to RLS
--   propdesk_platform  platform console and cross-tenant schedulers only (BYPASSRLS)
--
-- Tenant isolation: every tenant-owned table has RLS enabled and FORCED, with one policy comparing
-- tenant_id to the transaction's `app.tenant_id` setting. A transaction that did not set a tenant
-- sees nothing and can write nothing (NULL never equals anything).

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO propdesk_app, propdesk_platform;

-- ---------------------------------------------------------------------------------------------
-- Platform tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tenants (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  suspended_reason text,
  suspended_at     timestamptz(6),
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  updated_at       timestamptz(6) NOT NULL DEFAULT now()
);
-- A tenant sees its own row (name, status); only the platform role lists or changes tenants.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE platform_admins (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email           text NOT NULL UNIQUE CHECK (email = lower(email)),
  name            text NOT NULL,
  password_hash   text NOT NULL,
  totp_secret     text,
  totp_enabled_at timestamptz(6),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at      timestamptz(6) NOT NULL DEFAULT now(),
  last_login_at   timestamptz(6)
);

CREATE TABLE platform_sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  admin_id       uuid NOT NULL REFERENCES platform_admins (id),
  token_hash     text NOT NULL UNIQUE,
  mfa_pending    boolean NOT NULL DEFAULT false,
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  expires_at     timestamptz(6) NOT NULL,
  last_seen_at   timestamptz(6) NOT NULL DEFAULT now(),
  revoked_at     timestamptz(6),
  revoked_reason text,
  ip             text,
  user_agent     text
);
CREATE INDEX platform_sessions_admin_id_idx ON platform_sessions (admin_id);

-- ---------------------------------------------------------------------------------------------
-- Tenant-owned tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE desks (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  logo_url      text,
  primary_color text NOT NULL DEFAULT '#1f6feb' CHECK (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  accent_color  text NOT NULL DEFAULT '#0b1221' CHECK (accent_color ~ '^#[0-9a-fA-F]{6}$'),
  settings      jsonb NOT NULL DEFAULT '{}',
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  updated_at    timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, slug)
);

CREATE TABLE desk_domains (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  desk_id    uuid NOT NULL,
  hostname   text NOT NULL UNIQUE CHECK (hostname = lower(hostname) AND hostname ~ '^[a-z0-9.-]+$'),
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);
CREATE INDEX desk_domains_tenant_id_desk_id_idx ON desk_domains (tenant_id, desk_id);

CREATE TABLE staff_users (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  email               text NOT NULL CHECK (email = lower(email)),
  name                text NOT NULL,
  password_hash       text,
  password_changed_at timestamptz(6),
  totp_secret         text,
  totp_enabled_at     timestamptz(6),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  last_login_at       timestamptz(6),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, email)
);

CREATE TABLE memberships (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL,
  role       text NOT NULL CHECK (role IN ('owner', 'desk_manager', 'risk', 'compliance', 'finance', 'support', 'partner_manager', 'read_only')),
  all_desks  boolean NOT NULL DEFAULT true,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  updated_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_users (tenant_id, id)
);

CREATE TABLE membership_desks (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  membership_id uuid NOT NULL,
  desk_id       uuid NOT NULL,
  PRIMARY KEY (tenant_id, membership_id, desk_id),
  FOREIGN KEY (tenant_id, membership_id) REFERENCES memberships (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

CREATE TABLE staff_sessions (
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL,
  token_hash     text NOT NULL UNIQUE,
  mfa_pending    boolean NOT NULL DEFAULT false,
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  expires_at     timestamptz(6) NOT NULL,
  last_seen_at   timestamptz(6) NOT NULL DEFAULT now(),
  revoked_at     timestamptz(6),
  revoked_reason text,
  ip             text,
  user_agent     text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX staff_sessions_tenant_id_user_id_idx ON staff_sessions (tenant_id, user_id);

CREATE TABLE invitations (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  email            text NOT NULL CHECK (email = lower(email)),
  name             text,
  role             text NOT NULL CHECK (role IN ('owner', 'desk_manager', 'risk', 'compliance', 'finance', 'support', 'partner_manager', 'read_only')),
  all_desks        boolean NOT NULL DEFAULT true,
  token_hash       text NOT NULL UNIQUE,
  -- The link's token sealed with ENCRYPTION_KEY, so the console can always show the link again.
  token_sealed     text NOT NULL,
  invited_by_id    uuid,
  invited_by_label text NOT NULL,
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  expires_at       timestamptz(6) NOT NULL,
  accepted_at      timestamptz(6),
  revoked_at       timestamptz(6),
  email_sent_at    timestamptz(6),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invited_by_id) REFERENCES staff_users (tenant_id, id)
);
CREATE INDEX invitations_tenant_id_email_idx ON invitations (tenant_id, email);

CREATE TABLE invitation_desks (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  invitation_id uuid NOT NULL,
  desk_id       uuid NOT NULL,
  PRIMARY KEY (tenant_id, invitation_id, desk_id),
  FOREIGN KEY (tenant_id, invitation_id) REFERENCES invitations (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

CREATE TABLE outbox (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  job_name      text NOT NULL,
  job_version   integer NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  available_at  timestamptz(6) NOT NULL DEFAULT now(),
  dispatched_at timestamptz(6),
  PRIMARY KEY (tenant_id, id)
);
-- The relay only ever looks at rows not yet dispatched.
CREATE INDEX outbox_pending_idx ON outbox (available_at) WHERE dispatched_at IS NULL;

-- Wake the relay as soon as a transaction that wrote outbox rows commits (NOTIFY is delivered at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('propdesk_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- One bot per tenant and chat platform; the bots process (platform role) loads the enabled ones.
CREATE TABLE bot_configurations (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  platform     text NOT NULL CHECK (platform IN ('discord', 'telegram')),
  -- The bot token sealed with ENCRYPTION_KEY; never shown again after it is saved.
  token_sealed text NOT NULL,
  settings     jsonb NOT NULL DEFAULT '{}',
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz(6) NOT NULL DEFAULT now(),
  updated_at   timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, platform)
);

-- ---------------------------------------------------------------------------------------------
-- Audit trail: append-only, hash-chained per tenant
-- ---------------------------------------------------------------------------------------------

CREATE TABLE audit_events (
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  seq         bigint NOT NULL DEFAULT 0,
  occurred_at timestamptz(6) NOT NULL DEFAULT now(),
  actor_type  text NOT NULL CHECK (actor_type IN ('staff', 'platform_admin', 'trader', 'affiliate', 'system', 'provider')),
  actor_id    text,
  actor_label text,
  desk_id     uuid,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  ip          text,
  user_agent  text,
  prev_hash   text NOT NULL DEFAULT '',
  hash        text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_events_tenant_id_occurred_at_idx ON audit_events (tenant_id, occurred_at);

CREATE TABLE audit_chain_heads (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  seq       bigint NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE platform_audit_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq         bigint NOT NULL UNIQUE,
  occurred_at timestamptz(6) NOT NULL DEFAULT now(),
  actor_type  text NOT NULL,
  actor_id    text,
  actor_label text,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  ip          text,
  user_agent  text,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);

-- The text every link hashes: fields joined by a unit separator, NULL written as '\N', times in UTC
-- with microseconds, JSON in PostgreSQL's canonical jsonb text. scripts/audit-verify.ts rebuilds
-- the same text independently from the stored columns.
CREATE FUNCTION audit_link_text(
  p_scope text, p_seq bigint, p_id uuid, p_occurred_at timestamptz, p_actor_type text, p_actor_id text,
  p_actor_label text, p_desk_id uuid, p_action text, p_target_type text, p_target_id text, p_before jsonb,
  p_after jsonb, p_request_id text, p_ip text, p_user_agent text, p_prev_hash text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT array_to_string(ARRAY[
    p_scope, p_seq::text, p_id::text,
    to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    p_actor_type, p_actor_id, p_actor_label, p_desk_id::text, p_action, p_target_type, p_target_id,
    p_before::text, p_after::text, p_request_id, p_ip, p_user_agent, p_prev_hash
  ], chr(31), '\N')
$$;

-- Runs as the owner (SECURITY DEFINER) so that the application role never touches the chain heads.
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  head record;
BEGIN
  SELECT seq, hash INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES (NEW.tenant_id, 0, '') ON CONFLICT DO NOTHING;
    SELECT seq, hash INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  END IF;
  NEW.seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.occurred_at := date_trunc('microseconds', coalesce(NEW.occurred_at, now()));
  NEW.hash := encode(sha256(convert_to(audit_link_text(
    NEW.tenant_id::text, NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.actor_label,
    NEW.desk_id, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.request_id, NEW.ip,
    NEW.user_agent, NEW.prev_hash), 'UTF8')), 'hex');
  UPDATE audit_chain_heads SET seq = NEW.seq, hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

CREATE FUNCTION platform_audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last record;
BEGIN
  -- One chain for the whole platform: serialise writers on a fixed advisory lock.
  PERFORM pg_advisory_xact_lock(7413002);
  SELECT seq, hash INTO last FROM platform_audit_events ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := coalesce(last.hash, '');
  NEW.occurred_at := date_trunc('microseconds', coalesce(NEW.occurred_at, now()));
  NEW.hash := encode(sha256(convert_to(audit_link_text(
    'platform', NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.actor_label,
    NULL, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.request_id, NEW.ip,
    NEW.user_agent, NEW.prev_hash), 'UTF8')), 'hex');
  RETURN NEW;
END $$;
CREATE TRIGGER platform_audit_events_chain BEFORE INSERT ON platform_audit_events FOR EACH ROW EXECUTE FUNCTION platform_audit_events_chain();

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION reject_modification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
CREATE TRIGGER platform_audit_events_append_only BEFORE UPDATE OR DELETE ON platform_audit_events FOR EACH ROW EXECUTE FUNCTION reject_modification();
CREATE TRIGGER platform_audit_events_no_truncate BEFORE TRUNCATE ON platform_audit_events FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();

-- ---------------------------------------------------------------------------------------------
-- Row-level security on every tenant-owned table
-- ---------------------------------------------------------------------------------------------

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['desks', 'desk_domains', 'staff_users', 'memberships', 'membership_desks',
    'staff_sessions', 'invitations', 'invitation_desks', 'outbox', 'audit_events', 'audit_chain_heads',
    'bot_configurations']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Host resolution: the one cross-tenant read the request path needs, before it knows the tenant.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION resolve_desk_host(p_hostname text)
RETURNS TABLE (tenant_id uuid, tenant_slug text, tenant_name text, tenant_status text, desk_id uuid, desk_slug text,
  desk_name text, desk_status text, logo_url text, primary_color text, accent_color text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  -- Only what a public page of the desk shows anyway (its name and theme) and what routing needs.
  SELECT t.id, t.slug, t.name, t.status, k.id, k.slug, k.name, k.status, k.logo_url, k.primary_color, k.accent_color
  FROM desk_domains d
  JOIN tenants t ON t.id = d.tenant_id
  JOIN desks k ON k.tenant_id = d.tenant_id AND k.id = d.desk_id
  WHERE d.hostname = lower(p_hostname)
$$;
REVOKE ALL ON FUNCTION resolve_desk_host(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resolve_desk_host(text) TO propdesk_app, propdesk_platform;

-- ---------------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------------

GRANT SELECT ON tenants TO propdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON desks, desk_domains, staff_users, memberships, membership_desks,
  staff_sessions, invitations, invitation_desks, outbox, bot_configurations TO propdesk_app;
GRANT SELECT, INSERT ON audit_events TO propdesk_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO propdesk_platform;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, platform_audit_events, audit_chain_heads FROM propdesk_platform;

-- Tables added by later migrations are visible to the platform role without repeating this; the
-- application role is granted table by table, deliberately.
ALTER DEFAULT PRIVILEGES FOR ROLE propdesk_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO propdesk_platform;
