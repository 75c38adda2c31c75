import { randomBytes } from "node:crypto";
import { bridge, dataLayer, desks, platformActions, risk } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { forgetBridgeKey } from "../ingest/bridge-delivery";
import { forgetBridgeConfig } from "../platforms/bridge/bridge-platform";
import { newSigningSecret } from "../platforms/bridge/bridge-signature";
import { requirePermission } from "../staff/require-permission";

/**
 * The firm's platform bridge: API keys its connector signs deliveries with (the secret is shown
 * once and stored sealed), the connector's webhook for PropDesk's actions, and which platform each
 * desk opens new accounts on. Owner-level (`settings.manage`); every change is audited.
 */
const staffActor = (p: StaffPrincipal) => ({ type: "staff" as const, id: p.userId, label: p.email });

export async function bridgeOverview(principal: StaffPrincipal) {
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const settings = await bridge.findBridgeSettings(db);
    const allDesks = await desks.listDesks(db);
    const deskSettings = new Map((await risk.listDeskRiskSettings(db)).map((s) => [s.deskId, s]));
    return {
      settings: settings
        ? {
            webhookUrl: settings.webhookUrl,
            timeoutMs: settings.timeoutMs,
            maxAttempts: settings.maxAttempts,
            updatedAt: settings.updatedAt,
            updatedBy: settings.updatedByLabel,
          }
        : null,
      keys: (await bridge.listBridgeApiKeys(db)).map((k) => ({
        id: k.id,
        keyId: k.keyId,
        label: k.label,
        createdAt: k.createdAt,
        createdBy: k.createdByLabel,
        lastUsedAt: k.lastUsedAt,
        revokedAt: k.revokedAt,
      })),
      deliveries: await bridge.listRecentDeliveries(db, 20),
      actions: (await platformActions.listRecentPlatformActions(db, 20)).filter(
        (a) => a.platform === "bridge",
      ),
      desks: allDesks.map((d) => ({
        id: d.id,
        name: d.name,
        platform: deskSettings.get(d.id)?.platform ?? "simulator",
      })),
    };
  });
}

const labelSchema = z.object({
  label: z.string().trim().min(1, "Name the key (e.g. the connector it is for).").max(120),
});

/** A new API key; the secret is returned once and never shown again. */
export async function createBridgeKey(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const form = validate(labelSchema, input);
  const keyId = `pdk_${principal.tenantId.replaceAll("-", "")}_${randomBytes(8).toString("hex")}`;
  const secret = newSigningSecret();
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const key = await bridge.createBridgeApiKey(db, {
      keyId,
      secretSealed: encryptSecret(secret, env().ENCRYPTION_KEY),
      label: form.label,
      createdByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: staffActor(principal),
      action: "bridge.key_created",
      target: { type: "bridge_api_key", id: key.id },
      after: { keyId, label: form.label },
    });
  });
  return { keyId, secret };
}

const idSchema = z.object({ id: z.string().uuid("Unknown key.") });

export async function revokeBridgeKey(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const { id } = validate(idSchema, input);
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const key = (await bridge.listBridgeApiKeys(db)).find((k) => k.id === id);
    if (!key) throw new AppError("NOT_FOUND", "That key does not exist.");
    if (key.revokedAt) throw new AppError("CONFLICT", "That key is already revoked.");
    await bridge.revokeBridgeApiKey(db, id, principal.email);
    await recordAudit(db, {
      actor: staffActor(principal),
      action: "bridge.key_revoked",
      target: { type: "bridge_api_key", id },
      before: { keyId: key.keyId, label: key.label },
    });
    forgetBridgeKey(key.keyId);
  });
}

const settingsSchema = z.object({
  webhookUrl: z
    .string()
    .trim()
    .url("Enter the connector's full URL, e.g. https://connector.example.com/propdesk.")
    .refine(
      (u) => /^https?:\/\//.test(u),
      "The URL must start with https:// (or http:// on a private network).",
    ),
  timeoutMs: z.coerce
    .number()
    .int()
    .min(100, "At least 100 ms.")
    .max(60_000, "At most 60,000 ms.")
    .default(5000),
  maxAttempts: z.coerce
    .number()
    .int()
    .min(1, "At least 1 attempt.")
    .max(10, "At most 10 attempts.")
    .default(3),
  rotateSecret: z
    .union([z.literal("on"), z.literal("true"), z.boolean()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
});

/**
 * Saves the connector's webhook. The webhook's signing secret is generated on first save (and on
 * rotation) and returned once.
 */
export async function saveBridgeSettings(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const form = validate(settingsSchema, input);
  const result = await dataLayer().withTenant(principal.tenantId, async (db) => {
    const existing = await bridge.findBridgeSettings(db);
    const secret = !existing || form.rotateSecret ? newSigningSecret() : null;
    await bridge.upsertBridgeSettings(db, {
      webhookUrl: form.webhookUrl,
      timeoutMs: form.timeoutMs,
      maxAttempts: form.maxAttempts,
      updatedByLabel: principal.email,
      ...(secret ? { webhookSecretSealed: encryptSecret(secret, env().ENCRYPTION_KEY) } : {}),
    });
    await recordAudit(db, {
      actor: staffActor(principal),
      action: "bridge.settings_saved",
      target: { type: "bridge_settings", id: principal.tenantId },
      before: existing
        ? {
            webhookUrl: existing.webhookUrl,
            timeoutMs: existing.timeoutMs,
            maxAttempts: existing.maxAttempts,
          }
        : null,
      after: {
        webhookUrl: form.webhookUrl,
        timeoutMs: form.timeoutMs,
        maxAttempts: form.maxAttempts,
        secretRotated: secret !== null,
      },
    });
    return { secret };
  });
  forgetBridgeConfig(principal.tenantId);
  return result;
}

const deskPlatformSchema = z.object({
  deskId: z.string().uuid("Choose a desk."),
  platform: z.enum(["simulator", "bridge"], { error: 'Choose "simulator" or "bridge".' }),
});

/** Which platform the desk's new accounts open on (existing accounts stay where they are). */
export async function setDeskPlatform(principal: StaffPrincipal, input: unknown) {
  const form = validate(deskPlatformSchema, input);
  requirePermission(principal, "settings.manage", form.deskId);
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const desk = await desks.findDesk(db, form.deskId);
    if (!desk) throw new AppError("NOT_FOUND", "That desk does not exist.");
    if (form.platform === "bridge" && !(await bridge.findBridgeSettings(db)))
      throw new AppError(
        "PRECONDITION_FAILED",
        "Set the connector's webhook URL first: accounts on the bridge are opened through it.",
        { issues: [{ path: "platform", message: "no bridge configured" }] },
      );
    const before = await risk.findDeskRiskSettings(db, form.deskId);
    await risk.upsertDeskRiskSettings(db, form.deskId, { platform: form.platform });
    await recordAudit(db, {
      actor: staffActor(principal),
      action: "risk.desk_platform_set",
      deskId: form.deskId,
      target: { type: "desk", id: form.deskId },
      before: { platform: before?.platform ?? "simulator" },
      after: { platform: form.platform },
    });
  });
}
