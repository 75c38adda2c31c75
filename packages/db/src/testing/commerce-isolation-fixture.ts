import { randomUUID } from "node:crypto";

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * One row in every commerce and compliance table (migration 20261124300000_commerce), for the
 * isolation fixture: called by `createIsolationFixture` with the tenant's desk, program version,
 * trader and challenge.
 */
export async function createCommerceIsolationRows(
  q: Query,
  ids: {
    tenantId: string;
    deskId: string;
    programId: string;
    versionId: string;
    traderId: string;
    challengeId: string;
  },
): Promise<void> {
  const { tenantId, deskId, programId, versionId, traderId, challengeId } = ids;
  const productId = randomUUID();
  const couponId = randomUUID();
  const orderId = randomUUID();
  const verificationId = randomUUID();
  const reviewId = randomUUID();
  await q(
    "INSERT INTO provider_connections (tenant_id, kind, provider, mode, secrets_sealed, connected_by_label) VALUES ($1, 'payments', 'stripe', 'test', 'sealed', 'fixture')",
    [tenantId],
  );
  await q("INSERT INTO compliance_settings (tenant_id) VALUES ($1)", [tenantId]);
  await q("INSERT INTO desk_commerce_settings (tenant_id, desk_id) VALUES ($1, $2)", [tenantId, deskId]);
  await q(
    `INSERT INTO products (tenant_id, id, desk_id, program_id, program_version_id, name, account_size, account_currency, price, currency)
     VALUES ($1, $2, $3, $4, $5, 'Product', 10000000, 'USD', 9900, 'USD')`,
    [tenantId, productId, deskId, programId, versionId],
  );
  await q(
    "INSERT INTO addons (tenant_id, desk_id, code, name, kind, price_pct) VALUES ($1, $2, 'no-limit', 'No time limit', 'no_time_limit', 10)",
    [tenantId, deskId],
  );
  await q(
    "INSERT INTO coupons (tenant_id, id, desk_id, code, percent_off, created_by_label) VALUES ($1, $2, $3, 'WELCOME', 10, 'fixture')",
    [tenantId, couponId, deskId],
  );
  await q(
    "INSERT INTO program_variants (tenant_id, base_version_id, variant_key, variant_version_id) VALUES ($1, $2, 'k', $2)",
    [tenantId, versionId],
  );
  await q(
    `INSERT INTO orders (tenant_id, id, reference, desk_id, trader_id, kind, product_id, program_version_id, lines, coupon_id, subtotal, total, currency, challenge_id)
     VALUES ($1, $2, $3, $4, $5, 'challenge', $6, $7, '[]', $8, 9900, 9900, 'USD', $9)`,
    [
      tenantId,
      orderId,
      `ORD-${orderId.slice(0, 6)}`,
      deskId,
      traderId,
      productId,
      versionId,
      couponId,
      challengeId,
    ],
  );
  await q(
    "INSERT INTO payments (tenant_id, order_id, provider, payment_intent_id, amount, currency, status) VALUES ($1, $2, 'stripe', $3, 9900, 'USD', 'succeeded')",
    [tenantId, orderId, `pi_${orderId.slice(0, 8)}`],
  );
  await q(
    "INSERT INTO refunds (tenant_id, order_id, amount, currency, status, origin) VALUES ($1, $2, 100, 'USD', 'requested', 'console')",
    [tenantId, orderId],
  );
  await q(
    "INSERT INTO disputes (tenant_id, order_id, trader_id, stripe_dispute_id, amount, currency, processor_status, outcome, opened_at) VALUES ($1, $2, $3, $4, 9900, 'USD', 'needs_response', 'open', now())",
    [tenantId, orderId, traderId, `dp_${orderId.slice(0, 8)}`],
  );
  await q(
    "INSERT INTO webhook_deliveries (tenant_id, provider, external_id, type, payload) VALUES ($1, 'stripe', $2, 'checkout.session.completed', '{}')",
    [tenantId, `evt_${orderId.slice(0, 8)}`],
  );
  await q(
    "INSERT INTO kyc_verifications (tenant_id, id, trader_id, provider, reason) VALUES ($1, $2, $3, 'manual', 'staff')",
    [tenantId, verificationId, traderId],
  );
  await q(
    "INSERT INTO kyc_notes (tenant_id, verification_id, author_label, note) VALUES ($1, $2, 'fixture', 'passport seen')",
    [tenantId, verificationId],
  );
  await q(
    "INSERT INTO sanctions_reviews (tenant_id, id, subject_type, subject_id, subject_name, status, state) VALUES ($1, $2, 'trader', $3, 'Trader', 'clear', '{}')",
    [tenantId, reviewId, traderId],
  );
  await q(
    "INSERT INTO sanctions_screenings (tenant_id, review_id, trigger, list_version, threshold, query, potential_match, matches) VALUES ($1, $2, 'sign_up', 'v', 0.85, '{}', false, '[]')",
    [tenantId, reviewId],
  );
  await q(
    "INSERT INTO trader_access_events (tenant_id, trader_id, kind, ip) VALUES ($1, $2, 'sign_in', '192.0.2.1')",
    [tenantId, traderId],
  );
  await q(
    "INSERT INTO fraud_flags (tenant_id, trader_id, kind, severity, reason, evidence) VALUES ($1, $2, 'disposable_email', 'medium', 'fixture', '{}')",
    [tenantId, traderId],
  );
}
