import { bots, dataLayer } from "@propdesk/db";
import { env } from "@propdesk/services/env";
import { startHealthServer } from "@propdesk/services/health";
import { createLogger } from "@propdesk/services/logging";

/**
 * The bots process loads every tenant's bot settings at start. Bot commands arrive in later
 * issues; today it reports, per tenant, whether a Discord or Telegram bot is configured.
 */
const config = env();
const log = createLogger("bots", config.LOG_LEVEL);

const { configured, missing } = await dataLayer().withPlatform(async (db) => ({
  configured: await bots.enabledBotConfigurations(db),
  missing: await bots.tenantsWithoutBots(db),
}));

if (configured.length === 0) {
  log.info(
    { tenants: missing.length },
    "no tenant has configured a Discord or Telegram bot; nothing to connect",
  );
} else {
  for (const b of configured)
    log.info(
      { tenant: b.tenant.slug, platform: b.platform },
      "bot configured; it connects once bot commands are enabled",
    );
}
for (const t of missing) log.info({ tenant: t.name }, "no bot configured for this tenant");

const health = startHealthServer(config.BOTS_HEALTH_PORT, async () => ({ bots: "ok" }), "bots");

async function shutdown() {
  health.close();
  await dataLayer().close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
