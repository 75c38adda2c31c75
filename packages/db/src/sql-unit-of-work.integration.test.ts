import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unitOfWorkEndedMessage } from "./lease-pool";
import { createSqlLayer, type TenantSql } from "./sql-unit-of-work";
import { sqlAs } from "./testing/sql";

const tenantA = randomUUID();
const tenantB = randomUUID();
const layer = createSqlLayer(undefined, { poolSize: 2 });
afterAll(() => layer.close());

beforeAll(async () => {
  const platform = sqlAs("platform");
  for (const [tenant, label] of [
    [tenantA, "a"],
    [tenantB, "b"],
  ] as const) {
    await platform.query("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)", [
      tenant,
      `read-${label}-${tenant.slice(0, 8)}`,
      `Read ${label}`,
    ]);
    for (const slug of ["main", "second"])
      await platform.query("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [
        tenant,
        slug,
        `${label} ${slug}`,
      ]);
  }
});

describe("a tenant read in one round trip", () => {
  it("runs under the tenant's row-level security, like a unit of work", async () => {
    const rows = await layer
      .reader(tenantA)
      .query<{ name: string }>("SELECT name FROM desks WHERE length(name) > $1 ORDER BY name", [0]);
    expect(rows.map((r) => r.name)).toEqual(["a main", "a second"]);
    // Asking for another tenant's rows by id finds nothing.
    const other = await layer.reader(tenantA).query("SELECT id FROM desks WHERE tenant_id = $1", [tenantB]);
    expect(other).toEqual([]);
  });

  it("is read-only", async () => {
    await expect(
      layer.reader(tenantA).query("UPDATE desks SET name = 'x' WHERE length(name) > $1", [0]),
    ).rejects.toThrow(/read-only transaction/);
    const names = await layer.reader(tenantA).query<{ name: string }>("SELECT name FROM desks ORDER BY name");
    expect(names.map((r) => r.name)).toEqual(["a main", "a second"]);
  });

  it("a failing statement fails alone and the pool stays usable", async () => {
    await expect(layer.reader(tenantA).query("SELECT 1 / $1 AS x", [0])).rejects.toThrow(/division by zero/);
    for (let i = 0; i < 4; i++)
      expect(await layer.reader(tenantB).query<{ x: number }>("SELECT $1::int AS x", [i])).toEqual([
        { x: i },
      ]);
  });

  it("takes text that tries to break out of its literal as data", async () => {
    const hostile = `${tenantA}'; DROP TABLE desks; --`;
    expect(await layer.reader(tenantA).query("SELECT id FROM desks WHERE name = $1", [hostile])).toEqual([]);
    expect(await layer.reader(tenantA).query<{ v: string }>("SELECT $1::text AS v", [hostile])).toEqual([
      { v: hostile },
    ]);
    expect(await layer.reader(tenantA).query("SELECT count(*)::int AS n FROM desks")).toEqual([{ n: 2 }]);
  });

  it("refuses more than one statement", async () => {
    await expect(layer.reader(tenantA).query("SELECT 1; SELECT 2")).rejects.toThrow(/one statement/);
  });
});

describe("a tenant write in one round trip", () => {
  it("commits its one statement under the tenant's row-level security", async () => {
    const rows = await layer
      .writer(tenantB)
      .query<{ slug: string }>(
        "INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3) RETURNING slug",
        [tenantB, "written", "b written"],
      );
    expect(rows).toEqual([{ slug: "written" }]);
    expect(await layer.reader(tenantB).query("SELECT slug FROM desks WHERE slug = $1", ["written"])).toEqual([
      { slug: "written" },
    ]);
    await expect(
      layer
        .writer(tenantA)
        .query("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [
          tenantB,
          "other",
          "b other",
        ]),
    ).rejects.toThrow(/row-level security/);
    expect(await layer.reader(tenantB).query("SELECT slug FROM desks WHERE slug = $1", ["other"])).toEqual(
      [],
    );
    // The refused statement's connection is not reused in its aborted transaction.
    for (let i = 0; i < 3; i++)
      expect(await layer.writer(tenantB).query<{ n: number }>("SELECT $1::int AS n", [i])).toEqual([
        { n: i },
      ]);
  });
});

describe("a unit of work's statements in few round trips", () => {
  // statement_timestamp() is when the server received the message a statement came in, and now()
  // when the transaction's BEGIN did: equal values show statements that travelled together.
  it("sends BEGIN with the first statement, and deferred writes with the next one, in order", async () => {
    const rows = await layer.withTenant(tenantA, async (sql) => {
      const [first] = await sql.query<{ together: boolean }>(
        "SELECT now() = statement_timestamp() AS together",
      );
      expect(first).toEqual({ together: true });
      for (const n of [1, 2, 3])
        await sql.execute(
          "INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, statement_timestamp()::text)",
          [tenantA, `sent-${n}`],
        );
      // Run before the inserts, this would delete nothing and all three would be read.
      await sql.execute("DELETE FROM desks WHERE slug = $1", ["sent-2"]);
      const rows = await sql.query<{ slug: string; together: boolean; afterBegin: boolean }>(
        `SELECT slug, name = statement_timestamp()::text AS together, name > now()::text AS "afterBegin"
         FROM desks WHERE slug LIKE 'sent-%' ORDER BY slug`,
      );
      // Removed again: the other tests count this tenant's desks.
      await sql.execute("DELETE FROM desks WHERE slug LIKE 'sent-%'");
      return rows;
    });
    expect(rows).toEqual([1, 3].map((n) => ({ slug: `sent-${n}`, together: true, afterBegin: true })));
  });

  it("sends deferred writes with COMMIT, under the tenant's row-level security", async () => {
    await layer.withTenant(tenantA, async (sql) => {
      await sql.query("SELECT 1");
      await sql.execute("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [
        tenantA,
        "deferred",
        "a deferred",
      ]);
    });
    const names = await layer.reader(tenantA).query<{ name: string }>("SELECT name FROM desks ORDER BY name");
    expect(names.map((r) => r.name)).toContain("a deferred");
    await expect(
      layer.withTenant(tenantA, (sql) =>
        sql.execute("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [tenantB, "x", "b x"]),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await layer.reader(tenantB).query("SELECT id FROM desks WHERE slug = $1", ["x"])).toEqual([]);
  });

  it("a deferred write that fails fails the whole unit of work, and nothing of it is stored", async () => {
    await expect(
      layer.withTenant(tenantA, async (sql) => {
        await sql.execute("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [
          tenantA,
          "kept",
          "a kept",
        ]);
        await sql.execute("INSERT INTO desks (tenant_id, slug, name) VALUES ($1, $2, $3)", [
          tenantA,
          "main",
          "twice",
        ]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await layer.reader(tenantA).query("SELECT id FROM desks WHERE slug = $1", ["kept"])).toEqual([]);
    // The connection went back to the pool clean.
    for (let i = 0; i < 3; i++)
      expect(
        await layer.withTenant(tenantA, (sql) => sql.query("SELECT count(*)::int AS n FROM desks")),
      ).toEqual([{ n: 3 }]);
  });

  it("refuses a deferred write sent after its unit of work ended", async () => {
    let ended: TenantSql | undefined;
    await layer.withTenant(tenantA, async (sql) => {
      ended = sql;
    });
    await expect(ended!.execute("DELETE FROM desks")).rejects.toThrow(unitOfWorkEndedMessage);
    await expect(ended!.query("SELECT 1")).rejects.toThrow(unitOfWorkEndedMessage);
  });

  // The first statement of a unit of work is inlined, the second sent with parameters: both must
  // read back the same value.
  it.each([
    ["text with quotes, backslashes and SQL", "text", `it's \\ a \\'; DROP TABLE desks; -- $1 \n /* x`],
    ["non-ASCII text", "text", "Zürich 東京 🚀"],
    ["an empty string", "text", ""],
    ["null", "text", null],
    ["a bigint beyond 2^53", "int8", 2n ** 62n],
    ["a negative fraction", "numeric", "-12345678901234567890.125"],
    ["a boolean", "bool", false],
    ["a date", "timestamptz", new Date("2026-03-01T12:34:56.789Z")],
    ["JSON with quotes and backslashes", "jsonb", { a: `"q" \\ 'x'`, b: [1, null, { c: "$2" }] }],
    ["a text array with NULL and commas", "text[]", ["a,b", null, '"{}"', "\\"]],
    ["a jsonb array", "jsonb[]", [JSON.stringify({ a: "it's" }), null]],
    ["a uuid array", "uuid[]", [tenantA, tenantB]],
    ["bytes", "bytea", Buffer.from([0, 1, 254, 255])],
  ])("%s reads back as sent", async (_label, type, value) => {
    const [inlined, sent] = await layer.withTenant(tenantA, async (sql) => [
      await sql.query<{ v: unknown }>(`SELECT $1::${type} AS v`, [value]),
      await sql.query<{ v: unknown }>(`SELECT $1::${type} AS v`, [value]),
    ]);
    expect(inlined).toEqual(sent);
    expect(sent).toHaveLength(1);
  });
});
