/**
 * Prepares PostgreSQL for the product: roles, database, migrations, generated client (already done
 * by the caller), and with --seed the demo data. Used by `npm start` and `npm test`.
 */
import { databaseUrlsFromEnv } from "@propdesk/db";
import { databaseNameOf } from "@propdesk/db/database-urls";
import { dropDatabase, prepareDatabase } from "@propdesk/db/prepare-database";

const args = new Set(process.argv.slice(2));
const urls = databaseUrlsFromEnv();
if (args.has("--fresh")) await dropDatabase(urls.admin, databaseNameOf(urls.owner));
const result = await prepareDatabase(urls, { log: (m) => console.log(`  db: ${m}`) });
console.log(
  `  db: ${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already in place`,
);

if (args.has("--seed")) {
  const { seedDemo, demoPassword } = await import("@propdesk/services/demo");
  const { dataLayer } = await import("@propdesk/db");
  const { closeRedis } = await import("@propdesk/services/redis");
  const seeded = await seedDemo();
  console.log(`  demo: ${seeded.created ? "seeded" : "already seeded"}`);
  await Promise.all([dataLayer().close(), closeRedis()]);
  if (args.has("--print-logins")) {
    console.log(JSON.stringify({ password: demoPassword, logins: seeded.logins }));
  }
}
process.exit(0);
