import pg from "pg";
import { afterAll } from "vitest";
import { databaseNameOf } from "../database-urls";

/**
 * Plain SQL connections to this worker's test database as a given role, for tests that must act
 * outside the application (build fixtures as the platform role, tamper as the superuser).
 * Pools are closed after the test file.
 */
export type Role = "app" | "platform" | "owner" | "superuser";

const pools = new Map<Role, pg.Pool>();

function urlFor(role: Role): string {
  const env = process.env;
  switch (role) {
    case "app":
      return env.DATABASE_URL!;
    case "platform":
      return env.DATABASE_PLATFORM_URL!;
    case "owner":
      return env.DATABASE_OWNER_URL!;
    case "superuser": {
      const u = new URL(env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
      u.pathname = `/${databaseNameOf(env.DATABASE_URL!)}`;
      return u.toString();
    }
  }
}

export function sqlAs(role: Role): pg.Pool {
  let pool = pools.get(role);
  if (!pool) {
    pool = new pg.Pool({ connectionString: urlFor(role), max: 4 });
    pools.set(role, pool);
  }
  return pool;
}

/** Runs `work` in a transaction as the application role with `app.tenant_id` set (or unset). */
export async function asTenant<T>(
  tenantId: string | null,
  work: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await sqlAs("app").connect();
  try {
    await client.query("BEGIN");
    if (tenantId) await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    const out = await work(client);
    await client.query("COMMIT");
    return out;
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  } finally {
    client.release();
  }
}

afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.end()));
  pools.clear();
});
