import type { PlatformDb } from "../client";

/** Every enabled bot of every active tenant (the bots process runs across tenants). */
export function enabledBotConfigurations(db: PlatformDb) {
  return db.botConfiguration.findMany({
    where: { enabled: true, tenant: { status: "active" } },
    include: { tenant: { select: { name: true, slug: true } } },
    orderBy: [{ tenantId: "asc" }, { platform: "asc" }],
  });
}

export async function tenantsWithoutBots(db: PlatformDb) {
  return db.tenant.findMany({
    where: { status: "active", botConfigurations: { none: { enabled: true } } },
    select: { id: true, name: true },
  });
}
