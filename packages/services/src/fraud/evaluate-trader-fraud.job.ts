import { dataLayer } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { refreshTraderFlags } from "./fraud-evaluation";

/** Refreshes the trader's flags, then those of the traders the signals relate to (one level). */
const handler: JobHandler<{ traderId: string; related: boolean }> = async (payload, ctx) => {
  const related = await dataLayer().withTenant(ctx.tenantId, (db) =>
    refreshTraderFlags(db, payload.traderId),
  );
  if (!payload.related) return;
  for (const other of related.slice(0, 50)) {
    await dataLayer().withTenant(ctx.tenantId, (db) => refreshTraderFlags(db, other));
  }
};

export default handler;
