import pg from "pg";
import { inject } from "vitest";
import { type DatabaseUrls, databaseUrlsFromEnv, urlsForDatabase } from "../database-urls";

/**
 * Vitest setup file for integration tests: gives this worker its own database, cloned from the
 * migrated template, and points every role's URL (DATABASE_URL & co.) at it before any test module
 * builds a data layer. Tests connect as the application role, so RLS is really in force.
 */
const { runId, template } = inject("propdeskTest");
const poolId = process.env.VITEST_POOL_ID ?? "0";
const database = `propdesk_test_${runId}_${poolId}`;
const base = databaseUrlsFromEnv();

async function ensureWorkerDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: base.admin });
  await admin.connect();
  try {
    // CREATE DATABASE ... TEMPLATE refuses to run while another clone of the same template is in
    // progress, so workers take turns.
    await admin.query("SELECT pg_advisory_lock(7413010)");
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) {
      await admin.query(`CREATE DATABASE "${database}" OWNER propdesk_owner TEMPLATE "${template}"`);
      await admin.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
      await admin.query(`GRANT CONNECT ON DATABASE "${database}" TO propdesk_app, propdesk_platform`);
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock(7413010)").catch(() => {});
    await admin.end();
  }
}

await ensureWorkerDatabase();
const urls: DatabaseUrls = urlsForDatabase(base, database);
process.env.DATABASE_URL = urls.app;
process.env.DATABASE_PLATFORM_URL = urls.platform;
process.env.DATABASE_OWNER_URL = urls.owner;
process.env.PROPDESK_REDIS_PREFIX = `pdtest:${runId}:${poolId}`;
