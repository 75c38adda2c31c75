import { AppError } from "@propdesk/domain";
import type pg from "pg";
import type { TenantDb } from "./client";
import { type DatabaseUrls, databaseUrlsFromEnv } from "./database-urls";
import { LeasePool } from "./lease-pool";

/**
 * Plain-SQL units of work for the hot paths (platform ingest, risk evaluation), where Prisma's
 * per-row mapping costs more than the queries themselves. The same rules as `withTenant`: one
 * transaction on the application role with `app.tenant_id` set locally, so row-level security
 * applies exactly as on the Prisma path. Only repositories receive a `TenantSql`.
 */
export interface TenantSql {
  readonly __scope: "tenant-sql";
  readonly tenantId: string;
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/** The platform role (BYPASSRLS), for cross-tenant schedulers only. */
export interface PlatformSql {
  readonly __scope: "platform-sql";
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/**
 * A tenant's single read statements, each a whole unit of work by itself, sent together with its
 * BEGIN, tenant setting and COMMIT as one simple query: one round trip (and one socket write)
 * instead of three. Only for statements whose parameters are safe integers or UUIDs, which are
 * checked and written into the text. The live-risk evaluators' input reads are the use.
 */
export interface TenantRead {
  readonly __scope: "tenant-read";
  readonly tenantId: string;
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlLayer {
  withTenant<T>(tenantId: string, work: (sql: TenantSql) => Promise<T>): Promise<T>;
  reader(tenantId: string): TenantRead;
  withPlatform<T>(work: (sql: PlatformSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The plain-SQL view of either layer's tenant unit of work. Repositories that both paths use (a
 * lifecycle transition is made by a staff action on Prisma's `withTenant` and by the live-risk
 * committer on `sqlLayer`) take `TenantDb | TenantSql` and write one SQL text for both: the same
 * transaction, role and tenant setting either way. Both return int4, text, uuid, jsonb and
 * timestamptz alike; select int8 and numeric as text (Prisma gives a BigInt or a Decimal, pg a string).
 */
export function asTenantSql(db: TenantDb | TenantSql): TenantSql {
  if (db.__scope === "tenant-sql") return db;
  return {
    __scope: "tenant-sql",
    tenantId: db.tenantId,
    query: <R extends object>(text: string, params: unknown[] = []) =>
      db.$queryRawUnsafe<R[]>(text, ...params),
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `$n` placeholders replaced by their values, which must be safe integers or UUIDs. */
export function inlineParams(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
    if (typeof v === "string" && uuidPattern.test(v)) return `'${v.toLowerCase()}'::uuid`;
    throw new AppError(
      "INTERNAL",
      `Parameter $${n} of a one-round-trip read must be a safe integer or a UUID.`,
    );
  });
}

/** `begin`: the statements that open the unit of work, sent as one simple query (one round trip). */
async function inTransaction<T>(
  pool: pg.Pool,
  begin: string,
  work: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const out = await work(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

export function createSqlLayer(
  urls: Pick<DatabaseUrls, "app" | "platform"> = databaseUrlsFromEnv(),
  opts: { poolSize?: number } = {},
): SqlLayer {
  const app = new LeasePool({ connectionString: urls.app, max: opts.poolSize ?? 10 });
  let platform: pg.Pool | undefined;
  // An idle client that errors (server restart) must not crash the process.
  app.on("error", () => {});
  return {
    withTenant(tenantId, work) {
      if (!uuidPattern.test(tenantId))
        return Promise.reject(new AppError("VALIDATION", `Tenant id "${tenantId}" is not a UUID.`));
      return inTransaction(
        app,
        // The tenant id is a checked UUID: safe to inline, so BEGIN and the setting take one round trip.
        `BEGIN; SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`,
        (c) =>
          work({
            __scope: "tenant-sql",
            tenantId,
            query: async <R extends object>(text: string, params?: unknown[]) =>
              (await c.query(text, params)).rows as R[],
          }),
      );
    },
    reader(tenantId) {
      if (!uuidPattern.test(tenantId))
        throw new AppError("VALIDATION", `Tenant id "${tenantId}" is not a UUID.`);
      const begin = `BEGIN READ ONLY; SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`;
      return {
        __scope: "tenant-read",
        tenantId,
        async query<R extends object>(text: string, params: unknown[] = []) {
          const statement = inlineParams(text, params);
          if (statement.includes(";"))
            throw new AppError("INTERNAL", "A one-round-trip read is one statement.");
          const client = await app.connect();
          let results: pg.QueryResult[];
          try {
            results = (await client.query(`${begin}; ${statement}; COMMIT`)) as unknown as pg.QueryResult[];
          } catch (e) {
            // The transaction may be left open and aborted: the connection is not reused.
            client.release(true);
            throw e;
          }
          client.release();
          return results[2]!.rows as R[];
        },
      };
    },
    withPlatform(work) {
      if (!platform) {
        platform = new LeasePool({ connectionString: urls.platform, max: 2 });
        platform.on("error", () => {});
      }
      return inTransaction(platform, "BEGIN", (c) =>
        work({
          __scope: "platform-sql",
          query: async <R extends object>(text: string, params?: unknown[]) =>
            (await c.query(text, params)).rows as R[],
        }),
      );
    },
    async close() {
      await Promise.all([app.end(), platform?.end()]);
    },
  };
}

let shared: SqlLayer | undefined;

/** The process-wide plain-SQL layer, built from the environment on first use. */
export function sqlLayer(): SqlLayer {
  shared ??= createSqlLayer();
  return shared;
}

/** Closes and forgets the process-wide layer (tests, shutdown). */
export async function closeSqlLayer(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.close();
}
