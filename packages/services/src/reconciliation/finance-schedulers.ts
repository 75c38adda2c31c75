import { dataLayer, reconciliation } from "@propdesk/db";
import { enqueueFor } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { sweepPayouts } from "../payouts/payout-jobs";
import { collectPlatformRecordsJob } from "./reconciliation-jobs";

/**
 * The worker's finance schedulers, cross-tenant (platform role), one tick every few minutes:
 * - each firm's payout sweep (next-cycle notices, pending rail attempts, platform reductions);
 * - each firm's daily reconciliation of the previous UTC day, created once per period (a unique
 *   index makes a second worker's tick a no-op) after `reconcileAfterHourUtc`.
 * Jobs go through the outbox like every other job.
 */
export interface FinanceSchedulerOptions {
  log: Logger;
  intervalMs?: number;
  reconcileAfterHourUtc?: number;
  now?: () => Date;
}

const DAY = 86_400_000;

export async function financeTick(
  opts: Omit<FinanceSchedulerOptions, "intervalMs">,
): Promise<{ sweeps: number; reconciliations: number }> {
  const now = opts.now?.() ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dueReconciliation = now.getTime() >= today + (opts.reconcileAfterHourUtc ?? 1) * 3_600_000;
  return dataLayer().withPlatform(async (db) => {
    const tenants = await reconciliation.listActiveTenantIds(db);
    let reconciliations = 0;
    for (const { id } of tenants) {
      await enqueueFor(db, id, sweepPayouts, { at: now.toISOString() });
      if (!dueReconciliation) continue;
      const runId = await reconciliation.createScheduledRun(db, id, {
        from: new Date(today - DAY),
        to: new Date(today),
      });
      if (runId) {
        await enqueueFor(db, id, collectPlatformRecordsJob, { runId });
        reconciliations += 1;
      }
    }
    return { sweeps: tenants.length, reconciliations };
  });
}

export function startFinanceSchedulers(opts: FinanceSchedulerOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = financeTick(opts)
      .then((r) => {
        if (r.reconciliations > 0) opts.log.info(r, "finance schedulers queued reconciliations");
      })
      .catch((e: Error) => opts.log.warn({ err: e.message }, "finance scheduler tick failed"))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, 10_000);
  const timer = setInterval(tick, opts.intervalMs ?? 5 * 60_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
