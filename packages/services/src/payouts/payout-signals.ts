import { payouts, type TenantDb } from "@propdesk/db";
import { displayMoney } from "@propdesk/domain/money";
import type { PayoutContext } from "./payout-context";

/**
 * What a reviewer should notice about a payout request, beyond the checks it passed: each signal
 * says what it saw. Stored with the request; the console shows them in the queue.
 */
export interface PayoutSignal {
  code:
    | "first_payout"
    | "large_payout"
    | "new_destination"
    | "shared_destination"
    | "concentrated_profit"
    | "few_trading_days"
    | "kyc_expiring"
    | "fee_refund"
    | "phase_reward";
  level: "info" | "warning";
  message: string;
}

const DAY = 86_400_000;

export async function payoutSignals(
  db: TenantDb,
  ctx: PayoutContext,
  destination: NonNullable<Awaited<ReturnType<typeof payouts.findDestination>>>,
  now: Date,
): Promise<PayoutSignal[]> {
  const out: PayoutSignal[] = [];
  const a = ctx.eligibility.amounts;
  const m = (x: bigint) => displayMoney(x, a.currency);
  if (ctx.eligibility.payoutNumber === 1)
    out.push({ code: "first_payout", level: "info", message: "First payout of this funded account." });
  const size = ctx.tradingAccount.initialBalance;
  if (size > 0n && a.grossProfit * 100n > size * 10n)
    out.push({
      code: "large_payout",
      level: "warning",
      message: `Profit paid out (${m(a.grossProfit)}) is more than 10 % of the account size (${m(size)}).`,
    });
  const age = now.getTime() - destination.createdAt.getTime();
  if (age < 7 * DAY)
    out.push({
      code: "new_destination",
      level: "warning",
      message: `The destination was added ${Math.max(0, Math.floor(age / 3_600_000))} h ago.`,
    });
  const shared = await payouts.findSharedDestinations(db, destination);
  if (shared.length > 0)
    out.push({
      code: "shared_destination",
      level: "warning",
      message: `The same ${destination.rail === "crypto" ? "address" : destination.rail === "bank_wire" ? "bank account" : "Stripe account"} is on the list of ${shared.length} other trader${shared.length === 1 ? "" : "s"}.`,
    });
  const best = ctx.standing.bestDayPct === null ? null : Number(ctx.standing.bestDayPct);
  if (best !== null && best > 50)
    out.push({
      code: "concentrated_profit",
      level: "warning",
      message: `The best day made ${ctx.standing.bestDayPct} % of the account's profit.`,
    });
  if (ctx.standing.tradingDays < 3)
    out.push({
      code: "few_trading_days",
      level: "info",
      message: `Only ${ctx.standing.tradingDays} trading day${ctx.standing.tradingDays === 1 ? "" : "s"} on the funded account.`,
    });
  const approvedAt = ctx.compliance.kyc.approvedAt;
  if (approvedAt) {
    const expires = approvedAt.getTime() + ctx.compliance.kycMaxAgeDays * DAY;
    if (expires - now.getTime() < 30 * DAY)
      out.push({
        code: "kyc_expiring",
        level: "info",
        message: `Identity verification expires on ${new Date(expires).toISOString().slice(0, 10)}.`,
      });
  }
  if (a.feeRefund > 0n)
    out.push({
      code: "fee_refund",
      level: "info",
      message: `Includes the challenge fee refund of ${m(a.feeRefund)}.`,
    });
  if (a.phaseProfitShare > 0n)
    out.push({
      code: "phase_reward",
      level: "info",
      message: `Includes ${m(a.phaseProfitShare)} of challenge-phase profit share.`,
    });
  return out;
}
