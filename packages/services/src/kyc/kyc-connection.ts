import { commerceSettings, dataLayer, type TenantDb } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { decryptSecret, encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { requirePermission } from "../staff/require-permission";
import { type KycCredentials, KycProvider } from "./kyc-provider";

/**
 * A firm connects its own KYC vendor account: app token, secret key, the webhook secret of the
 * callbacks, and the verification level traders go through. Sealed, never shown again.
 */
export const connectKycSchema = z.object({
  appToken: z.string().trim().min(10, "Paste the app token.").max(200),
  secretKey: z.string().trim().min(10, "Paste the secret key.").max(200),
  webhookSecret: z.string().trim().min(10, "Paste the webhook secret key.").max(200),
  levelName: z
    .string()
    .trim()
    .min(1, "Name the verification level traders go through.")
    .max(80)
    .regex(/^[\w .-]+$/, "The level name has letters, digits, spaces, dots, dashes or underscores."),
});

const last4 = (s: string) => `…${s.slice(-4)}`;

export async function connectKyc(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const creds = validate(connectKycSchema, input) as KycCredentials;
  let levels: string[];
  try {
    levels = (await new KycProvider(creds).levels()).items.map((l) => l.name);
  } catch (e) {
    const message = e instanceof AppError ? e.message : "The provider did not accept these credentials.";
    throw new AppError("VALIDATION", message, { issues: [{ path: "appToken", message }] });
  }
  if (!levels.includes(creds.levelName))
    throw new AppError(
      "VALIDATION",
      `levelName: the account has no level "${creds.levelName}" (it has ${levels.join(", ") || "none"}).`,
      {
        issues: [{ path: "levelName", message: "unknown level" }],
      },
    );
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await commerceSettings.disconnectConnections(db, "kyc");
    const row = await commerceSettings.createConnection(db, {
      kind: "kyc",
      provider: "sumsub",
      mode: creds.appToken.startsWith("prd") ? "live" : "test",
      externalAccountId: null,
      label: creds.levelName,
      secretsSealed: encryptSecret(JSON.stringify(creds), env().ENCRYPTION_KEY),
      secretHints: {
        appToken: last4(creds.appToken),
        secretKey: last4(creds.secretKey),
        webhookSecret: last4(creds.webhookSecret),
      },
      settings: { levelName: creds.levelName },
      connectedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "kyc.provider_connected",
      target: { type: "provider_connection", id: row.id },
      after: { provider: "sumsub", level: creds.levelName, appToken: last4(creds.appToken) },
    });
    return { id: row.id };
  });
}

export interface KycAccess {
  connectionId: string;
  provider: KycProvider;
  credentials: KycCredentials;
}

/** The firm's KYC vendor, or null when compliance reviews identities by hand only. */
export async function kycAccess(db: TenantDb): Promise<KycAccess | null> {
  const row = await commerceSettings.findActiveConnection(db, "kyc");
  if (!row) return null;
  const credentials = JSON.parse(decryptSecret(row.secretsSealed, env().ENCRYPTION_KEY)) as KycCredentials;
  return { connectionId: row.id, provider: new KycProvider(credentials), credentials };
}

export async function kycConnectionFor(principal: StaffPrincipal) {
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const row = await commerceSettings.findActiveConnection(db, "kyc");
    return row
      ? {
          id: row.id,
          provider: row.provider,
          levelName: (row.settings as { levelName?: string }).levelName ?? row.label,
          hints: row.secretHints as Record<string, string>,
          connectedAt: row.connectedAt,
          connectedBy: row.connectedByLabel,
        }
      : null;
  });
}
