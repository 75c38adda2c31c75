import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlLayer, inlineParams } from "./sql-unit-of-work";
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

  it.each([
    ["text", ["1 OR true"]],
    ["a fraction", [1.5]],
    ["an unsafe integer", [2 ** 60]],
    ["a UUID with SQL after it", [`${tenantA}'; DROP TABLE desks; --`]],
    ["a missing value", []],
  ])("refuses %s as a parameter", (_label, params) => {
    expect(() => inlineParams("SELECT $1", params)).toThrow(/safe integer or a UUID/);
  });

  it("refuses more than one statement", async () => {
    await expect(layer.reader(tenantA).query("SELECT 1; SELECT 2")).rejects.toThrow(/one statement/);
  });
});
