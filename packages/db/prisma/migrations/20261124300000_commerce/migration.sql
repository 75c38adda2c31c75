-- Commerce and compliance: selling challenges and knowing who buys them.
--
-- * provider connections: each firm's own Stripe account and KYC vendor, secrets sealed;
-- * settings: per firm (sanctions threshold, fraud options), per desk (when KYC is required);
-- * the catalogue: products (a program version, account size and price), add-ons that change
--   the program's terms, coupons, and the program variants add-ons and sizes produce;
-- * orders, payments, refunds and disputes, and every provider webhook stored once;
-- * KYC verifications with staff notes, sanctions reviews with every screening's evidence;
-- * fraud inputs (sign-in and checkout IPs and devices) and the flags computed from them.

-- ---------------------------------------------------------------------------------------------
-- Provider connections and settings
-- ---------------------------------------------------------------------------------------------

-- A firm's account at a payment processor or KYC vendor. Secrets are sealed with ENCRYPTION_KEY
-- (one sealed JSON object) and never shown again; `secret_hints` keeps their last characters.
CREATE TABLE provider_connections (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  kind                text NOT NULL CHECK (kind IN ('payments', 'kyc')),
  provider            text NOT NULL CHECK (provider IN ('stripe', 'sumsub')),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disconnected')),
  mode                text NOT NULL CHECK (mode IN ('test', 'live')),
  external_account_id text,
  label               text NOT NULL DEFAULT '',
  secrets_sealed      text NOT NULL,
  secret_hints        jsonb NOT NULL DEFAULT '{}',
  settings            jsonb NOT NULL DEFAULT '{}',
  connected_by_label  text NOT NULL,
  connected_at        timestamptz(6) NOT NULL DEFAULT now(),
  disconnected_at     timestamptz(6),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX provider_connections_active_idx ON provider_connections (tenant_id, kind) WHERE status = 'active';

-- One row per firm: how strict sanctions screening is and which fraud inputs to ignore.
CREATE TABLE compliance_settings (
  tenant_id             uuid NOT NULL REFERENCES tenants (id),
  screening_threshold   numeric(4, 3) NOT NULL DEFAULT 0.85 CHECK (screening_threshold BETWEEN 0.5 AND 1),
  -- The sanctions list version (sha256 of the files) every subject of this firm was last screened against.
  screened_list_version text,
  screened_at           timestamptz(6),
  fraud_options         jsonb NOT NULL DEFAULT '{}',
  updated_by_label      text,
  updated_at            timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

-- Per desk: when identity verification is required, and how old a verification may be at payout.
CREATE TABLE desk_commerce_settings (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  desk_id          uuid NOT NULL,
  kyc_required_at  text NOT NULL DEFAULT 'before_first_payout'
                   CHECK (kyc_required_at IN ('purchase', 'before_funded', 'before_first_payout')),
  kyc_max_age_days integer NOT NULL DEFAULT 365 CHECK (kyc_max_age_days BETWEEN 1 AND 3650),
  updated_by_label text,
  updated_at       timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, desk_id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------------------------------

-- What a desk sells: a program version at an account size, for a price.
CREATE TABLE products (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  desk_id            uuid NOT NULL,
  program_id         uuid NOT NULL,
  program_version_id uuid NOT NULL,
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description        text NOT NULL DEFAULT '',
  account_size       bigint NOT NULL CHECK (account_size > 0),
  account_currency   text NOT NULL CHECK (account_currency ~ '^[A-Z]{3}$'),
  price              bigint NOT NULL CHECK (price > 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  sort_order         integer NOT NULL DEFAULT 0,
  created_at         timestamptz(6) NOT NULL DEFAULT now(),
  updated_at         timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id),
  FOREIGN KEY (tenant_id, program_id) REFERENCES programs (tenant_id, id),
  FOREIGN KEY (tenant_id, program_version_id) REFERENCES program_versions (tenant_id, id)
);
CREATE INDEX products_tenant_id_desk_id_idx ON products (tenant_id, desk_id);

-- Options bought with a product that change the program's terms (a higher split, no time limit).
CREATE TABLE addons (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  desk_id      uuid NOT NULL,
  code         text NOT NULL CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  description  text NOT NULL DEFAULT '',
  kind         text NOT NULL CHECK (kind IN ('profit_split', 'no_time_limit')),
  params       jsonb NOT NULL DEFAULT '{}',
  -- Priced as a share of the product's price, so one add-on fits every size and currency.
  price_pct    numeric(5, 2) NOT NULL CHECK (price_pct > 0 AND price_pct <= 100),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  sort_order   integer NOT NULL DEFAULT 0,
  created_at   timestamptz(6) NOT NULL DEFAULT now(),
  updated_at   timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, desk_id, code),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id)
);

-- Discount codes of a desk.
CREATE TABLE coupons (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  desk_id             uuid NOT NULL,
  code                text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
  description         text NOT NULL DEFAULT '',
  percent_off         numeric(5, 2) CHECK (percent_off > 0 AND percent_off <= 100),
  amount_off          bigint CHECK (amount_off > 0),
  currency            text CHECK (currency ~ '^[A-Z]{3}$'),
  valid_from          timestamptz(6),
  valid_until         timestamptz(6),
  max_redemptions     integer CHECK (max_redemptions > 0),
  max_per_trader      integer CHECK (max_per_trader > 0),
  first_purchase_only boolean NOT NULL DEFAULT false,
  applies_to_resets   boolean NOT NULL DEFAULT false,
  -- Products the code is limited to; empty: every product of the desk.
  product_ids         uuid[] NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_by_label    text NOT NULL,
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  updated_at          timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, desk_id, code),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id),
  CHECK ((percent_off IS NULL) <> (amount_off IS NULL)),
  CHECK ((amount_off IS NULL) = (currency IS NULL)),
  CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);

-- The program version a challenge is sold under when the product's size or add-ons change the
-- base version's terms: derived once per (base version, terms) and reused.
CREATE TABLE program_variants (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  base_version_id    uuid NOT NULL,
  variant_key        text NOT NULL,
  variant_version_id uuid NOT NULL,
  created_at         timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, base_version_id, variant_key),
  FOREIGN KEY (tenant_id, base_version_id) REFERENCES program_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, variant_version_id) REFERENCES program_versions (tenant_id, id)
);

-- ---------------------------------------------------------------------------------------------
-- Orders, payments, refunds, disputes, webhook deliveries
-- ---------------------------------------------------------------------------------------------

CREATE TABLE orders (
  tenant_id                  uuid NOT NULL REFERENCES tenants (id),
  id                         uuid NOT NULL DEFAULT gen_random_uuid(),
  reference                  text NOT NULL,
  desk_id                    uuid NOT NULL,
  trader_id                  uuid NOT NULL,
  kind                       text NOT NULL CHECK (kind IN ('challenge', 'reset')),
  product_id                 uuid,
  -- The exact program version the challenge is created on (a variant when add-ons change terms).
  program_version_id         uuid NOT NULL,
  -- What was bought, as priced at checkout: product, add-ons, coupon (minor units as strings).
  lines                      jsonb NOT NULL,
  coupon_id                  uuid,
  coupon_code                text,
  subtotal                   bigint NOT NULL CHECK (subtotal >= 0),
  discount                   bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
  total                      bigint NOT NULL CHECK (total >= 0),
  currency                   text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status                     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'payment_failed',
                               'expired', 'refunded', 'partially_refunded', 'disputed', 'charged_back')),
  amount_refunded            bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  fulfilment                 text NOT NULL DEFAULT 'pending' CHECK (fulfilment IN ('pending', 'fulfilled', 'failed')),
  fulfilment_error           text,
  challenge_id               uuid,
  previous_challenge_id      uuid,
  stripe_checkout_session_id text,
  stripe_payment_intent_id   text,
  checkout_url               text,
  checkout_expires_at        timestamptz(6),
  paid_at                    timestamptz(6),
  ip                         text,
  device_id                  text,
  created_at                 timestamptz(6) NOT NULL DEFAULT now(),
  updated_at                 timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, reference),
  FOREIGN KEY (tenant_id, desk_id) REFERENCES desks (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
  FOREIGN KEY (tenant_id, program_version_id) REFERENCES program_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id),
  FOREIGN KEY (tenant_id, challenge_id) REFERENCES challenges (tenant_id, id),
  FOREIGN KEY (tenant_id, previous_challenge_id) REFERENCES challenges (tenant_id, id)
);
CREATE UNIQUE INDEX orders_checkout_session_idx ON orders (tenant_id, stripe_checkout_session_id)
  WHERE stripe_checkout_session_id IS NOT NULL;
CREATE INDEX orders_tenant_id_trader_id_idx ON orders (tenant_id, trader_id);
CREATE INDEX orders_tenant_id_desk_id_created_at_idx ON orders (tenant_id, desk_id, created_at);
CREATE INDEX orders_tenant_id_coupon_id_idx ON orders (tenant_id, coupon_id) WHERE coupon_id IS NOT NULL;
CREATE INDEX orders_tenant_id_payment_intent_idx ON orders (tenant_id, stripe_payment_intent_id);

-- One processor payment (a Stripe PaymentIntent and its charge) of an order.
CREATE TABLE payments (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  order_id            uuid NOT NULL,
  provider            text NOT NULL CHECK (provider IN ('stripe')),
  payment_intent_id   text NOT NULL,
  charge_id           text,
  amount              bigint NOT NULL CHECK (amount >= 0),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status              text NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
  method_type         text,
  card_brand          text,
  card_last4          text,
  card_country        text,
  -- The processor's fingerprint of the card or account (never the number): a fraud input.
  payment_fingerprint text,
  processor_fee       bigint CHECK (processor_fee >= 0),
  failure_message     text,
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  succeeded_at        timestamptz(6),
  updated_at          timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, payment_intent_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX payments_tenant_id_charge_id_idx ON payments (tenant_id, charge_id);
CREATE INDEX payments_tenant_id_fingerprint_idx ON payments (tenant_id, payment_fingerprint);

CREATE TABLE refunds (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  order_id           uuid NOT NULL,
  stripe_refund_id   text,
  amount             bigint NOT NULL CHECK (amount > 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status             text NOT NULL CHECK (status IN ('requested', 'pending', 'succeeded', 'failed', 'canceled')),
  -- console: staff refunded from the console; processor: made in the processor's dashboard;
  -- automatic: an order that could not be fulfilled.
  origin             text NOT NULL CHECK (origin IN ('console', 'processor', 'automatic')),
  reason             text,
  requested_by_label text,
  failure_message    text,
  created_at         timestamptz(6) NOT NULL DEFAULT now(),
  updated_at         timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE UNIQUE INDEX refunds_stripe_refund_idx ON refunds (tenant_id, stripe_refund_id) WHERE stripe_refund_id IS NOT NULL;
CREATE INDEX refunds_tenant_id_order_id_idx ON refunds (tenant_id, order_id);

CREATE TABLE disputes (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  order_id          uuid NOT NULL,
  trader_id         uuid NOT NULL,
  stripe_dispute_id text NOT NULL,
  charge_id         text,
  amount            bigint NOT NULL CHECK (amount >= 0),
  currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason            text,
  processor_status  text NOT NULL,
  outcome           text NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
  evidence_due_by   timestamptz(6),
  opened_at         timestamptz(6) NOT NULL,
  closed_at         timestamptz(6),
  updated_at        timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, stripe_dispute_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id)
);
CREATE INDEX disputes_tenant_id_trader_id_idx ON disputes (tenant_id, trader_id);

-- Every signed webhook delivery we accepted, once per provider id (Stripe's event id; a digest of
-- the body for KYC callbacks), processed by a job.
CREATE TABLE webhook_deliveries (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  provider         text NOT NULL CHECK (provider IN ('stripe', 'sumsub')),
  external_id      text NOT NULL,
  type             text NOT NULL,
  payload          jsonb NOT NULL,
  event_created_at timestamptz(6),
  received_at      timestamptz(6) NOT NULL DEFAULT now(),
  deliveries       integer NOT NULL DEFAULT 1,
  processed_at     timestamptz(6),
  outcome          text,
  error            text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, provider, external_id)
);
CREATE INDEX webhook_deliveries_tenant_id_received_at_idx ON webhook_deliveries (tenant_id, received_at);

-- ---------------------------------------------------------------------------------------------
-- KYC
-- ---------------------------------------------------------------------------------------------

CREATE TABLE kyc_verifications (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  trader_id        uuid NOT NULL,
  provider         text NOT NULL CHECK (provider IN ('sumsub', 'manual')),
  applicant_id     text,
  external_user_id text,
  level_name       text,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected', 'resubmission_requested', 'superseded')),
  reason           text NOT NULL CHECK (reason IN ('purchase', 'before_funded', 'before_first_payout', 'reverification', 'trader', 'staff')),
  verification_url text,
  url_expires_at   timestamptz(6),
  documents_submitted_at timestamptz(6),
  reject_labels    text[] NOT NULL DEFAULT '{}',
  reject_type      text CHECK (reject_type IN ('FINAL', 'RETRY')),
  provider_comment text,
  decided_by       text CHECK (decided_by IN ('provider', 'staff')),
  decided_by_label text,
  decided_at       timestamptz(6),
  approved_at      timestamptz(6),
  verified_name    text,
  verified_dob     date,
  verified_country text,
  -- The provider's time of the last callback applied, so an older one arriving late changes nothing.
  last_event_at    timestamptz(6),
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  updated_at       timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id)
);
CREATE UNIQUE INDEX kyc_verifications_applicant_idx ON kyc_verifications (tenant_id, provider, applicant_id)
  WHERE applicant_id IS NOT NULL;
CREATE INDEX kyc_verifications_tenant_id_trader_id_idx ON kyc_verifications (tenant_id, trader_id, created_at);
CREATE INDEX kyc_verifications_tenant_id_status_idx ON kyc_verifications (tenant_id, status);

-- Compliance staff's notes on a verification (documents seen, calls made). Append-only.
CREATE TABLE kyc_notes (
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  verification_id uuid NOT NULL,
  author_id       uuid,
  author_label    text NOT NULL,
  document_type   text,
  note            text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
  created_at      timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, verification_id) REFERENCES kyc_verifications (tenant_id, id)
);
CREATE TRIGGER kyc_notes_append_only BEFORE UPDATE OR DELETE ON kyc_notes FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- ---------------------------------------------------------------------------------------------
-- Sanctions screening
-- ---------------------------------------------------------------------------------------------

-- Where a screened person stands (the domain's SanctionsReviewState), one row per subject.
CREATE TABLE sanctions_reviews (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  subject_type      text NOT NULL CHECK (subject_type IN ('trader', 'affiliate', 'payee')),
  subject_id        uuid NOT NULL,
  subject_name      text NOT NULL,
  status            text NOT NULL CHECK (status IN ('clear', 'potential_match', 'confirmed_match')),
  state             jsonb NOT NULL,
  last_list_version text,
  last_screened_at  timestamptz(6),
  created_at        timestamptz(6) NOT NULL DEFAULT now(),
  updated_at        timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, subject_type, subject_id)
);
CREATE INDEX sanctions_reviews_tenant_id_status_idx ON sanctions_reviews (tenant_id, status);

-- Every screening with the matcher's evidence. Append-only.
CREATE TABLE sanctions_screenings (
  tenant_id       uuid NOT NULL REFERENCES tenants (id),
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  review_id       uuid NOT NULL,
  trigger         text NOT NULL CHECK (trigger IN ('sign_up', 'kyc_approval', 'list_reload', 'manual', 'purchase')),
  list_version    text NOT NULL,
  threshold       numeric(4, 3) NOT NULL,
  query           jsonb NOT NULL,
  potential_match boolean NOT NULL,
  top_score       numeric(5, 4),
  matches         jsonb NOT NULL,
  screened_at     timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, review_id) REFERENCES sanctions_reviews (tenant_id, id)
);
CREATE INDEX sanctions_screenings_tenant_id_review_id_idx ON sanctions_screenings (tenant_id, review_id, screened_at);
CREATE TRIGGER sanctions_screenings_append_only BEFORE UPDATE OR DELETE ON sanctions_screenings FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- ---------------------------------------------------------------------------------------------
-- Fraud
-- ---------------------------------------------------------------------------------------------

-- Where and from which device a trader signed up, signed in or checked out. Append-only.
CREATE TABLE trader_access_events (
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  trader_id   uuid NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('sign_up', 'sign_in', 'checkout')),
  ip          text,
  device_id   text,
  user_agent  text,
  occurred_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id)
);
CREATE INDEX trader_access_events_trader_idx ON trader_access_events (tenant_id, trader_id, occurred_at);
CREATE INDEX trader_access_events_ip_idx ON trader_access_events (tenant_id, ip);
CREATE INDEX trader_access_events_device_idx ON trader_access_events (tenant_id, device_id);
CREATE TRIGGER trader_access_events_append_only BEFORE UPDATE OR DELETE ON trader_access_events FOR EACH ROW EXECUTE FUNCTION reject_modification();

-- A fraud signal about a trader, kept current by the evaluation job and reviewed by compliance.
CREATE TABLE fraud_flags (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  trader_id          uuid NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('shared_ip', 'shared_device', 'shared_payment_method',
                       'copy_trading', 'hedging', 'disposable_email', 'chargeback_history')),
  severity           text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  reason             text NOT NULL,
  evidence           jsonb NOT NULL,
  related_trader_ids uuid[] NOT NULL DEFAULT '{}',
  -- open: firing and not reviewed; cleared: stopped firing; dismissed / confirmed: reviewed.
  status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'dismissed', 'confirmed')),
  first_detected_at  timestamptz(6) NOT NULL DEFAULT now(),
  last_detected_at   timestamptz(6) NOT NULL DEFAULT now(),
  reviewed_by_label  text,
  review_note        text,
  reviewed_at        timestamptz(6),
  updated_at         timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, trader_id, kind),
  FOREIGN KEY (tenant_id, trader_id) REFERENCES traders (tenant_id, id)
);
CREATE INDEX fraud_flags_tenant_id_status_idx ON fraud_flags (tenant_id, status);

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants
-- ---------------------------------------------------------------------------------------------

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['provider_connections', 'compliance_settings', 'desk_commerce_settings', 'products',
    'addons', 'coupons', 'program_variants', 'orders', 'payments', 'refunds', 'disputes', 'webhook_deliveries',
    'kyc_verifications', 'kyc_notes', 'sanctions_reviews', 'sanctions_screenings', 'trader_access_events',
    'fraud_flags']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON provider_connections, compliance_settings, desk_commerce_settings, products,
  addons, coupons, orders, payments, refunds, disputes, webhook_deliveries, kyc_verifications, sanctions_reviews,
  fraud_flags TO propdesk_app;
GRANT SELECT, INSERT ON program_variants, kyc_notes, sanctions_screenings, trader_access_events TO propdesk_app;
REVOKE UPDATE, DELETE, TRUNCATE ON program_variants, kyc_notes, sanctions_screenings, trader_access_events FROM propdesk_platform;
