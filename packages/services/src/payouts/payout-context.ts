import { challenges, ledger, payouts, type TenantDb, trades } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import { refundableAmount } from "@propdesk/domain/ledger";
import {
  checkPayoutEligibility,
  type KycStatus,
  type PayoutEligibility,
  type PayoutTerms,
  type PhaseResult,
} from "@propdesk/domain/payouts";
import { type ComplianceStatus, complianceStatus } from "../compliance/compliance-status";
import { loadProgramVersion } from "../programs/program-admin";
import { type AccountStanding, getAccountStanding } from "../risk/account-standing";
import { platformClockNow } from "./payout-clock";
import { payoutTermsForProgram } from "./payout-terms-for-program";

/**
 * Everything a payout decision reads, gathered in one unit of work: the challenge and its funded
 * trading account, the program's payout terms, where the account stands (from the risk engine),
 * where the trader stands on KYC, sanctions and fraud (from compliance), and the payouts already
 * made. `eligibility` is the domain's verdict with every refusal and the amounts.
 */
export interface PayoutContext {
  /** The instant the rules were checked at (the platform's clock). */
  now: Date;
  challenge: NonNullable<Awaited<ReturnType<typeof challenges.findChallenge>>>;
  tradingAccount: NonNullable<Awaited<ReturnType<typeof challenges.findTradingAccountByPhase>>>;
  terms: PayoutTerms;
  standing: AccountStanding;
  compliance: ComplianceStatus;
  previous: Awaited<ReturnType<typeof payouts.listChallengePayouts>>;
  scalingLevel: number;
  profitBaseline: bigint;
  challengeFee: bigint;
  eligibility: PayoutEligibility;
}

const counted = new Set(["approved", "disbursing", "paid", "failed"]);
const open = new Set(["pending_approval", "approved", "disbursing", "failed"]);

function kycOf(c: ComplianceStatus): { status: KycStatus; verifiedAt: string | null } {
  if (c.kyc.approvedAt && c.kyc.status !== "rejected")
    return { status: "approved", verifiedAt: c.kyc.approvedAt.toISOString() };
  const map: Record<ComplianceStatus["kyc"]["status"], KycStatus> = {
    none: "not_started",
    pending: "pending",
    approved: "approved",
    rejected: "rejected",
    resubmission_requested: "pending",
  };
  return { status: map[c.kyc.status], verifiedAt: null };
}

/** What the trader paid for the challenge: purchases net of refunds and chargebacks, from the ledger. */
async function challengeFeeOf(db: TenantDb, challengeId: string): Promise<bigint> {
  const transfers = (await ledger.listChallengeTransfers(db, challengeId)).map((s) => s.transfer);
  const orders = new Set(
    transfers.filter((t) => t.kind === "challenge_purchase").map((t) => t.refs.orderId!),
  );
  let total = 0n;
  for (const orderId of orders) total += refundableAmount(transfers, orderId);
  return total;
}

async function phaseResultsOf(
  db: TenantDb,
  challengeId: string,
  phases: readonly { index: number; isEvaluation: boolean; target: number; hasTarget: boolean }[],
): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  for (const ph of phases) {
    if (!ph.isEvaluation) continue;
    const account = await challenges.findTradingAccountByPhase(db, challengeId, ph.index);
    if (!account) continue;
    const list = await trades.listAccountTrades(db, account.id);
    const profit = list.reduce((s, t) => s + (t.profit ?? 0n), 0n);
    out.push({ profit, target: ph.hasTarget ? BigInt(ph.target) : 0n });
  }
  return out;
}

/**
 * `now` is the time the rules are checked at; by default the account's platform clock (see
 * `platformClockNow`).
 */
export async function payoutContext(db: TenantDb, challengeId: string, at?: Date): Promise<PayoutContext> {
  const challenge = await challenges.findChallenge(db, challengeId);
  if (!challenge) throw new AppError("NOT_FOUND", "That challenge does not exist.");
  const { compiled } = await loadProgramVersion(db, challenge.programVersionId);
  const terms = payoutTermsForProgram(compiled.source);
  const fundedIndex = compiled.phases.findIndex((p) => !p.isEvaluation);
  if (fundedIndex < 0)
    throw new AppError(
      "PRECONDITION_FAILED",
      "This challenge's program has no funded phase: nothing is ever paid out.",
    );
  const tradingAccount = await challenges.findTradingAccountByPhase(db, challengeId, fundedIndex);
  if (!tradingAccount)
    throw new AppError(
      "PRECONDITION_FAILED",
      `Challenge ${challenge.reference} has no funded trading account yet; payouts are made from a funded account.`,
    );
  const now = at ?? (await platformClockNow(tradingAccount.platform));
  const [standing, compliance, previous, steps, challengeFee] = await Promise.all([
    getAccountStanding(db, tradingAccount.id),
    complianceStatus(db, challenge.traderId, { deskId: challenge.deskId, now }),
    payouts.listChallengePayouts(db, challengeId),
    payouts.listScalingSteps(db, challengeId),
    challengeFeeOf(db, challengeId),
  ]);
  const scalingLevel = steps.length;
  const profitBaseline = tradingAccount.initialBalance + steps.reduce((s, x) => s + x.increase, 0n);
  const made = previous.filter((p) => counted.has(p.status));
  const inProgress = previous.find((p) => open.has(p.status)) ?? null;
  const anchor = previous.filter((p) => p.status !== "rejected" && p.status !== "cancelled").at(-1) ?? null;
  const cycleStartDay = anchor ? anchor.requestedAt.toISOString().slice(0, 10) : null;
  const live = previous.filter((p) => p.status !== "rejected" && p.status !== "cancelled");
  const phaseResults = terms.phaseProfitShare ? await phaseResultsOf(db, challengeId, compiled.phases) : [];
  const eligibility = checkPayoutEligibility(
    {
      terms,
      account: {
        status: challenge.status,
        firstFundedTradeAt: standing.firstTradeAt?.toISOString() ?? null,
        openPositions: standing.flat ? 0 : Math.max(1, standing.openPositions),
        pendingOrders: 0,
        balance: standing.balance,
        profitBaseline,
        scalingLevel,
      },
      payouts: {
        previousCount: made.length,
        lastRequestedAt: anchor?.requestedAt.toISOString() ?? null,
        inProgressId: inProgress?.reference ?? null,
      },
      kyc: kycOf(compliance),
      desk: { kycMaxAgeDays: compliance.kycMaxAgeDays },
      cycleDailyProfits: standing.dayProfits
        .filter((d) => cycleStartDay === null || d.day >= cycleStartDay)
        .map((d) => ({ day: d.day, profit: d.profit })),
      challengeFee,
      feeAlreadyRefunded: live.some((p) => p.feeRefund > 0n),
      phaseResults,
      phaseShareAlreadyPaid: live.some((p) => p.phaseProfitShare > 0n),
      compliance: {
        openFraudFlagIds: [...new Set(compliance.openFraudFlags.map((f) => f.kind.replaceAll("_", " ")))],
        sanctionsMatch: compliance.sanctions.status !== "clear",
      },
    },
    now.toISOString(),
  );
  return {
    now,
    challenge,
    tradingAccount,
    terms,
    standing,
    compliance,
    previous,
    scalingLevel,
    profitBaseline,
    challengeFee,
    eligibility,
  };
}
