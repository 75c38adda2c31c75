/**
 * Connection strings for the three roles (and the cluster superuser used only to create roles and
 * databases). Defaults match a local PostgreSQL with trust auth and `.env.example`.
 */
export const roleNames = {
  owner: "propdesk_owner",
  app: "propdesk_app",
  platform: "propdesk_platform",
} as const;

export interface DatabaseUrls {
  /** Cluster superuser: creates roles and databases; never used by the product at runtime. */
  admin: string;
  owner: string;
  app: string;
  platform: string;
}

export function databaseUrlsFromEnv(env: Record<string, string | undefined> = process.env): DatabaseUrls {
  return {
    admin: env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    owner: env.DATABASE_OWNER_URL ?? "postgres://propdesk_owner:propdesk_owner@127.0.0.1:5432/propdesk",
    app: env.DATABASE_URL ?? "postgres://propdesk_app:propdesk_app@127.0.0.1:5432/propdesk",
    platform:
      env.DATABASE_PLATFORM_URL ?? "postgres://propdesk_platform:propdesk_platform@127.0.0.1:5432/propdesk",
  };
}

/** The same connection string pointed at another database. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

/** Every role URL retargeted at one database (tests use one database per worker). */
export function urlsForDatabase(urls: DatabaseUrls, database: string): DatabaseUrls {
  return {
    admin: urls.admin,
    owner: withDatabaseName(urls.owner, database),
    app: withDatabaseName(urls.app, database),
    platform: withDatabaseName(urls.platform, database),
  };
}
