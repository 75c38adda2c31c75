/**
 * `npm run audit:verify [-- --tenant <uuid>]`: recomputes every audit hash chain from the stored rows
 * and exits 1 with the first broken link of each chain when anything was altered or removed.
 */
import { dataLayer } from "@propdesk/db";
import { verifyAuditChains } from "@propdesk/services/audit";

const i = process.argv.indexOf("--tenant");
const tenantId = i > 0 ? process.argv[i + 1] : undefined;
if (i > 0 && !/^[0-9a-f-]{36}$/i.test(tenantId ?? "")) {
  console.error("--tenant needs a tenant id (UUID)");
  process.exit(2);
}
const report = await dataLayer().withPlatform((db) => verifyAuditChains(db, tenantId ? { tenantId } : {}), {
  timeout: 600_000,
});
await dataLayer().close();
console.log(JSON.stringify(report, null, 2));
process.exit(report.problems.length === 0 ? 0 : 1);
