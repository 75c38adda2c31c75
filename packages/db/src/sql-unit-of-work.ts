import { AppError } from "@propdesk/domain";
import type pg from "pg";
import type { TenantDb } from "./client";
import { type DatabaseUrls, databaseUrlsFromEnv } from "./database-urls";
import { LeasePool, unitOfWorkEndedMessage } from "./lease-pool";
import { inlineParams } from "./sql-literals";

/**
 * Plain-SQL units of work for the hot paths (platform ingest, risk evaluation), where Prisma's
 * per-row mapping costs more than the queries themselves. The same rules as `withTenant`: one
 * transaction on the application role with `app.tenant_id` set locally, so row-level security
 * applies exactly as on the Prisma path. Only repositories receive a `TenantSql`.
 *
 * Round trips are what these paths pay for (each is a socket write and a wait for two processes to
 * be scheduled on busy cores), so a unit of work sends its BEGIN and tenant setting with its first
 * statement, and writes made with `execute` with its next statement or its COMMIT: one simple query
 * for several statements, their parameters written into the text as literals (`inlineParams`).
 */
export interface TenantSql {
  readonly __scope: "tenant-sql";
  readonly tenantId: string;
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * A statement whose result the caller does not need (a write, a lock, a notification). The
   * plain-SQL layer sends it together with the unit of work's next statement or its COMMIT, in
   * order; if it fails, the unit of work fails there. So a caller never catches its error: code
   * that turns a statement's error into an answer uses `query`.
   */
  execute(text: string, params?: unknown[]): Promise<void>;
}

/** The platform role (BYPASSRLS), for cross-tenant schedulers only. */
export interface PlatformSql {
  readonly __scope: "platform-sql";
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/**
 * A tenant's single read statements, each a whole unit of work by itself, sent together with its
 * BEGIN, tenant setting and COMMIT as one simple query: one round trip (and one socket write)
 * instead of three. The live-risk evaluators' input reads are the use.
 */
export interface TenantRead {
  readonly __scope: "tenant-read";
  readonly tenantId: string;
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/**
 * A tenant's single write statements, each a whole unit of work by itself (BEGIN, the tenant, the
 * statement and COMMIT as one simple query: one round trip). A breach's platform-action claim is the
 * use.
 */
export interface TenantWrite {
  readonly __scope: "tenant-write";
  readonly tenantId: string;
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlLayer {
  withTenant<T>(tenantId: string, work: (sql: TenantSql) => Promise<T>): Promise<T>;
  reader(tenantId: string): TenantRead;
  writer(tenantId: string): TenantWrite;
  withPlatform<T>(work: (sql: PlatformSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The plain-SQL view of either layer's tenant unit of work. Repositories that both paths use (a
 * lifecycle transition is made by a staff action on Prisma's `withTenant` and by the live-risk
 * committer on `sqlLayer`) take `TenantDb | TenantSql` and write one SQL text for both: the same
 * transaction, role and tenant setting either way. Both return int4, text, uuid, jsonb and
 * timestamptz alike; select int8 and numeric as text (Prisma gives a BigInt or a Decimal, pg a string).
 * On Prisma's path `execute` runs the statement at once.
 */
export function asTenantSql(db: TenantDb | TenantSql): TenantSql {
  if (db.__scope === "tenant-sql") return db;
  return {
    __scope: "tenant-sql",
    tenantId: db.tenantId,
    query: <R extends object>(text: string, params: unknown[] = []) =>
      db.$queryRawUnsafe<R[]>(text, ...params),
    execute: async (text: string, params: unknown[] = []) => {
      await db.$executeRawUnsafe(text, ...params);
    },
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rows of the last statement of a simple query (pg gives an array for several). */
function lastRows(result: pg.QueryResult | pg.QueryResult[]): object[] {
  return (Array.isArray(result) ? result[result.length - 1]! : result).rows;
}

/**
 * One transaction on a pooled connection. `begin` (the statements that open it) goes out with the
 * first statement; deferred statements with the next one or with COMMIT. A unit of work that sent
 * nothing sends nothing.
 */
class PipelinedUnit {
  #pending: string[];
  #begun = false;
  #ended = false;

  constructor(
    private readonly client: pg.PoolClient,
    begin: string,
  ) {
    this.#pending = [begin];
  }

  async query<R extends object>(text: string, params: unknown[] = []): Promise<R[]> {
    if (this.#ended) throw new AppError("INTERNAL", unitOfWorkEndedMessage);
    if (this.#pending.length === 0) return (await this.client.query(text, params)).rows as R[];
    const statements = [...this.#pending, inlineParams(text, params)];
    this.#pending = [];
    this.#begun = true;
    return lastRows(await this.client.query(statements.join(";\n"))) as R[];
  }

  async execute(text: string, params: unknown[] = []): Promise<void> {
    if (this.#ended) throw new AppError("INTERNAL", unitOfWorkEndedMessage);
    this.#pending.push(inlineParams(text, params));
  }

  async commit(): Promise<void> {
    this.#ended = true;
    if (!this.#begun && this.#pending.length <= 1) return;
    this.#begun = true;
    await this.client.query([...this.#pending.splice(0), "COMMIT"].join(";\n"));
  }

  /**
   * Rolls back what was sent; false when the connection cannot be trusted any more (also after a
   * failed COMMIT text: its lease refuses anything after it, so the connection is not reused).
   */
  async rollback(): Promise<boolean> {
    this.#ended = true;
    this.#pending = [];
    if (!this.#begun) return true;
    return this.client.query("ROLLBACK").then(
      () => true,
      () => false,
    );
  }
}

/** BEGIN and the tenant setting (the tenant id is checked to be a UUID, so it is safe to inline). */
function openingFor(tenantId: string, begin: string): string {
  if (!uuidPattern.test(tenantId)) throw new AppError("VALIDATION", `Tenant id "${tenantId}" is not a UUID.`);
  return `${begin}; SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`;
}

async function inTransaction<T>(
  pool: pg.Pool,
  begin: string,
  work: (unit: PipelinedUnit) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const unit = new PipelinedUnit(client, begin);
  let healthy = true;
  try {
    const out = await work(unit);
    await unit.commit();
    return out;
  } catch (e) {
    healthy = await unit.rollback();
    throw e;
  } finally {
    client.release(!healthy);
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
  /** One statement as a whole unit of work: BEGIN, the tenant, the statement and COMMIT together. */
  const singleStatement = (tenantId: string, begin: string) => {
    const opening = openingFor(tenantId, begin);
    return async <R extends object>(text: string, params: unknown[] = []): Promise<R[]> => {
      const statement = inlineParams(text, params);
      const client = await app.connect();
      let results: pg.QueryResult[];
      try {
        results = (await client.query(`${opening};\n${statement};\nCOMMIT`)) as unknown as pg.QueryResult[];
      } catch (e) {
        // The transaction may be left open and aborted: the connection is not reused.
        client.release(true);
        throw e;
      }
      client.release();
      return results[2]!.rows as R[];
    };
  };
  return {
    withTenant(tenantId, work) {
      let opening: string;
      try {
        opening = openingFor(tenantId, "BEGIN");
      } catch (e) {
        return Promise.reject(e);
      }
      return inTransaction(app, opening, (unit) =>
        work({
          __scope: "tenant-sql",
          tenantId,
          query: (text, params) => unit.query(text, params),
          execute: (text, params) => unit.execute(text, params),
        }),
      );
    },
    reader(tenantId) {
      return { __scope: "tenant-read", tenantId, query: singleStatement(tenantId, "BEGIN READ ONLY") };
    },
    writer(tenantId) {
      return { __scope: "tenant-write", tenantId, query: singleStatement(tenantId, "BEGIN") };
    },
    withPlatform(work) {
      if (!platform) {
        platform = new LeasePool({ connectionString: urls.platform, max: 2 });
        platform.on("error", () => {});
      }
      return inTransaction(platform, "BEGIN", (unit) =>
        work({ __scope: "platform-sql", query: (text, params) => unit.query(text, params) }),
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
