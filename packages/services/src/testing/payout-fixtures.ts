import { challenges, dataLayer, kyc, payouts, type TenantDb } from "@propdesk/db";
import type { PayoutTermsJson } from "@propdesk/domain/payouts";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { applyKycDecision } from "../kyc/kyc-verification";
import type { SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { TIME } from "../platforms/simulator/trader-styles";
import { saveProgramVersion } from "../programs/program-admin";
import { getAccountStanding } from "../risk/account-standing";
import type { TraderPrincipal } from "../traders/trader-auth";
import { programFixture, traderFixture } from "./challenge-fixtures";
import { signIn, type TenantFixture } from "./fixtures";
import { feedSimulator, installTestSimulator, runChallengeEffects, TestEvaluators } from "./risk-fixtures";

/**
 * Funded simulated traders for payout tests, made the way production makes them: challenges on a
 * fast program, simulated traders trading through the real ingest, evaluators and lifecycle until
 * they pass into the funded phase and make a profit there.
 */

export const fastPayoutTerms = {
  splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromPayoutNumber: 3 }],
  feeRefund: null,
  minimumPayout: "1.00",
  firstPayoutDelayDays: 0,
  cycleDays: 1,
} satisfies Omit<PayoutTermsJson, "currency">;

export async function payoutProgram(
  t: TenantFixture,
  payoutTerms: Omit<PayoutTermsJson, "currency"> = fastPayoutTerms,
) {
  const { programId, owner } = await programFixture(t, "two-step-cfd");
  const saved = await saveProgramVersion(owner.principal, programId, {
    name: "Fast funded 100K",
    currency: "USD",
    initialBalance: "100000.00",
    timezone: "Europe/Prague",
    dayStart: "00:00",
    kycRequired: false,
    reset: { allowed: true, discountPct: 10, freeRetake: false },
    profitSplit: { traderPct: 80 },
    payoutTerms,
    phases: [
      {
        name: "Challenge",
        kind: "evaluation",
        profitTarget: { pct: 1 },
        dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" },
        maxLoss: { pct: 8, mode: "static", lockAt: null },
        minTradingDays: 0,
        maxDays: null,
        consistency: null,
      },
      {
        name: "Funded",
        kind: "funded",
        dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" },
        maxLoss: { pct: 8, mode: "static", lockAt: null },
      },
    ],
  });
  return { programId, versionId: saved.version.id, owner };
}

/** Approves a trader's identity verification: a manual case decided through compliance's own code. */
export async function approveKyc(db: TenantDb, traderId: string, at = new Date()) {
  const v = await kyc.createVerification(db, { traderId, provider: "manual", reason: "staff" });
  await applyKycDecision(db, v.id, {
    status: "approved",
    at,
    by: "staff",
    byLabel: "compliance (test fixture)",
    cause: { type: "system", job: "payout test fixture" },
  });
}

export interface FundedTrader {
  challengeId: string;
  tradingAccountId: string;
  trader: TraderPrincipal;
  profit: bigint;
}

/**
 * Provisions `traders` challenges and simulates up to `maxDays` until `wanted` of them are funded,
 * flat and in profit (each trader KYC-approved). The simulator stays installed for the test.
 */
export async function fundedTradersFixture(
  t: TenantFixture,
  opts: {
    wanted: number;
    traders?: number;
    seed?: number;
    maxDays?: number;
    minProfit?: bigint;
    payoutTerms?: Omit<PayoutTermsJson, "currency">;
  } = { wanted: 1 },
): Promise<{ sim: SimulatorPlatform; programId: string; funded: FundedTrader[]; clock: number }> {
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = installTestSimulator(opts.seed ?? 21, start);
  const { programId } = await payoutProgram(t, opts.payoutTerms);
  const owner = await signIn(t, t.owner.email);
  const traders = new Map<string, TraderPrincipal>();
  for (let i = 0; i < (opts.traders ?? opts.wanted * 4); i++) {
    const tr = await traderFixture(t, `funded${i}`);
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: tr.traderId,
      programId,
      reason: "payout test",
    });
    traders.set(challenge.id, tr.principal);
    await dataLayer().withTenant(t.tenantId, (db) => approveKyc(db, tr.traderId));
  }
  await runChallengeEffects(t.tenantId);
  const evaluators = new TestEvaluators(t.tenantId);
  const minProfit = opts.minProfit ?? 100n;
  let clock = start;
  const found = new Map<string, FundedTrader>();
  for (let step = 0; step < (opts.maxDays ?? 20) * 8 && found.size < opts.wanted; step++) {
    clock += 3 * TIME.HOUR;
    await feedSimulator(sim, t.tenantId, clock, TIME.HOUR);
    await evaluators.drain();
    await runChallengeEffects(t.tenantId);
    await dataLayer().withTenant(t.tenantId, async (db) => {
      for (const id of traders.keys()) {
        if (found.has(id)) continue;
        const c = await challenges.findChallenge(db, id);
        if (c?.status !== "funded") continue;
        const account = c.tradingAccounts.find((a) => a.phaseIndex === c.phaseIndex);
        if (!account) continue;
        const s = await getAccountStanding(db, account.id);
        if (s.flat && s.profit >= minProfit && s.firstTradeAt) {
          // Trading stops while the payout is handled (as a firm may do), so the account stays flat.
          sim.simulation.setTradingEnabled(account.platformAccountId!, false);
          found.set(id, {
            challengeId: id,
            tradingAccountId: account.id,
            trader: traders.get(id)!,
            profit: s.profit,
          });
        }
      }
    });
  }
  return { sim, programId, funded: [...found.values()].slice(0, opts.wanted), clock };
}

/**
 * A payout request stored exactly as the request use case stores it, with amounts computed by the
 * domain, for property tests that need many requests on accounts whose standing they do not
 * simulate (the request use case itself is tested on funded simulated traders).
 */
export async function storePayoutRequest(
  db: TenantDb,
  r: {
    challengeId: string;
    tradingAccountId: string;
    deskId: string;
    traderId: string;
    destinationId: string;
    rail: string;
    payoutNumber: number;
    amounts: {
      traderPct: string;
      grossProfit: bigint;
      traderShare: bigint;
      firmShare: bigint;
      phaseProfitShare: bigint;
      feeRefund: bigint;
      totalToTrader: bigint;
      balanceReduction: bigint;
    };
    reference: string;
  },
) {
  return payouts.createPayout(db, {
    reference: r.reference,
    deskId: r.deskId,
    traderId: r.traderId,
    challengeId: r.challengeId,
    tradingAccountId: r.tradingAccountId,
    currency: "USD",
    payoutNumber: r.payoutNumber,
    status: "pending_approval",
    requestedByType: "trader",
    requestedById: r.traderId,
    requestedByLabel: "trader",
    requestedAt: new Date(),
    traderPct: r.amounts.traderPct,
    grossProfit: r.amounts.grossProfit,
    traderShare: r.amounts.traderShare,
    firmShare: r.amounts.firmShare,
    phaseProfitShare: r.amounts.phaseProfitShare,
    feeRefund: r.amounts.feeRefund,
    totalToTrader: r.amounts.totalToTrader,
    balanceReduction: r.amounts.balanceReduction,
    computation: { cycleDays: 1 },
    requiredApprovals: 1,
    destinationId: r.destinationId,
    rail: r.rail,
  });
}
