import { dataLayer, fraud } from "@propdesk/db";
import { evaluateTraderFraud } from "../fraud/fraud-jobs";
import { enqueueFor } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { checkSanctionsLists } from "./sanctions-list-watcher";

/**
 * Copy trading and hedging show in trades, not in sign-ins or payments: every `windowMs` the
 * traders of every firm who traded since the last scan are re-evaluated (their flags refreshed,
 * including pairs with other traders).
 */
export async function scanRecentTrading(log: Logger, since: Date): Promise<number> {
  const rows = await dataLayer().withPlatform((db) => fraud.tradersWithTradesSince(db, since));
  for (const r of rows)
    await dataLayer().withPlatform((db) =>
      enqueueFor(db, r.tenantId, evaluateTraderFraud, { traderId: r.traderId, related: false }),
    );
  if (rows.length) log.info({ traders: rows.length }, "fraud re-evaluation queued for recent trading");
  return rows.length;
}

/**
 * The worker's compliance schedulers: the sanctions lists (at start and every six hours) and the
 * fraud scan of recent trading (hourly). Several workers may run them: both only queue
 * idempotent jobs.
 */
export function startComplianceSchedulers(opts: {
  log: Logger;
  listIntervalMs?: number;
  fraudIntervalMs?: number;
}) {
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const every = (first: number, interval: number, work: () => Promise<unknown>, what: string) => {
    const run = async () => {
      try {
        await work();
      } catch (e) {
        opts.log.error({ err: (e as Error).message }, `${what} failed; retrying later`);
      }
      if (!stopped) timers.push(setTimeout(run, interval));
    };
    timers.push(setTimeout(run, first));
  };
  every(
    5_000,
    opts.listIntervalMs ?? 6 * 3600_000,
    () => checkSanctionsLists(opts.log),
    "sanctions list check",
  );
  const fraudInterval = opts.fraudIntervalMs ?? 3600_000;
  let lastScan = new Date(Date.now() - fraudInterval);
  every(
    60_000,
    fraudInterval,
    async () => {
      const from = lastScan;
      lastScan = new Date();
      // Overlap by the copy-trading window so a pair straddling two scans is seen.
      await scanRecentTrading(opts.log, new Date(from.getTime() - 60_000));
    },
    "fraud scan",
  );
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
