import pg from "pg";
import { type DatabaseUrls, databaseNameOf, passwordOf, roleNames } from "./database-urls";
import { migrate } from "./migrate";

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const quoteLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Creates (or corrects) the three roles. The attributes are the security boundary, so they are
 * re-asserted on every run: the application role can never be superuser or bypass RLS.
 */
export async function ensureRoles(urls: DatabaseUrls): Promise<void> {
  const admin = new pg.Client({ connectionString: urls.admin });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(7413000)");
    const roles: Array<[string, string, string]> = [
      [roleNames.owner, passwordOf(urls.owner), "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB BYPASSRLS"],
      [
        roleNames.app,
        passwordOf(urls.app),
        "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOINHERIT",
      ],
      [
        roleNames.platform,
        passwordOf(urls.platform),
        "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB BYPASSRLS NOINHERIT",
      ],
    ];
    for (const [name, password, attrs] of roles) {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
      const pw = password ? ` PASSWORD ${quoteLiteral(password)}` : "";
      await admin.query(`${rowCount ? "ALTER" : "CREATE"} ROLE ${quoteIdent(name)} WITH ${attrs}${pw}`);
    }
    await admin.query("SELECT pg_advisory_unlock(7413000)");
  } finally {
    await admin.end();
  }
}

export async function databaseExists(adminUrl: string, database: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    return (rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

/** Creates the database owned by the owner role, optionally as a copy of a template database. */
export async function createDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const tpl = template ? ` TEMPLATE ${quoteIdent(template)}` : "";
    await admin.query(`CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(roleNames.owner)}${tpl}`);
    // Nobody but the three roles connects.
    await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    await admin.query(
      `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(roleNames.app)}, ${quoteIdent(roleNames.platform)}`,
    );
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Roles, database and migrations: everything the product needs before it starts. */
export async function prepareDatabase(urls: DatabaseUrls, opts: { log?: (msg: string) => void } = {}) {
  await ensureRoles(urls);
  const name = databaseNameOf(urls.owner);
  if (!(await databaseExists(urls.admin, name))) {
    opts.log?.(`creating database ${name}`);
    await createDatabase(urls.admin, name);
  }
  return migrate(urls.owner, opts);
}
