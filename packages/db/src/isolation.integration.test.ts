import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createDataLayer } from "./client";
import { createIsolationFixture } from "./testing/isolation-fixture";
import { asTenant, sqlAs } from "./testing/sql";

/**
 * Tenant isolation as the application role, table by table, straight through SQL: whatever the
 * application code does, the database itself refuses to cross tenants.
 */
let a: { tenantId: string; deskId: string };
let b: { tenantId: string; deskId: string };
let tenantTables: string[];
/** Tenant tables the application role may read at all (the rest are refused outright). */
let readable: Set<string>;

const refused = /row-level security|permission denied|violates foreign key|append-only/;

beforeAll(async () => {
  const platform = sqlAs("platform");
  a = await createIsolationFixture(platform, "a");
  b = await createIsolationFixture(platform, "b");
  const { rows } = await sqlAs("owner").query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       AND EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = c.oid AND x.attname = 'tenant_id')
     ORDER BY 1`,
  );
  tenantTables = rows.map((r) => r.relname);
  const grants = await sqlAs("owner").query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.role_table_grants WHERE grantee = 'propdesk_app' AND privilege_type = 'SELECT' AND table_schema = 'public'",
  );
  readable = new Set(grants.rows.map((r) => r.t));
});

async function rowsOf(table: string, tenantId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await sqlAs("platform").query(`SELECT * FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return rows;
}

describe("tenant isolation enforced by PostgreSQL", () => {
  it("the fixture covers every tenant table for both tenants (add rows for a new table to isolation-fixture.ts)", async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(11);
    for (const t of tenantTables) {
      expect((await rowsOf(t, a.tenantId)).length, `${t} has rows for tenant A`).toBeGreaterThan(0);
      expect((await rowsOf(t, b.tenantId)).length, `${t} has rows for tenant B`).toBeGreaterThan(0);
    }
  });

  it("tenant A reads only its own rows in every table", async () => {
    for (const t of tenantTables) {
      if (!readable.has(t)) {
        await expect(
          asTenant(a.tenantId, (c) => c.query(`SELECT 1 FROM ${t}`)),
          t,
        ).rejects.toThrow(/permission denied/);
        continue;
      }
      const own = (await rowsOf(t, a.tenantId)).length;
      const seen = await asTenant(a.tenantId, async (c) => {
        const all = await c.query(`SELECT tenant_id FROM ${t}`);
        return all.rows.map((r) => r.tenant_id);
      });
      expect(seen.length, t).toBe(own);
      expect(new Set(seen), t).toEqual(new Set([a.tenantId]));
    }
    const tenants = await asTenant(a.tenantId, (c) => c.query("SELECT id FROM tenants"));
    expect(tenants.rows.map((r) => r.id)).toEqual([a.tenantId]);
  });

  it("tenant A cannot update or delete tenant B's rows in any table", async () => {
    for (const t of tenantTables) {
      const before = (await rowsOf(t, b.tenantId)).length;
      for (const stmt of [
        `UPDATE ${t} SET tenant_id = tenant_id WHERE tenant_id = $1`,
        `DELETE FROM ${t} WHERE tenant_id = $1`,
      ]) {
        try {
          const r = await asTenant(a.tenantId, (c) => c.query(stmt, [b.tenantId]));
          expect(r.rowCount, `${stmt}`).toBe(0);
        } catch (e) {
          expect((e as Error).message, stmt).toMatch(refused);
        }
      }
      expect((await rowsOf(t, b.tenantId)).length, t).toBe(before);
    }
  });

  it("tenant A cannot insert a row belonging to tenant B into any table", async () => {
    for (const t of tenantTables) {
      const [row] = await rowsOf(t, b.tenantId);
      const copy = { ...row };
      if ("id" in copy) copy.id = randomUUID();
      if ("token_hash" in copy) copy.token_hash = `copy-${randomUUID()}`;
      if ("hostname" in copy) copy.hostname = `copy-${randomUUID().slice(0, 8)}.example.test`;
      if ("slug" in copy) copy.slug = `copy-${randomUUID().slice(0, 8)}`;
      await expect(
        asTenant(a.tenantId, (c) =>
          c.query(`INSERT INTO ${t} SELECT * FROM json_populate_record(NULL::${t}, $1)`, [
            JSON.stringify(copy),
          ]),
        ),
        t,
      ).rejects.toThrow(refused);
    }
  });

  it("tenant A cannot move its own rows to tenant B", async () => {
    const { rows } = await sqlAs("owner").query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.role_table_grants WHERE grantee = 'propdesk_app' AND privilege_type = 'UPDATE' AND table_schema = 'public'",
    );
    const updatable = rows.map((r) => r.table_name).filter((t) => tenantTables.includes(t));
    expect(updatable.length).toBeGreaterThan(0);
    for (const t of updatable) {
      await expect(
        asTenant(a.tenantId, (c) => c.query(`UPDATE ${t} SET tenant_id = $1`, [b.tenantId])),
        t,
      ).rejects.toThrow(/row-level security|violates foreign key/);
    }
  });

  it("a unit of work without a tenant sees nothing and writes nothing", async () => {
    for (const t of [...tenantTables.filter((x) => readable.has(x)), "tenants"]) {
      const r = await asTenant(null, (c) => c.query(`SELECT count(*)::int AS n FROM ${t}`));
      expect(r.rows[0].n, t).toBe(0);
    }
    await expect(
      asTenant(null, (c) =>
        c.query("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, 'x', 'X')", [a.tenantId]),
      ),
    ).rejects.toThrow(/row-level security/);
    // An empty setting is treated like a missing one, not as an error that might be caught and ignored.
    const empty = await asTenant(null, async (c) => {
      await c.query("SELECT set_config('app.tenant_id', '', true)");
      return c.query("SELECT count(*)::int AS n FROM desks");
    });
    expect(empty.rows[0].n).toBe(0);
  });

  it("a row cannot reference another tenant's row", async () => {
    const membership = (await rowsOf("memberships", a.tenantId))[0]!;
    await expect(
      asTenant(a.tenantId, (c) =>
        c.query("INSERT INTO membership_desks (tenant_id, membership_id, desk_id) VALUES ($1, $2, $3)", [
          a.tenantId,
          membership.id,
          b.deskId,
        ]),
      ),
    ).rejects.toThrow(/violates foreign key/);
    await expect(
      asTenant(a.tenantId, (c) =>
        c.query(
          "INSERT INTO desk_domains (tenant_id, desk_id, hostname) VALUES ($1, $2, 'cross.example.test')",
          [a.tenantId, b.deskId],
        ),
      ),
    ).rejects.toThrow(/violates foreign key/);
  });

  it("the host resolver is the only cross-tenant read, and it returns routing data only", async () => {
    const domain = (await rowsOf("desk_domains", b.tenantId))[0]!;
    const r = await asTenant(null, (c) =>
      c.query("SELECT * FROM resolve_desk_host($1)", [String(domain.hostname).toUpperCase()]),
    );
    expect(r.rows).toEqual([
      {
        tenant_id: b.tenantId,
        tenant_slug: expect.any(String),
        tenant_name: "Tenant b",
        tenant_status: "active",
        desk_id: b.deskId,
        desk_slug: "main",
        desk_name: "Desk b",
        desk_status: "active",
        logo_url: null,
        primary_color: "#1f6feb",
        accent_color: "#0b1221",
      },
    ]);
  });
});

describe("concurrent units of work of different tenants", () => {
  it("each keeps its own tenant: its scope, what it reads and what it writes", async () => {
    const layer = createDataLayer(undefined, { poolSize: 4 });
    try {
      // B starts while A waits, and finishes first: each must still be itself afterwards.
      const work = (t: { tenantId: string; deskId: string }, sleep: number, label: string) =>
        layer.withTenant(t.tenantId, async (db) => {
          await db.$queryRawUnsafe(`SELECT 1 AS x FROM pg_sleep(${sleep})`);
          const desks = await db.desk.findMany({ where: { tenantId: db.tenantId }, select: { id: true } });
          const domain = await db.deskDomain.create({
            data: { tenantId: db.tenantId, deskId: t.deskId, hostname: `${label}-${randomUUID()}.test` },
          });
          return { scope: db.tenantId, desks: desks.map((d) => d.id), domainTenant: domain.tenantId };
        });
      const [fromA, fromB, platformScope] = await Promise.all([
        work(a, 0.3, "concurrent-a"),
        work(b, 0.1, "concurrent-b"),
        layer.withPlatform(async (db) => db.__scope),
      ]);
      expect(fromA).toEqual({ scope: a.tenantId, desks: [a.deskId], domainTenant: a.tenantId });
      expect(fromB).toEqual({ scope: b.tenantId, desks: [b.deskId], domainTenant: b.tenantId });
      expect(platformScope).toBe("platform");
    } finally {
      await layer.close();
    }
  });
});
