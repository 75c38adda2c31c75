import { challenges, dataLayer, payouts } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import { displayMoney } from "@propdesk/domain/money";
import { evaluateScaling } from "@propdesk/domain/payouts";
import { recordAudit, recordAudits } from "../audit/record-audit";
import type { Logger } from "../logging/logger";
import { tradingPlatformFor } from "../platforms/platform-registry";
import { loadProgramVersion } from "../programs/program-admin";
import { getAccountStanding } from "../risk/account-standing";
import { platformClockNow } from "./payout-clock";
import { payoutTermsForProgram } from "./payout-terms-for-program";

/*
 * What a paid payout changes on the trading platform: the trading account's balance goes down by
 * the profit taken out (`balanceReduction`), once, with the payout id as the platform's idempotency
 * key (reconciliation matches the platform's adjustment to the ledger by that id). Scaling steps
 * raise the balance the same way, keyed `scaling:<challenge>:<level>`. Platform calls happen
 * outside any unit of work; their result is recorded afterwards, and the sweep retries anything
 * left undone.
 */

/** The platform's idempotency key for a scaling step (also its reconciliation reference). */
export const scalingKey = (challengeId: string, level: number) => `scaling:${challengeId}:${level}`;

export async function reducePlatformBalancesFor(
  tenantId: string,
  payoutIds: readonly string[] | null,
  opts: { log?: Logger; take?: number } = {},
): Promise<{ reduced: number; failed: number }> {
  const due = await dataLayer().withTenant(tenantId, async (db) => {
    const list = await payouts.listPendingBalanceReductions(db, payoutIds, opts.take ?? 5000);
    const accounts = new Map<string, Awaited<ReturnType<typeof challenges.findTradingAccount>>>();
    for (const p of list)
      if (!accounts.has(p.tradingAccountId))
        accounts.set(p.tradingAccountId, await challenges.findTradingAccount(db, p.tradingAccountId));
    return list.map((p) => ({ p, account: accounts.get(p.tradingAccountId)! }));
  });
  let reduced = 0;
  let failed = 0;
  let temporary: unknown = null;
  const done: { id: string; adjustmentId: string; balance: bigint }[] = [];
  for (const { p, account } of due) {
    if (!account?.platformAccountId) {
      failed += 1;
      continue;
    }
    try {
      const r = await tradingPlatformFor(tenantId, account.platform as "simulator" | "bridge").adjustBalance(
        account.platformAccountId,
        {
          idempotencyKey: p.id,
          amount: -p.balanceReduction,
          reason: `Payout ${p.reference}: ${displayMoney(p.balanceReduction, p.currency)} of profit paid out`,
        },
      );
      done.push({ id: p.id, adjustmentId: r.adjustmentId, balance: r.balance });
      reduced += 1;
    } catch (e) {
      failed += 1;
      if (isAppError(e) && e.code === "EXTERNAL_FAILURE") temporary = e;
      opts.log?.warn(
        { payoutId: p.id, err: (e as Error).message },
        "payout balance reduction on the platform failed; the sweep retries it",
      );
    }
  }
  if (done.length > 0)
    await dataLayer().withTenant(tenantId, async (db) => {
      const rows = await payouts.findPayouts(
        db,
        done.map((d) => d.id),
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const d of done)
        await payouts.updatePayout(db, d.id, {
          platformAdjustmentId: d.adjustmentId,
          platformAdjustedAt: new Date(),
        });
      await recordAudits(
        db,
        done.map((d) => {
          const p = byId.get(d.id)!;
          return {
            actor: { type: "system", label: "payouts" },
            action: "payout.platform_balance_reduced",
            deskId: p.deskId,
            target: { type: "payout", id: p.id },
            after: { adjustmentId: d.adjustmentId, reduction: p.balanceReduction, balanceAfter: d.balance },
          };
        }),
      );
    });
  if (temporary) throw temporary;
  return { reduced, failed };
}

/**
 * Applies the next scaling step of a funded challenge when its plan's conditions are met now:
 * the platform balance grows by the step (idempotent per level), then the step is recorded. The
 * split may rise with the level (the program's split tiers decide).
 */
export async function applyScalingIfDue(tenantId: string, challengeId: string, at?: Date, log?: Logger) {
  const plan = await dataLayer().withTenant(tenantId, async (db) => {
    const challenge = await challenges.findChallenge(db, challengeId);
    if (!challenge || challenge.status !== "funded") return null;
    const { compiled } = await loadProgramVersion(db, challenge.programVersionId);
    const terms = payoutTermsForProgram(compiled.source);
    if (!terms.scaling) return null;
    const fundedIndex = compiled.phases.findIndex((p) => !p.isEvaluation);
    const account = await challenges.findTradingAccountByPhase(db, challengeId, fundedIndex);
    if (!account?.platformAccountId) return null;
    const now = at ?? (await platformClockNow(account.platform));
    const steps = await payouts.listScalingSteps(db, challengeId);
    const list = await payouts.listChallengePayouts(db, challengeId);
    const standing = await getAccountStanding(db, account.id);
    // Periods are counted on the platform's clock: from the first funded trade, then from each step.
    const last = steps.at(-1);
    const periodStart = last?.periodStartedAt ?? standing.firstTradeAt;
    if (!periodStart) return null;
    const currentSize = account.initialBalance + steps.reduce((s, x) => s + x.increase, 0n);
    const paidInPeriod = list.filter((p) => p.status === "paid" && p.requestedAt >= periodStart);
    const periodProfit =
      standing.balance - currentSize + paidInPeriod.reduce((s, p) => s + p.balanceReduction, 0n);
    const evaluation = evaluateScaling(
      terms.scaling,
      {
        currency: terms.currency,
        originalSize: account.initialBalance,
        currentSize,
        level: steps.length,
        periodStartedAt: periodStart.toISOString(),
        periodProfit,
        periodPayouts: paidInPeriod.length,
      },
      now.toISOString(),
      { terms, nextPayoutNumber: list.filter((p) => p.status === "paid").length + 1 },
    );
    if (!evaluation.reached) return null;
    return { challenge, account, evaluation, currentSize, currency: terms.currency, now };
  });
  if (!plan) return null;
  const { evaluation, account, challenge } = plan;
  const key = scalingKey(challengeId, evaluation.nextLevel);
  const r = await tradingPlatformFor(tenantId, account.platform as "simulator" | "bridge").adjustBalance(
    account.platformAccountId!,
    {
      idempotencyKey: key,
      amount: evaluation.increase,
      reason: `Scaling to level ${evaluation.nextLevel}: +${displayMoney(evaluation.increase, plan.currency)}`,
    },
  );
  return dataLayer().withTenant(tenantId, async (db) => {
    const existing = (await payouts.listScalingSteps(db, challengeId)).find(
      (s) => s.level === evaluation.nextLevel,
    );
    if (existing) return existing;
    const step = await payouts.insertScalingStep(db, {
      challengeId,
      tradingAccountId: account.id,
      level: evaluation.nextLevel,
      previousSize: plan.currentSize,
      newSize: evaluation.newSize,
      increase: evaluation.increase,
      traderPctBefore: evaluation.traderPctBefore ?? "",
      traderPctAfter: evaluation.traderPctAfter ?? "",
      platformAdjustmentId: r.adjustmentId,
      periodStartedAt: plan.now,
    });
    await payouts.insertNotices(db, [
      {
        traderId: challenge.traderId,
        payoutId: null,
        kind: "scaled",
        message: `Your account ${challenge.reference} was scaled to ${displayMoney(evaluation.newSize, plan.currency)}${
          evaluation.traderPctAfter && evaluation.traderPctAfter !== evaluation.traderPctBefore
            ? `; your split is now ${evaluation.traderPctAfter} %`
            : ""
        }.`,
      },
    ]);
    await recordAudit(db, {
      actor: { type: "system", label: "payouts scaling" },
      action: "payout.account_scaled",
      deskId: challenge.deskId,
      target: { type: "challenge", id: challengeId },
      after: {
        level: evaluation.nextLevel,
        newSize: evaluation.newSize,
        increase: evaluation.increase,
        adjustmentId: r.adjustmentId,
      },
    });
    log?.info({ challengeId, level: evaluation.nextLevel }, "funded account scaled");
    return step;
  });
}
