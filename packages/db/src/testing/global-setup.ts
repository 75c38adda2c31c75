import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { databaseUrlsFromEnv, urlsForDatabase } from "../database-urls";
import { migrate, migrationsFingerprint, readMigrations } from "../migrate";
import { createDatabase, databaseExists, dropDatabase, ensureRoles } from "../prepare-database";

/**
 * Vitest global setup for integration tests: makes sure the roles exist, builds (once per migration
 * set) a migrated template database, and hands each worker a run id; workers then clone their own
 * database from the template (see worker-database.ts). Databases of this run are dropped at the end.
 */
declare module "vitest" {
  export interface ProvidedContext {
    propdeskTest: { runId: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  const urls = databaseUrlsFromEnv();
  await ensureRoles(urls);
  const template = `propdesk_tpl_${migrationsFingerprint(await readMigrations())}`;
  if (!(await databaseExists(urls.admin, template))) {
    const building = `${template}_${randomBytes(3).toString("hex")}`;
    await createDatabase(urls.admin, building);
    await migrate(urlsForDatabase(urls, building).owner);
    // Rename into place so a half-built template is never used (parallel runs race harmlessly).
    const admin = new pg.Client({ connectionString: urls.admin });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch {
      await dropDatabase(urls.admin, building);
    } finally {
      await admin.end();
    }
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  project.provide("propdeskTest", { runId, template });

  return async () => {
    const admin = new pg.Client({ connectionString: urls.admin });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`propdesk_test_${runId}_%`],
      );
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      // Keep only the newest template.
      const old = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'propdesk_tpl_%' AND datname <> $1",
        [template],
      );
      for (const r of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
}
