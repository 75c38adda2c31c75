import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * Applies the SQL migrations in prisma/migrations (Prisma's folder layout: `<timestamp>_<name>/migration.sql`)
 * in name order, each in its own transaction, as the owner role. Prisma's migrate engine is a native binary
 * we cannot download here (see DEVELOPERS.md), so this small runner replaces `prisma migrate deploy`.
 *
 * It records each applied migration with a SHA-256 of its text and refuses to continue when an applied
 * migration's file has changed since: the fix is a new migration, never an edit.
 */
export const migrationsDir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const out: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
    out.push({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return out;
}

/** A fingerprint of the whole migration set (used to name the test template database). */
export function migrationsFingerprint(migrations: Migration[]): string {
  const h = createHash("sha256");
  for (const m of migrations) h.update(`${m.name}:${m.checksum}\n`);
  return h.digest("hex").slice(0, 12);
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationChangedError extends Error {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration} was already applied but its file has changed since. Applied migrations are immutable: restore the file and add a new migration instead.`,
    );
    this.name = "MigrationChangedError";
  }
}

export async function migrate(
  ownerUrl: string,
  opts: { dir?: string; log?: (msg: string) => void } = {},
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const migrations = await readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // Serialise concurrent runners (two processes starting at once) on one advisory lock.
    await client.query("SELECT pg_advisory_lock(7413001)");
    await client.query(`CREATE TABLE IF NOT EXISTS _propdesk_migrations (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      "SELECT name, checksum FROM _propdesk_migrations",
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const known = new Set(migrations.map((m) => m.name));
    for (const name of applied.keys()) {
      if (!known.has(name))
        throw new Error(
          `Migration ${name} is recorded as applied but its folder is missing from ${opts.dir ?? migrationsDir}.`,
        );
    }
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) throw new MigrationChangedError(m.name);
        result.alreadyApplied.push(m.name);
        continue;
      }
      log(`applying ${m.name}`);
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query("INSERT INTO _propdesk_migrations (name, checksum) VALUES ($1, $2)", [
          m.name,
          m.checksum,
        ]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock(7413001)").catch(() => {});
    await client.end();
  }
}
