import type { TenantDb } from "../client";

/** The platform bridge's configuration: the connector's webhook, the API keys, recent deliveries. */

export function findBridgeSettings(db: TenantDb) {
  return db.bridgeSettings.findUnique({ where: { tenantId: db.tenantId } });
}

export function upsertBridgeSettings(
  db: TenantDb,
  data: {
    webhookUrl: string;
    webhookSecretSealed?: string;
    timeoutMs: number;
    maxAttempts: number;
    updatedByLabel: string;
  },
) {
  const { webhookSecretSealed, ...rest } = data;
  return db.bridgeSettings.upsert({
    where: { tenantId: db.tenantId },
    create: { tenantId: db.tenantId, webhookSecretSealed: webhookSecretSealed ?? "", ...rest },
    update: { ...rest, ...(webhookSecretSealed ? { webhookSecretSealed } : {}), updatedAt: new Date() },
  });
}

export function createBridgeApiKey(
  db: TenantDb,
  data: { keyId: string; secretSealed: string; label: string; createdByLabel: string },
) {
  return db.bridgeApiKey.create({ data: { tenantId: db.tenantId, ...data } });
}

export function findBridgeApiKey(db: TenantDb, keyId: string) {
  return db.bridgeApiKey.findUnique({ where: { tenantId_keyId: { tenantId: db.tenantId, keyId } } });
}

export function listBridgeApiKeys(db: TenantDb) {
  return db.bridgeApiKey.findMany({ orderBy: { createdAt: "desc" } });
}

export function revokeBridgeApiKey(db: TenantDb, id: string, label: string) {
  return db.bridgeApiKey.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date(), revokedByLabel: label },
  });
}

export function touchBridgeApiKey(db: TenantDb, keyId: string, at: Date) {
  return db.bridgeApiKey.updateMany({ where: { keyId }, data: { lastUsedAt: at } });
}

export function listRecentDeliveries(db: TenantDb, take: number) {
  return db.bridgeDelivery.findMany({ orderBy: { receivedAt: "desc" }, take });
}

/** Forgets deliveries older than the replay window (their signatures have expired anyway). */
export function pruneDeliveries(db: TenantDb, before: Date) {
  return db.bridgeDelivery.deleteMany({ where: { receivedAt: { lt: before } } });
}
