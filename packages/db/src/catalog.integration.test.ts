import { describe, expect, it } from "vitest";
import { expectedPgType, readPrismaSchema } from "./testing/prisma-schema";
import { sqlAs } from "./testing/sql";

/**
 * The tables that legitimately have no tenant_id. Keep this list short: every other table in the
 * application schema must be tenant-owned and isolated by RLS.
 */
const platformTables = new Set([
  "_propdesk_migrations",
  "tenants",
  "platform_admins",
  "platform_sessions",
  "platform_audit_events",
  "platform_audit_chain_head",
  // The process-wide market simulator (all tenants' simulated accounts in one snapshot).
  "simulator_snapshots",
]);

interface TableInfo {
  table: string;
  rls: boolean;
  forced: boolean;
  hasTenantId: boolean;
  pk: string[];
  policies: { name: string; qual: string | null; check: string | null }[];
}

async function tables(): Promise<TableInfo[]> {
  const { rows } = await sqlAs("owner").query<TableInfo>(`
    SELECT c.relname AS "table", c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
      EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS "hasTenantId",
      coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_constraint pk
        CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE pk.conrelid = c.oid AND pk.contype = 'p'), '{}') AS pk,
      coalesce((SELECT json_agg(json_build_object('name', p.polname, 'qual', pg_get_expr(p.polqual, p.polrelid), 'check', pg_get_expr(p.polwithcheck, p.polrelid)))
        FROM pg_policy p WHERE p.polrelid = c.oid), '[]') AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    ORDER BY 1`);
  return rows;
}

describe("database catalog: every tenant table is isolated", () => {
  it("each table outside the platform allow-list has tenant_id, a tenant-leading primary key, forced RLS and a tenant policy", async () => {
    const problems: string[] = [];
    for (const t of await tables()) {
      if (platformTables.has(t.table)) continue;
      if (!t.hasTenantId) problems.push(`${t.table}: no tenant_id column`);
      if (t.pk[0] !== "tenant_id")
        problems.push(`${t.table}: primary key (${t.pk.join(", ")}) does not start with tenant_id`);
      if (!t.rls) problems.push(`${t.table}: row-level security is not enabled`);
      if (!t.forced) problems.push(`${t.table}: row-level security is not forced`);
      const guarded = t.policies.some(
        (p) =>
          p.qual?.includes("tenant_id") &&
          p.qual.includes("app.tenant_id") &&
          p.check?.includes("app.tenant_id"),
      );
      if (!guarded)
        problems.push(`${t.table}: no policy comparing tenant_id with app.tenant_id for reads and writes`);
    }
    expect(problems).toEqual([]);
  });

  it("every foreign key between tenant tables includes tenant_id", async () => {
    const { rows } = await sqlAs("owner").query<{ name: string; from: string; to: string; cols: string[] }>(`
      SELECT con.conname AS name, src.relname AS "from", dst.relname AS "to",
        (SELECT array_agg(a.attname::text) FROM unnest(con.conkey) k(attnum) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS cols
      FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid JOIN pg_class dst ON dst.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = src.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    const offending = rows.filter(
      (r) => !platformTables.has(r.from) && !platformTables.has(r.to) && !r.cols.includes("tenant_id"),
    );
    expect(offending.map((r) => `${r.name}: ${r.from}(${r.cols.join(", ")}) -> ${r.to}`)).toEqual([]);
  });

  it("the application role owns nothing, is not superuser, cannot bypass RLS and cannot touch platform tables", async () => {
    const db = sqlAs("owner");
    const role = await db.query(
      "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'propdesk_app'",
    );
    expect(role.rows[0]).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
    });
    const owned = await db.query(
      "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND r.rolname = 'propdesk_app'",
    );
    expect(owned.rows).toEqual([]);
    for (const t of [
      "platform_admins",
      "platform_sessions",
      "platform_audit_events",
      "platform_audit_chain_head",
      "_propdesk_migrations",
    ]) {
      const { rows } = await db.query(
        "SELECT has_table_privilege('propdesk_app', $1, 'SELECT,INSERT,UPDATE,DELETE') AS any",
        [t],
      );
      expect(rows[0].any, t).toBe(false);
    }
  });
});

describe("the migrated database agrees with the Prisma schema", () => {
  it("has exactly the schema's tables, columns, types, nullability and primary keys", async () => {
    const models = readPrismaSchema();
    const { rows } = await sqlAs("owner").query<{
      table: string;
      column: string;
      type: string;
      nullable: boolean;
    }>(`
      SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_propdesk_migrations'
      ORDER BY 1, a.attnum`);
    const db = new Map<string, Map<string, { type: string; nullable: boolean }>>();
    for (const r of rows) {
      if (!db.has(r.table)) db.set(r.table, new Map());
      db.get(r.table)!.set(r.column, { type: r.type, nullable: r.nullable });
    }
    const mismatches: string[] = [];
    const modelTables = new Set(models.map((m) => m.table));
    for (const t of db.keys())
      if (!modelTables.has(t)) mismatches.push(`table ${t} has no model in the Prisma schema`);
    for (const m of models) {
      const cols = db.get(m.table);
      if (!cols) {
        mismatches.push(`model ${m.name}: table ${m.table} does not exist`);
        continue;
      }
      const schemaCols = new Set(m.columns.map((c) => c.column));
      for (const c of cols.keys())
        if (!schemaCols.has(c)) mismatches.push(`${m.table}.${c} is not in model ${m.name}`);
      for (const c of m.columns) {
        const actual = cols.get(c.column);
        if (!actual) {
          mismatches.push(`${m.table}.${c.column} (model ${m.name}.${c.field}) does not exist`);
          continue;
        }
        const want = expectedPgType(c);
        if (actual.type !== want)
          mismatches.push(`${m.table}.${c.column}: database type ${actual.type}, schema type ${want}`);
        if (actual.nullable !== c.optional)
          mismatches.push(
            `${m.table}.${c.column}: database ${actual.nullable ? "nullable" : "NOT NULL"}, schema ${c.optional ? "optional" : "required"}`,
          );
      }
    }
    const pks = await sqlAs("owner").query<{ table: string; pk: string[] }>(`
      SELECT c.relname AS "table", array_agg(a.attname::text ORDER BY k.ord) AS pk
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE con.contype = 'p' AND n.nspname = 'public' GROUP BY 1`);
    const pkByTable = new Map(pks.rows.map((r) => [r.table, r.pk]));
    for (const m of models) {
      const actual = pkByTable.get(m.table) ?? [];
      if (actual.join(",") !== m.primaryKey.join(","))
        mismatches.push(`${m.table}: primary key (${actual}) vs schema (${m.primaryKey})`);
    }
    expect(mismatches).toEqual([]);
  });
});
