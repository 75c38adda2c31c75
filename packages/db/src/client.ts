import { PrismaPg } from "@prisma/adapter-pg";
import { AppError } from "@propdesk/domain";
import { type DatabaseUrls, databaseUrlsFromEnv } from "./database-urls";
import { type Prisma, PrismaClient } from "./generated/prisma/client";
import { LeasePool } from "./lease-pool";

/**
 * A unit of work inside one tenant: a transaction in which `app.tenant_id` is set, so every row it
 * reads or writes is filtered and checked by row-level security. Only `withTenant` makes one.
 */
export type TenantDb = Prisma.TransactionClient & { readonly __scope: "tenant"; readonly tenantId: string };

/**
 * A unit of work for the platform console and cross-tenant schedulers, on the platform role
 * (BYPASSRLS). Never reachable from a tenant request.
 */
export type PlatformDb = Prisma.TransactionClient & { readonly __scope: "platform" };

/** A unit of work on the application role with no tenant set: RLS lets it see no tenant rows. */
export type AnonymousDb = Prisma.TransactionClient & { readonly __scope: "anonymous" };

export interface UnitOfWorkOptions {
  /** Milliseconds before the transaction is aborted. */
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DataLayer {
  withTenant<T>(tenantId: string, work: (db: TenantDb) => Promise<T>, opts?: UnitOfWorkOptions): Promise<T>;
  withPlatform<T>(work: (db: PlatformDb) => Promise<T>, opts?: UnitOfWorkOptions): Promise<T>;
  withoutTenant<T>(work: (db: AnonymousDb) => Promise<T>, opts?: UnitOfWorkOptions): Promise<T>;
  /**
   * One statement on the application role outside any transaction and without a tenant (RLS shows
   * it no tenant rows): for SECURITY DEFINER lookups such as host resolution, in one round trip.
   */
  anonymous<T>(work: (db: AnonymousDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The transaction client seen through its own scope fields. Never write them onto the transaction
 * client itself: Prisma's transaction clients pass property writes through to state they share,
 * so `Object.assign(tx, { tenantId })` in two concurrent units of work left both with the last
 * one's tenant id (and repositories filtered and inserted with it; row-level security refused).
 */
function scoped<S extends object>(tx: Prisma.TransactionClient, fields: S): Prisma.TransactionClient & S {
  return new Proxy(tx, {
    get(target, prop) {
      if (Object.hasOwn(fields, prop)) return fields[prop as keyof S];
      return Reflect.get(target, prop);
    },
  }) as Prisma.TransactionClient & S;
}

function prismaFor(url: string, max: number): PrismaClient {
  const pool = new LeasePool({ connectionString: url, max });
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

export function createDataLayer(
  urls: Pick<DatabaseUrls, "app" | "platform"> = databaseUrlsFromEnv(),
  opts: { poolSize?: number } = {},
): DataLayer {
  const poolSize = opts.poolSize ?? 10;
  const app = prismaFor(urls.app, poolSize);
  let platform: PrismaClient | undefined;
  const txOpts = (o?: UnitOfWorkOptions) => ({
    timeout: o?.timeout ?? 15_000,
    maxWait: 10_000,
    isolationLevel: o?.isolationLevel,
  });

  return {
    async withTenant(tenantId, work, o) {
      if (!uuidPattern.test(tenantId))
        throw new AppError("VALIDATION", `Tenant id "${tenantId}" is not a UUID.`);
      return app.$transaction(async (tx) => {
        // `true`: the setting is local to this transaction, so a pooled connection never carries it on.
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        return work(scoped(tx, { __scope: "tenant" as const, tenantId }));
      }, txOpts(o));
    },
    async withPlatform(work, o) {
      platform ??= prismaFor(urls.platform, Math.max(2, Math.floor(poolSize / 2)));
      return platform.$transaction((tx) => work(scoped(tx, { __scope: "platform" as const })), txOpts(o));
    },
    async withoutTenant(work, o) {
      return app.$transaction((tx) => work(scoped(tx, { __scope: "anonymous" as const })), txOpts(o));
    },
    anonymous(work) {
      return work(app as unknown as AnonymousDb);
    },
    async close() {
      await Promise.all([app.$disconnect(), platform?.$disconnect()]);
    },
  };
}

let shared: DataLayer | undefined;

/** The process-wide data layer, built from the environment on first use. */
export function dataLayer(): DataLayer {
  shared ??= createDataLayer();
  return shared;
}

/** Replaces the process-wide data layer (tests point it at their own database). */
export function setDataLayer(layer: DataLayer | undefined): void {
  shared = layer;
}
