import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrlsFromEnv, withDatabaseName } from "./database-urls";
import { MigrationChangedError, migrate } from "./migrate";
import { createDatabase, dropDatabase } from "./prepare-database";

const urls = databaseUrlsFromEnv();
const database = `propdesk_migrate_${randomBytes(4).toString("hex")}`;
const ownerUrl = withDatabaseName(urls.owner, database);
let dir: string;

async function write(name: string, sql: string) {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function tables(): Promise<string[]> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const { rows } = await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    return rows.map((r) => r.tablename);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "propdesk-migrations-"));
  await createDatabase(urls.admin, database);
});
afterAll(async () => {
  await dropDatabase(urls.admin, database);
  await rm(dir, { recursive: true, force: true });
});

describe("the SQL migration runner", () => {
  it("applies pending migrations in order, once, and records them", async () => {
    await write("20260101000000_first", "CREATE TABLE one (id int PRIMARY KEY);");
    await write("20260102000000_second", "CREATE TABLE two (id int REFERENCES one (id));");
    expect(await migrate(ownerUrl, { dir })).toEqual({
      applied: ["20260101000000_first", "20260102000000_second"],
      alreadyApplied: [],
    });
    expect(await migrate(ownerUrl, { dir })).toEqual({
      applied: [],
      alreadyApplied: ["20260101000000_first", "20260102000000_second"],
    });
    expect(await tables()).toEqual(["_propdesk_migrations", "one", "two"]);
  });

  it("rolls back a failing migration completely and does not record it", async () => {
    await write("20260103000000_broken", "CREATE TABLE three (id int); SELECT no_such_function();");
    await expect(migrate(ownerUrl, { dir })).rejects.toThrow(/20260103000000_broken failed/);
    expect(await tables()).toEqual(["_propdesk_migrations", "one", "two"]);
    await rm(path.join(dir, "20260103000000_broken"), { recursive: true });
  });

  it("refuses to run when an applied migration's file has changed, and applies nothing", async () => {
    await write("20260101000000_first", "CREATE TABLE one (id int PRIMARY KEY, extra text);");
    await write("20260104000000_fourth", "CREATE TABLE four (id int);");
    await expect(migrate(ownerUrl, { dir })).rejects.toBeInstanceOf(MigrationChangedError);
    await expect(migrate(ownerUrl, { dir })).rejects.toThrow(
      /20260101000000_first was already applied but its file has changed/,
    );
    expect(await tables()).toEqual(["_propdesk_migrations", "one", "two"]);
  });
});
