import { commerceSettings, dataLayer, sanctions } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { screenSubject, screenTrader, sharedScreener } from "./sanctions-screening";

const batch = 200;

/**
 * Re-screens a firm after the lists changed: first traders never screened, then every review not
 * yet screened against the current version, in batches of one transaction each. A retry after a
 * crash continues where it stopped (subjects already screened against the version are skipped).
 */
const handler: JobHandler<{ listVersion: string; trigger: "list_reload" | "manual" }> = async (
  payload,
  ctx,
) => {
  const screener = await sharedScreener();
  if (screener.version.sha256 !== payload.listVersion) await screener.reload();
  const version = screener.version.sha256;
  let screened = 0;
  for (;;) {
    const n = await dataLayer().withTenant(
      ctx.tenantId,
      async (db) => {
        const fresh = await sanctions.tradersWithoutReview(db, batch);
        for (const t of fresh) await screenTrader(db, screener, t.id, payload.trigger);
        if (fresh.length > 0) return fresh.length;
        const stale = await sanctions.listReviewsNotScreenedAgainst(db, version, batch);
        for (const r of stale) {
          if (r.subjectType === "trader") await screenTrader(db, screener, r.subjectId, payload.trigger);
          else
            await screenSubject(
              db,
              screener,
              {
                subjectType: r.subjectType as "affiliate" | "payee",
                subjectId: r.subjectId,
                fullName: r.subjectName,
              },
              payload.trigger,
            );
        }
        return stale.length;
      },
      { timeout: 120_000 },
    );
    screened += n;
    if (n === 0) break;
  }
  await dataLayer().withTenant(ctx.tenantId, (db) =>
    commerceSettings.upsertComplianceSettings(db, { screenedListVersion: version, screenedAt: new Date() }),
  );
  ctx.log.info({ screened, listVersion: version }, "firm re-screened against the sanctions lists");
};

export default handler;
