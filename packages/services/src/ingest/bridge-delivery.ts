import { bridge, dataLayer, tenants } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import { decryptSecret, sha256Hex } from "../crypto/secrets";
import { env } from "../env/env";
import { verifySignature } from "../platforms/bridge/bridge-signature";
import { type IngestResult, ingestPlatformUpdates } from "./ingest-updates";
import { deliveryFormat, maxDeliveryBytes, parseDelivery } from "./parse-delivery";

/**
 * A connector's signed delivery of platform updates (POST /api/platform/v1/updates). Checked in
 * this order, refusing with a precise error and writing nothing: size, key (it names the tenant),
 * timestamp within the tolerance window, HMAC over "<timestamp>.<raw body>", replay (the same
 * signed request accepted before), body format. Then each update is validated and stored.
 */
export interface BridgeDelivery {
  keyId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  contentType: string | undefined;
  body: Buffer;
  receivedAtMs: number;
}

const keyPattern = /^pdk_([0-9a-f]{32})_[0-9a-f]{16}$/;

interface CachedKey {
  at: number;
  tenantId: string;
  secret: string | null;
  suspended: boolean;
  touchedAt: number;
}
const keys = new Map<string, CachedKey>();
const keyCacheMs = 10_000;

/** Forgets a cached key (after it is revoked in this process; other processes within 10 s). */
export function forgetBridgeKey(keyId: string): void {
  keys.delete(keyId);
}

function unauthenticated(message: string, reason: string): AppError {
  return new AppError("UNAUTHENTICATED", message, { details: { reason } });
}

async function lookupKey(keyId: string): Promise<CachedKey> {
  const hit = keys.get(keyId);
  if (hit && Date.now() - hit.at < keyCacheMs) return hit;
  const m = keyPattern.exec(keyId)!;
  const hex = m[1]!;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const found = await dataLayer().withTenant(tenantId, async (db) => ({
    key: await bridge.findBridgeApiKey(db, keyId),
    tenant: await tenants.currentTenant(db),
  }));
  const entry: CachedKey = {
    at: Date.now(),
    tenantId,
    secret:
      found.key && found.key.revokedAt === null
        ? decryptSecret(found.key.secretSealed, env().ENCRYPTION_KEY)
        : null,
    suspended: found.tenant?.status !== "active",
    touchedAt: hit?.touchedAt ?? 0,
  };
  keys.set(keyId, entry);
  return entry;
}

export async function acceptBridgeDelivery(d: BridgeDelivery): Promise<IngestResult & { tenantId: string }> {
  if (d.body.length > maxDeliveryBytes)
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The body is ${d.body.length} bytes; at most ${maxDeliveryBytes} bytes are accepted per request.`,
    );
  if (!d.keyId || !keyPattern.test(d.keyId))
    throw unauthenticated(
      'X-PropDesk-Key is missing or malformed: expected the key id shown when the key was created ("pdk_…").',
      "bad_key",
    );
  const key = await lookupKey(d.keyId);
  if (!key.secret) throw unauthenticated("This key is unknown or was revoked.", "unknown_key");
  if (key.suspended)
    throw new AppError("TENANT_SUSPENDED", "This firm is suspended; deliveries are refused.");
  const signature = verifySignature(key.secret, { timestamp: d.timestamp, signature: d.signature }, d.body);
  const format = deliveryFormat(d.contentType);
  const parsed = parseDelivery(d.body, format);
  const result = await ingestPlatformUpdates(key.tenantId, "bridge", parsed.valid, {
    receivedAtMs: d.receivedAtMs,
    items: parsed.items,
    rejected: parsed.rejected,
    delivery: { signatureHash: sha256Hex(signature), keyId: d.keyId, bytes: d.body.length },
  });
  if (Date.now() - key.touchedAt > 60_000) {
    key.touchedAt = Date.now();
    const keyId = d.keyId;
    void dataLayer()
      .withTenant(key.tenantId, (db) => bridge.touchBridgeApiKey(db, keyId, new Date()))
      .catch(() => {});
  }
  return { ...result, tenantId: key.tenantId };
}
