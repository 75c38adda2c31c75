import { afterAll, describe, expect, it } from "vitest";
import { createDataLayer } from "./client";
import { closeSqlLayer, sqlLayer } from "./sql-unit-of-work";

const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(w.message);
process.on("warning", onWarning);
const tenant = "00000000-0000-4000-8000-000000000001";
const layer = createDataLayer();
afterAll(async () => {
  process.off("warning", onWarning);
  await Promise.all([closeSqlLayer(), layer.close()]);
});

describe("queries asked for together in one unit of work", () => {
  it("run one after another on its connection: right answers, no pg deprecation warning", async () => {
    const counts = await layer.withTenant(tenant, (db) =>
      Promise.all([
        db.desk.count(),
        db.challenge.findMany({ take: 1 }),
        db.auditEvent.count(),
        db.desk.findMany(),
      ]),
    );
    expect(counts).toEqual([0, [], 0, []]);
    const sqlResults = await sqlLayer().withTenant(tenant, (sql) =>
      Promise.all([1, 2, 3, 4, 5].map((n) => sql.query<{ n: number }>("SELECT $1::int AS n", [n]))),
    );
    expect(sqlResults.map((r) => r[0]!.n)).toEqual([1, 2, 3, 4, 5]);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.includes("already executing a query"))).toEqual([]);
  });

  it("a failing query among them fails the unit of work with its own error and leaves the pool usable", async () => {
    await expect(
      sqlLayer().withTenant(tenant, (sql) =>
        Promise.all([sql.query("SELECT 1"), sql.query("SELECT 1 / 0"), sql.query("SELECT 2")]),
      ),
    ).rejects.toThrow(/division by zero/);
    const again = await sqlLayer().withTenant(tenant, (sql) => sql.query<{ n: number }>("SELECT 3 AS n"));
    expect(again[0]!.n).toBe(3);
  });
});
