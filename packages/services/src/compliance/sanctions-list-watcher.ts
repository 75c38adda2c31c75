import { dataLayer, sanctions } from "@propdesk/db";
import { enqueueFor } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { rescreenTenantJob } from "./compliance-jobs";
import { sharedScreener } from "./sanctions-screening";

/**
 * Cross-tenant scheduler in the worker: re-reads the sanctions list files (at start and every
 * `intervalMs`) and, for every firm whose people were not all screened against the current list
 * version (the files' sha256), queues a re-screen. Restarts and several workers are harmless: a
 * firm already screened against the version is not queued, and the job skips screened people.
 */
export async function checkSanctionsLists(log: Logger): Promise<{ listVersion: string; queued: string[] }> {
  const screener = await sharedScreener();
  const changed = await screener.reload();
  const listVersion = screener.version.sha256;
  if (changed) log.info({ listVersion }, "sanctions lists changed");
  const tenants = await dataLayer().withPlatform((db) => sanctions.tenantsNeedingRescreen(db, listVersion));
  for (const t of tenants) {
    await dataLayer().withPlatform((db) =>
      enqueueFor(db, t.id, rescreenTenantJob, { listVersion, trigger: "list_reload" }),
    );
  }
  if (tenants.length) log.info({ listVersion, firms: tenants.length }, "sanctions re-screen queued");
  return { listVersion, queued: tenants.map((x) => x.id) };
}
