import { commerceSettings, dataLayer, type TenantDb } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import type Stripe from "stripe";
import { z } from "zod";
import { recordAudit } from "../../audit/record-audit";
import type { StaffPrincipal } from "../../auth/staff-auth";
import { decryptSecret, encryptSecret } from "../../crypto/secrets";
import { env } from "../../env/env";
import { requirePermission } from "../../staff/require-permission";
import { stripeClient, stripeFailure } from "./stripe-client";

/**
 * Each firm connects its own Stripe account: the secret key (or a restricted key) PropDesk calls
 * Stripe with, and the signing secret of the webhook endpoint the firm registered for PropDesk.
 * Both are sealed with ENCRYPTION_KEY and never shown again: the console shows their last four
 * characters only.
 */
export const connectStripeSchema = z.object({
  secretKey: z
    .string()
    .trim()
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$/,
      "Paste a secret key (sk_live_… or sk_test_…) or a restricted key (rk_…).",
    ),
  webhookSecret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{10,}$/, "Paste the endpoint's signing secret (whsec_…)."),
});

interface StripeSecrets {
  secretKey: string;
  webhookSecret: string;
}

const last4 = (s: string) => `…${s.slice(-4)}`;

export async function connectStripe(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const form = validate(connectStripeSchema, input);
  const mode = form.secretKey.includes("_live_") ? "live" : "test";
  // Prove the key works (and learn which account it is) before storing it.
  let account: Stripe.Account;
  try {
    account = await stripeClient(form.secretKey).accounts.retrieveCurrent();
  } catch (e) {
    const err = stripeFailure(e, "accept this key");
    throw new AppError("VALIDATION", err.message, { issues: [{ path: "secretKey", message: err.message }] });
  }
  const secrets: StripeSecrets = { secretKey: form.secretKey, webhookSecret: form.webhookSecret };
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await commerceSettings.disconnectConnections(db, "payments");
    const row = await commerceSettings.createConnection(db, {
      kind: "payments",
      provider: "stripe",
      mode,
      externalAccountId: account.id,
      label: account.business_profile?.name ?? account.settings?.dashboard?.display_name ?? account.id,
      secretsSealed: encryptSecret(JSON.stringify(secrets), env().ENCRYPTION_KEY),
      secretHints: { secretKey: last4(form.secretKey), webhookSecret: last4(form.webhookSecret) },
      settings: {},
      connectedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payments.stripe_connected",
      target: { type: "provider_connection", id: row.id },
      after: {
        account: account.id,
        mode,
        secretKey: last4(form.secretKey),
        webhookSecret: last4(form.webhookSecret),
      },
    });
    return { id: row.id, accountId: account.id, mode, label: row.label };
  });
}

export async function disconnectStripe(principal: StaffPrincipal) {
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const current = await commerceSettings.findActiveConnection(db, "payments");
    if (!current) throw new AppError("NOT_FOUND", "No Stripe account is connected.");
    await commerceSettings.disconnectConnections(db, "payments");
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payments.stripe_disconnected",
      target: { type: "provider_connection", id: current.id },
      before: { account: current.externalAccountId, mode: current.mode },
    });
  });
}

export interface StripeAccess {
  connectionId: string;
  accountId: string | null;
  mode: "test" | "live";
  client: Stripe;
  webhookSecret: string;
}

/** The firm's Stripe client and webhook secret; PRECONDITION_FAILED when none is connected. */
export async function stripeAccess(db: TenantDb): Promise<StripeAccess> {
  const row = await commerceSettings.findActiveConnection(db, "payments");
  if (!row || row.provider !== "stripe")
    throw new AppError("PRECONDITION_FAILED", "This firm has not connected a Stripe account yet.");
  const secrets = JSON.parse(decryptSecret(row.secretsSealed, env().ENCRYPTION_KEY)) as StripeSecrets;
  return {
    connectionId: row.id,
    accountId: row.externalAccountId,
    mode: row.mode as "test" | "live",
    client: stripeClient(secrets.secretKey),
    webhookSecret: secrets.webhookSecret,
  };
}

/** What the console shows: never a secret, only its last characters. */
export async function paymentConnectionFor(principal: StaffPrincipal) {
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const row = await commerceSettings.findActiveConnection(db, "payments");
    return row
      ? {
          id: row.id,
          provider: row.provider,
          mode: row.mode,
          accountId: row.externalAccountId,
          label: row.label,
          hints: row.secretHints as Record<string, string>,
          connectedAt: row.connectedAt,
          connectedBy: row.connectedByLabel,
        }
      : null;
  });
}
