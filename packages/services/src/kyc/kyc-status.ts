import { challenges, dataLayer, kyc } from "@propdesk/db";
import { isFreshApproval, kycPolicyFor } from "../compliance/compliance-status";
import type { TraderPrincipal } from "../traders/trader-auth";
import { ensureVerification } from "./kyc-verification";

/** Reason codes vendors send, in words a trader can act on. */
export const kycReasonText: Record<string, string> = {
  DOCUMENT_PAGE_MISSING: "A page of the document is missing.",
  UNSATISFACTORY_PHOTOS: "The photos are blurry or cut off.",
  SCREENSHOTS: "Screenshots are not accepted; take a photo of the document itself.",
  EXPIRATION_DATE: "The document has expired.",
  DOCUMENT_DAMAGED: "The document is damaged.",
  SELFIE_MISMATCH: "The selfie does not match the document photo.",
  PROBLEMATIC_APPLICANT_DATA: "The details entered differ from the document.",
  FORGERY: "The document could not be accepted.",
  BLACKLIST: "We cannot verify this identity.",
  WRONG_USER_REGION: "We cannot serve residents of this country.",
  ADDITIONAL_DOCUMENT_REQUIRED: "Another document is needed.",
  UNDERAGE_PERSON: "You must be of legal age.",
};

/**
 * The trader portal's view of identity verification: the status, why it is needed and what to do
 * next (start, continue on the provider's page, upload again, wait, or contact support).
 */
export async function traderKycStatus(principal: TraderPrincipal) {
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [current, approved, policy, list] = await Promise.all([
      kyc.currentVerification(db, principal.traderId),
      kyc.latestApprovedVerification(db, principal.traderId),
      kycPolicyFor(db, [principal.deskId]),
      challenges.listTraderChallenges(db, principal.traderId),
    ]);
    const now = new Date();
    const waiting = list.filter((c) => c.status === "kyc_pending").map((c) => c.reference);
    const funded = list.some((c) => c.status === "funded" || c.status === "awaiting_next_phase");
    const fresh = isFreshApproval(approved, policy.kycMaxAgeDays, now);
    const status = current?.status ?? "none";
    const required =
      waiting.length > 0 ||
      policy.kycRequiredAt === "purchase" ||
      (policy.kycRequiredAt === "before_funded" && funded) ||
      (policy.kycRequiredAt === "before_first_payout" && list.some((c) => c.status === "funded"));
    let next: "start" | "continue" | "resubmit" | "wait" | "contact_support" | "none" | "reverify";
    if (status === "approved") next = fresh ? "none" : "reverify";
    else if (status === "pending")
      next = current?.documentsSubmittedAt || current?.provider === "manual" ? "wait" : "continue";
    else if (status === "resubmission_requested") next = "resubmit";
    else if (status === "rejected") next = "contact_support";
    else next = "start";
    return {
      status,
      next,
      required,
      waitingChallenges: waiting,
      policy,
      approvedAt: approved?.approvedAt ?? null,
      expiresAt: approved?.approvedAt
        ? new Date(approved.approvedAt.getTime() + policy.kycMaxAgeDays * 86_400_000)
        : null,
      provider: current?.provider ?? null,
      reasons: (current?.rejectLabels ?? []).map(
        (l) => kycReasonText[l] ?? l.replaceAll("_", " ").toLowerCase(),
      ),
      comment:
        current?.status === "resubmission_requested" || current?.status === "rejected"
          ? current.providerComment
          : null,
      documentsSubmittedAt: current?.documentsSubmittedAt ?? null,
    };
  });
}

/** The trader starts or continues verification: the provider's link (null when reviewed by hand). */
export async function startTraderVerification(principal: TraderPrincipal) {
  const v = await ensureVerification(principal.tenantId, principal.traderId, "trader");
  return { status: v.status, url: v.status === "approved" ? null : v.verificationUrl };
}
