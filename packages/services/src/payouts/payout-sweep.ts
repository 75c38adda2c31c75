import { dataLayer, payouts } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import { enqueue } from "../jobs/enqueue";
import type { Logger } from "../logging/logger";
import { platformClockNow } from "./payout-clock";
import { reducePlatformBalances } from "./payout-jobs";
import { destinationsFor, loadRails, type SendJob, sendAttempts } from "./payout-rails";
import { type AttemptResult, settleAttemptsInDb } from "./payout-workflow";
import type { RailName } from "./rails/payout-rail";

/**
 * Periodic payout housekeeping for one tenant (the worker's scheduler queues it every few minutes):
 * 1. traders whose next payout window opened are told (their scaling review is queued with 3.);
 * 2. attempts still waiting for their rail are asked again: pending ones are checked, reserved
 *    ones a crashed process never sent are sent with their original key (never a second payment);
 * 3. the platform actions still due are queued: balance reductions, scaling reviews.
 */
export async function sweepPayoutsFor(
  tenantId: string,
  now: Date,
  opts: { log?: Logger; staleAfterMs?: number } = {},
): Promise<{ cyclesOpened: number; attemptsSettled: number }> {
  const log = opts.log;
  const simulatorNow = await platformClockNow("simulator");
  const opened = await dataLayer().withTenant(tenantId, async (db) => {
    const due = await payouts.listCycleOpenings(db, { now, simulatorNow }, 500);
    if (due.length === 0) return [];
    await payouts.insertNotices(
      db,
      due.map((p) => ({
        traderId: p.traderId,
        payoutId: p.id,
        kind: "cycle_open",
        message: `Your next payout window is open (after payout ${p.reference}): you can request a payout when the account is in profit.`,
      })),
    );
    await payouts.updatePayouts(
      db,
      due.map((p) => p.id),
      { cycleNotifiedAt: now },
    );
    return due;
  });
  const stale = new Date(now.getTime() - (opts.staleAfterMs ?? 5 * 60_000));
  const waiting = await dataLayer().withTenant(tenantId, async (db) => {
    const attempts = await payouts.listUnsettledAttempts(db, stale, 500);
    if (attempts.length === 0) return null;
    const refs = new Map(
      (await payouts.findPayouts(db, [...new Set(attempts.map((a) => a.payoutId))])).map((p) => [
        p.id,
        p.reference,
      ]),
    );
    const rails = await loadRails(db);
    const destinations = await destinationsFor(db, [...new Set(attempts.map((a) => a.destinationId))]);
    return { attempts, refs, rails, destinations };
  });
  let settled = 0;
  if (waiting) {
    const results: AttemptResult[] = [];
    const resend: SendJob[] = [];
    for (const a of waiting.attempts) {
      const rail = waiting.rails[a.rail as Exclude<RailName, "bank_wire">];
      if (a.status === "submitted" && a.railReference && rail?.check) {
        try {
          results.push({
            payoutId: a.payoutId,
            attempt: a.attempt,
            outcome: await rail.check(a.railReference),
          });
        } catch (e) {
          if (!(isAppError(e) && e.code === "EXTERNAL_FAILURE")) throw e;
          log?.warn(
            { payoutId: a.payoutId, err: e.message },
            "payout rail unreachable while checking an attempt",
          );
        }
        continue;
      }
      resend.push({
        attempt: {
          payoutId: a.payoutId,
          reference: waiting.refs.get(a.payoutId) ?? a.payoutId,
          attempt: a.attempt,
          attemptId: a.id,
          rail: a.rail as RailName,
          idempotencyKey: a.railIdempotencyKey,
          amount: a.amount,
          currency: a.currency,
          destinationId: a.destinationId,
          resumed: true,
        },
        destination: waiting.destinations.get(a.destinationId)!,
        description: `Payout ${waiting.refs.get(a.payoutId) ?? a.payoutId}`,
      });
    }
    const report = await sendAttempts(waiting.rails, resend, { retryDelaysMs: [] });
    results.push(...report.results);
    if (results.length > 0)
      settled = (
        await dataLayer().withTenant(tenantId, (db) =>
          settleAttemptsInDb(db, { type: "system", label: "payouts sweep" }, results, now),
        )
      ).length;
  }
  // Platform actions run where the platform adapter lives (the simulator's process): balance
  // reductions still due, and a scaling review for accounts whose next window opened.
  await dataLayer().withTenant(tenantId, (db) =>
    enqueue(db, reducePlatformBalances, {
      payoutIds: [],
      challengeIds: [...new Set(opened.map((p) => p.challengeId))],
    }),
  );
  return { cyclesOpened: opened.length, attemptsSettled: settled };
}
