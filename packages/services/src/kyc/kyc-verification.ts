import { challenges, dataLayer, kyc, orders, type TenantDb, traders } from "@propdesk/db";
import { AppError, isAppError } from "@propdesk/domain";
import type { Cause, Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import { recordAudit } from "../audit/record-audit";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import { screenSubjectJob } from "../compliance/compliance-jobs";
import { isFreshApproval, kycPolicyFor } from "../compliance/compliance-status";
import { enqueue } from "../jobs/enqueue";
import { requestAutomaticRefund } from "../payments/fulfil-order";
import { resumeFundedProvisioning } from "./funded-kyc-gate";
import { kycAccess } from "./kyc-connection";
import type { KycApplicant } from "./kyc-provider";

/**
 * Identity verification cases. With a connected vendor a case is an applicant there and the
 * trader gets the vendor's verification link; without one, compliance reviews by hand. Decisions
 * (vendor callbacks or staff) move every challenge waiting on KYC: approved → provisioned (and a
 * funded account held by "KYC before funded" is opened), rejected for good → cancelled and
 * refunded; a resubmission request keeps them waiting.
 */

export type KycReason =
  | "purchase"
  | "before_funded"
  | "before_first_payout"
  | "reverification"
  | "trader"
  | "staff";
const LINK_TTL_SECONDS = 30 * 60;

type VerificationRow = NonNullable<Awaited<ReturnType<typeof kyc.currentVerification>>>;

/**
 * Makes sure the trader has a verification under way or a fresh approval, and returns it with the
 * link to continue. A rejection for good is final (compliance can start a new case).
 */
export async function ensureVerification(
  tenantId: string,
  traderId: string,
  reason: KycReason,
  opts: { now?: Date; force?: boolean } = {},
): Promise<VerificationRow> {
  const now = opts.now ?? new Date();
  const plan = await dataLayer().withTenant(tenantId, async (db) => {
    const trader = await traders.findTrader(db, traderId);
    if (!trader) throw new AppError("NOT_FOUND", "That trader does not exist.");
    const policy = await kycPolicyFor(
      db,
      trader.desks.map((d) => d.deskId),
    );
    const current = await kyc.currentVerification(db, traderId);
    const access = await kycAccess(db);
    const count = (await kyc.listTraderVerifications(db, traderId)).length;
    if (current && !opts.force) {
      if (current.status === "approved" && isFreshApproval(current, policy.kycMaxAgeDays, now))
        return { done: current };
      if (current.status === "rejected" && current.rejectType === "FINAL") return { done: current };
      if (["pending", "resubmission_requested"].includes(current.status)) {
        const linkOk = current.provider === "manual" || (current.urlExpiresAt && current.urlExpiresAt > now);
        if (linkOk) return { done: current };
        return { refresh: current, trader, access, count };
      }
    }
    return { create: true as const, trader, access, count, previous: current };
  });
  if ("done" in plan && plan.done) return plan.done;

  const trader = plan.trader!;
  const access = plan.access ?? null;
  if ("refresh" in plan && plan.refresh) {
    const v = plan.refresh;
    if (!access || !v.applicantId) return v;
    const link = await access.provider.verificationLink(v.externalUserId ?? traderId, LINK_TTL_SECONDS);
    return dataLayer().withTenant(tenantId, (db) =>
      kyc.updateVerification(db, v.id, {
        verificationUrl: link.url,
        urlExpiresAt: new Date(now.getTime() + LINK_TTL_SECONDS * 1000),
      }),
    );
  }

  // A new case: an applicant at the vendor (outside any transaction), then the row.
  let applicant: { id: string } | null = null;
  let url: string | null = null;
  const externalUserId = plan.count === 0 ? traderId : `${traderId}:${plan.count + 1}`;
  if (access) {
    const [firstName, ...rest] = trader.name.split(/\s+/);
    try {
      applicant = await access.provider.createApplicant({
        externalUserId,
        email: trader.email,
        fixedInfo: {
          ...(firstName ? { firstName } : {}),
          ...(rest.length ? { lastName: rest.join(" ") } : {}),
          ...(trader.country ? { country: trader.country } : {}),
        },
      });
    } catch (e) {
      if (!(isAppError(e) && e.code === "CONFLICT")) throw e;
      applicant = await access.provider.applicantByExternalId(externalUserId);
    }
    url = (await access.provider.verificationLink(externalUserId, LINK_TTL_SECONDS)).url;
  }
  return dataLayer().withTenant(tenantId, async (db) => {
    const again = await kyc.currentVerification(db, traderId);
    if (again && again.id !== plan.previous?.id && !opts.force) return again;
    if (
      plan.previous &&
      ["pending", "resubmission_requested", "approved", "rejected"].includes(plan.previous.status)
    )
      await kyc.updateVerification(db, plan.previous.id, {
        status: plan.previous.status === "approved" ? "approved" : "superseded",
      });
    const v = await kyc.createVerification(db, {
      traderId,
      provider: access ? "sumsub" : "manual",
      reason: plan.previous?.status === "approved" ? "reverification" : reason,
      applicantId: applicant?.id ?? null,
      externalUserId: access ? externalUserId : null,
      levelName: access?.credentials.levelName ?? null,
      verificationUrl: url,
      urlExpiresAt: url ? new Date(now.getTime() + LINK_TTL_SECONDS * 1000) : null,
    });
    await recordAudit(db, {
      actor: { type: "system", label: "kyc" },
      action: "kyc.requested",
      target: { type: "trader", id: traderId },
      after: { verification: v.id, provider: v.provider, reason: v.reason, applicant: applicant?.id ?? null },
    });
    return v;
  });
}

export interface KycDecision {
  status: "pending" | "approved" | "rejected" | "resubmission_requested";
  at: Date;
  by: "provider" | "staff";
  byLabel: string;
  cause: Cause;
  rejectLabels?: string[];
  rejectType?: "FINAL" | "RETRY" | null;
  comment?: string | null;
  verified?: { name?: string | null; dob?: Date | null; country?: string | null };
  documentsSubmitted?: boolean;
}

/**
 * Applies a review decision (or "documents submitted") to a verification in the caller's unit of
 * work, and moves the trader's challenges that wait on KYC.
 */
export async function applyKycDecision(db: TenantDb, verificationId: string, d: KycDecision) {
  await kyc.lockVerification(db, verificationId);
  const v = await kyc.findVerification(db, verificationId);
  if (!v) throw new AppError("NOT_FOUND", "That verification does not exist.");
  const finalStatus = d.status === "rejected" && d.rejectType !== "RETRY" ? "rejected" : d.status;
  await kyc.updateVerification(db, v.id, {
    status: finalStatus,
    lastEventAt: d.by === "provider" ? d.at : v.lastEventAt,
    ...(d.documentsSubmitted ? { documentsSubmittedAt: d.at } : {}),
    ...(d.status === "pending"
      ? {}
      : {
          decidedBy: d.by,
          decidedByLabel: d.byLabel,
          decidedAt: d.at,
          rejectLabels: d.rejectLabels ?? [],
          rejectType:
            d.status === "approved" ? null : (d.rejectType ?? (d.status === "rejected" ? "FINAL" : "RETRY")),
          providerComment: d.comment ?? null,
          approvedAt: d.status === "approved" ? d.at : null,
          ...(d.verified
            ? {
                verifiedName: d.verified.name ?? null,
                verifiedDob: d.verified.dob ?? null,
                verifiedCountry: d.verified.country ?? null,
              }
            : {}),
        }),
  });
  if (d.status !== "pending")
    await recordAudit(db, {
      actor:
        d.by === "staff" && d.cause.type === "staff"
          ? { type: "staff", id: d.cause.userId, label: d.byLabel }
          : { type: "provider", label: d.byLabel },
      action: `kyc.${finalStatus}`,
      target: { type: "trader", id: v.traderId },
      before: { status: v.status },
      after: {
        verification: v.id,
        status: finalStatus,
        labels: d.rejectLabels ?? [],
        comment: d.comment ?? null,
      },
    });

  const waiting = (await challenges.listTraderChallenges(db, v.traderId)).filter(
    (c) => c.status === "kyc_pending",
  );
  if (finalStatus === "approved") {
    for (const c of waiting)
      await applyChallengeEvent(
        db,
        c.id,
        { type: "kyc_approved", cause: d.cause },
        { actorLabel: d.byLabel },
      );
    await resumeFundedProvisioning(db, { traderId: v.traderId });
    await enqueue(db, screenSubjectJob, {
      subjectType: "trader",
      subjectId: v.traderId,
      trigger: "kyc_approval",
    });
  } else if (finalStatus === "rejected") {
    for (const c of waiting) {
      await applyChallengeEvent(
        db,
        c.id,
        { type: "kyc_rejected", cause: d.cause },
        { actorLabel: d.byLabel },
      );
      for (const o of await orders.findOrdersByChallenge(db, c.id))
        if (["paid", "partially_refunded"].includes(o.status))
          await requestAutomaticRefund(db, o, "Identity verification was rejected.");
    }
  }
  return finalStatus;
}

/** Verified details from the vendor's applicant (name, date of birth, country) for screening. */
export function verifiedDetails(a: KycApplicant | null) {
  if (!a?.info) return undefined;
  const name = [a.info.firstName, a.info.lastName].filter(Boolean).join(" ").trim();
  const dob =
    a.info.dob && /^\d{4}-\d{2}-\d{2}$/.test(a.info.dob) ? new Date(`${a.info.dob}T00:00:00Z`) : null;
  const country = a.info.country ? a.info.country.toUpperCase().slice(0, 3) : null;
  return { name: name || null, dob, country };
}

/**
 * The `request_kyc` effect (a challenge entered kyc_pending): a trader already verified within the
 * desk's maximum age passes at once; otherwise a verification is requested.
 */
export async function requestKycEffect(ctx: { tenantId: string; challengeId: string }): Promise<void> {
  const decided = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, ctx.challengeId);
    if (!c || (c.lifecycle as unknown as LifecycleState).state !== "kyc_pending")
      return { skip: true as const };
    const policy = await kycPolicyFor(db, [c.deskId]);
    const approved = await kyc.latestApprovedVerification(db, c.traderId);
    if (approved && isFreshApproval(approved, policy.kycMaxAgeDays, new Date())) {
      await applyChallengeEvent(
        db,
        c.id,
        {
          type: "kyc_approved",
          cause: { type: "provider", provider: "kyc", reference: `verification:${approved.id}` },
        },
        { actorLabel: "kyc (verified earlier)" },
      );
      return { skip: true as const };
    }
    return { skip: false as const, traderId: c.traderId };
  });
  if (!decided.skip) await ensureVerification(ctx.tenantId, decided.traderId, "purchase");
}
