import { commerceSettings, fraud, kyc, sanctions, type TenantDb, traders } from "@propdesk/db";
import { AppError } from "@propdesk/domain";

export type KycStatus = "none" | "pending" | "approved" | "rejected" | "resubmission_requested";
export type KycRequiredAt = "purchase" | "before_funded" | "before_first_payout";
export type SanctionsStatus = "clear" | "potential_match" | "confirmed_match";

export const kycRequiredAtValues: readonly KycRequiredAt[] = [
  "purchase",
  "before_funded",
  "before_first_payout",
];
export const defaultDeskCommerceSettings = {
  kycRequiredAt: "before_first_payout" as KycRequiredAt,
  kycMaxAgeDays: 365,
};

export interface ComplianceStatus {
  traderId: string;
  kyc: {
    status: KycStatus;
    /** When the most recent approved verification was approved (kept while a re-verification runs). */
    approvedAt: Date | null;
    /** Approved, and not older than `kycMaxAgeDays`: what a payout needs. */
    fresh: boolean;
    verificationId: string | null;
  };
  sanctions: {
    status: SanctionsStatus;
    /** A confirmed match: no purchase, no payout. */
    blocksPurchasesAndPayouts: boolean;
    /** Whether the trader was screened at all yet. */
    screened: boolean;
    lastScreenedAt: Date | null;
  };
  /** Fraud signals that fired and were not dismissed (open, or confirmed by compliance). */
  openFraudFlags: Array<{
    id: string;
    kind: string;
    severity: string;
    status: string;
    reason: string;
    relatedTraderIds: string[];
  }>;
  /** The desk's setting (with no desk given: the strictest of the trader's desks). */
  kycRequiredAt: KycRequiredAt;
  kycMaxAgeDays: number;
}

const strictness: Record<KycRequiredAt, number> = { purchase: 0, before_funded: 1, before_first_payout: 2 };

/** An approval counts while it is no older than the desk's maximum age (payouts, funded accounts, portal). */
export function isFreshApproval(
  v: { approvedAt: Date | null } | null | undefined,
  maxAgeDays: number,
  now: Date,
): boolean {
  return !!v?.approvedAt && now.getTime() - v.approvedAt.getTime() <= maxAgeDays * 86_400_000;
}

/** The desk settings that apply to a trader: the desk's own, or the strictest of the trader's desks. */
export async function kycPolicyFor(
  db: TenantDb,
  deskIds: readonly string[],
): Promise<{ kycRequiredAt: KycRequiredAt; kycMaxAgeDays: number }> {
  const rows = deskIds.length ? await commerceSettings.listDeskCommerceSettings(db, deskIds) : [];
  // A desk without a settings row has the defaults.
  const all = [
    ...rows.map((r) => ({ kycRequiredAt: r.kycRequiredAt as KycRequiredAt, kycMaxAgeDays: r.kycMaxAgeDays })),
    ...(rows.length < Math.max(1, new Set(deskIds).size) ? [defaultDeskCommerceSettings] : []),
  ];
  const policy = { ...all[0]! };
  for (const r of all) {
    if (strictness[r.kycRequiredAt] < strictness[policy.kycRequiredAt])
      policy.kycRequiredAt = r.kycRequiredAt;
    policy.kycMaxAgeDays = Math.min(policy.kycMaxAgeDays, r.kycMaxAgeDays);
  }
  return policy;
}

/**
 * Where a trader stands on identity verification, sanctions and fraud: what purchases check and
 * what the payout side reads before paying. `deskId` picks the desk whose KYC setting applies.
 */
export async function complianceStatus(
  db: TenantDb,
  traderId: string,
  opts: { deskId?: string; now?: Date } = {},
): Promise<ComplianceStatus> {
  const trader = await traders.findTrader(db, traderId);
  if (!trader) throw new AppError("NOT_FOUND", "That trader does not exist.");
  const now = opts.now ?? new Date();
  const [current, approved, review, flags, policy] = await Promise.all([
    kyc.currentVerification(db, traderId),
    kyc.latestApprovedVerification(db, traderId),
    sanctions.findReview(db, "trader", traderId),
    fraud.listFlags(db, { traderId, statuses: ["open", "confirmed"], take: 100 }),
    kycPolicyFor(db, opts.deskId ? [opts.deskId] : trader.desks.map((d) => d.deskId)),
  ]);
  const approvedAt = approved?.approvedAt ?? null;
  const status = (current?.status as KycStatus | undefined) ?? "none";
  const fresh = isFreshApproval(approved, policy.kycMaxAgeDays, now);
  const sanctionsStatus = (review?.status as SanctionsStatus | undefined) ?? "clear";
  return {
    traderId,
    kyc: { status, approvedAt, fresh, verificationId: current?.id ?? null },
    sanctions: {
      status: sanctionsStatus,
      blocksPurchasesAndPayouts: sanctionsStatus === "confirmed_match",
      screened: review?.lastScreenedAt != null,
      lastScreenedAt: review?.lastScreenedAt ?? null,
    },
    openFraudFlags: flags.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      status: f.status,
      reason: f.reason,
      relatedTraderIds: f.relatedTraderIds,
    })),
    kycRequiredAt: policy.kycRequiredAt,
    kycMaxAgeDays: policy.kycMaxAgeDays,
  };
}
