import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataLayer } from "./client";
import { databaseUrlsFromEnv } from "./database-urls";
import { LeasePool, unitOfWorkEndedMessage } from "./lease-pool";
import { createSqlLayer } from "./sql-unit-of-work";
import { sqlAs } from "./testing/sql";

/**
 * A unit of work can end while statements of its own are still to come: Prisma's transaction
 * timer rolls back and releases the connection while a query plan is half run, and a plain-SQL
 * unit of work whose `Promise.all` rejects early commits nothing while a sibling branch goes on.
 * Those late statements must never run: outside any transaction they see no tenant (row-level
 * security refuses or hides everything), and on a connection the pool has lent to the next unit
 * of work they would run inside another tenant's transaction.
 */
const tenantA = randomUUID();
const tenantB = randomUUID();
const deskA = randomUUID();
const deskB = randomUUID();

beforeAll(async () => {
  const platform = sqlAs("platform");
  for (const [tenant, desk, label] of [
    [tenantA, deskA, "a"],
    [tenantB, deskB, "b"],
  ] as const) {
    await platform.query("INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)", [
      tenant,
      `lease-${label}-${tenant.slice(0, 8)}`,
      `Lease ${label}`,
    ]);
    await platform.query("INSERT INTO desks (tenant_id, id, slug, name) VALUES ($1, $2, 'main', $3)", [
      tenant,
      desk,
      `Desk ${label}`,
    ]);
  }
});

const domainsOf = async (desk: string) =>
  (await sqlAs("platform").query("SELECT hostname FROM desk_domains WHERE desk_id = $1", [desk])).rows.map(
    (r) => r.hostname as string,
  );

/** Holds a row lock on desk A from outside the application until `release` is called. */
async function lockDeskA() {
  const client = await sqlAs("platform").connect();
  await client.query("BEGIN");
  await client.query("SELECT 1 FROM desks WHERE id = $1 FOR UPDATE", [deskA]);
  return async () => {
    await client.query("COMMIT");
    client.release();
  };
}

describe("a statement that comes after its unit of work has ended", () => {
  const layer = createDataLayer(undefined, { poolSize: 1 });
  const sql = createSqlLayer(undefined, { poolSize: 1 });
  afterAll(() => Promise.all([layer.close(), sql.close()]));

  it("Prisma: the rest of a query plan cut off by the transaction timeout never runs, and the next unit of work on the connection is untouched", async () => {
    const unlock = await lockDeskA();
    // A nested write: the UPDATE of desk A waits on the lock past the timeout; the plan's INSERTs
    // of the domains come after Prisma has rolled back and handed the connection on.
    const timedOut = layer.withTenant(
      tenantA,
      (db) =>
        db.desk.update({
          where: { tenantId_id: { tenantId: tenantA, id: deskA } },
          data: {
            name: "Renamed A",
            domains: { create: [{ hostname: `a1-${deskA}.test` }, { hostname: `a2-${deskA}.test` }] },
          },
          include: { domains: true },
        }),
      { timeout: 300 },
    );
    const failure = timedOut.then(
      () => undefined,
      (e: Error) => e,
    );
    // Tenant B waits for the pool's only connection and gets it when A's is released.
    const next = layer.withTenant(tenantB, async (db) => {
      await db.$executeRawUnsafe("SELECT pg_sleep(0.2)");
      await db.deskDomain.create({ data: { tenantId: tenantB, deskId: deskB, hostname: `b-${deskB}.test` } });
      return db.deskDomain.findMany({ select: { tenantId: true } });
    });
    await new Promise((r) => setTimeout(r, 700));
    await unlock();

    const error = await failure;
    expect(error?.message).toContain(unitOfWorkEndedMessage);
    // B's transaction ran whole, saw only its own rows, and A wrote nothing.
    expect(await next).toEqual([{ tenantId: tenantB }]);
    expect(await domainsOf(deskA)).toEqual([]);
    expect(await domainsOf(deskB)).toEqual([`b-${deskB}.test`]);
  });

  it("plain SQL: a sibling branch still running when its Promise.all has failed is refused after the rollback", async () => {
    let late: Error | undefined;
    await expect(
      sql.withTenant(tenantA, (db) =>
        Promise.all([
          (async () => {
            await db.query("SELECT 1");
            throw new Error("refused by a rule");
          })(),
          (async () => {
            await db.query("SELECT pg_sleep(0.1)");
            await new Promise((r) => setTimeout(r, 150));
            try {
              await db.query("INSERT INTO desk_domains (tenant_id, desk_id, hostname) VALUES ($1, $2, $3)", [
                tenantA,
                deskA,
                `late-${deskA}.test`,
              ]);
            } catch (e) {
              late = e as Error;
            }
          })(),
        ]),
      ),
    ).rejects.toThrow(/refused by a rule/);
    const next = sql.withTenant(tenantB, async (db) => {
      await db.query("SELECT pg_sleep(0.3)");
      return db.query<{ tenant_id: string }>("SELECT tenant_id FROM desks");
    });
    expect(await next).toEqual([{ tenant_id: tenantB }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(late?.message).toBe(unitOfWorkEndedMessage);
    expect(await domainsOf(deskA)).toEqual([]);
  });
});

describe("a lease", () => {
  it("ends with a COMMIT sent after other statements in the same text", async () => {
    const pool = new LeasePool({ connectionString: databaseUrlsFromEnv().app, max: 1 });
    try {
      for (const text of ["BEGIN; SELECT 1;\nCOMMIT", `BEGIN; SELECT '${"x".repeat(200)}';\ncommit;`]) {
        const lease = await pool.connect();
        await lease.query(text);
        await expect(lease.query("SELECT 1")).rejects.toThrow(unitOfWorkEndedMessage);
        lease.release();
      }
      // A value that merely ends in "commit" inside a literal ends nothing.
      const next = await pool.connect();
      await next.query("SELECT 'a; commit'");
      expect((await next.query("SELECT 2 AS n")).rows).toEqual([{ n: 2 }]);
      next.release();
    } finally {
      await pool.end();
    }
  });
});
