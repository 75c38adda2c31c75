import { dataLayer, kyc, orders } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { callbackTime, type KycCallbackPayload } from "./kyc-callbacks";
import { kycAccess } from "./kyc-connection";
import type { KycApplicant } from "./kyc-provider";
import { applyKycDecision, type KycDecision, verifiedDetails } from "./kyc-verification";

/**
 * Applies a vendor callback. Callbacks are applied in the vendor's time order: one older than the
 * last applied for the verification changes nothing (a late "pending" never undoes an approval).
 * An approval reads the applicant's verified name, date of birth and country for screening.
 */
const handler: JobHandler<{ deliveryId: string }> = async (payload, ctx) => {
  const loaded = await dataLayer().withTenant(ctx.tenantId, async (db) => {
    const delivery = await orders.findWebhookDelivery(db, payload.deliveryId);
    if (!delivery || delivery.processedAt) return null;
    const p = delivery.payload as unknown as KycCallbackPayload;
    const v = await kyc.findVerificationByApplicant(db, "sumsub", p.applicantId);
    return { delivery, p, v, access: await kycAccess(db) };
  });
  if (!loaded) return;
  const { p, v, access } = loaded;
  const done = (outcome: string) =>
    dataLayer().withTenant(ctx.tenantId, (db) =>
      orders.markWebhookProcessed(db, payload.deliveryId, outcome),
    );
  if (!v) {
    // "applicantCreated" is sent while PropDesk is still storing the applicant: nothing to do.
    if (p.type === "applicantCreated") return void (await done("ignored: applicant created"));
    throw new Error(`No verification for applicant ${p.applicantId} yet; retrying.`);
  }
  const at = callbackTime(p) ?? new Date();
  let decision: Omit<KycDecision, "at" | "by" | "byLabel" | "cause"> | null = null;
  let applicant: KycApplicant | null = null;
  const answer = p.reviewResult?.reviewAnswer;
  if (p.type === "applicantPending" || p.type === "applicantOnHold")
    decision = { status: "pending", documentsSubmitted: p.type === "applicantPending" };
  else if (p.type === "applicantReviewed" && answer === "GREEN") {
    applicant = access ? await access.provider.applicant(p.applicantId).catch(() => null) : null;
    decision = { status: "approved", verified: verifiedDetails(applicant) ?? {} };
  } else if (p.type === "applicantReviewed" && answer === "RED") {
    const retry = p.reviewResult?.reviewRejectType === "RETRY";
    decision = {
      status: retry ? "resubmission_requested" : "rejected",
      rejectType: retry ? "RETRY" : "FINAL",
      rejectLabels: p.reviewResult?.rejectLabels ?? [],
      comment: p.reviewResult?.clientComment ?? p.reviewResult?.moderationComment ?? null,
    };
  }
  if (!decision) return void (await done(`ignored: ${p.type}`));
  await dataLayer().withTenant(ctx.tenantId, async (db) => {
    await kyc.lockVerification(db, v.id);
    const current = await kyc.findVerification(db, v.id);
    // Strictly older only: two callbacks of one millisecond both apply, in arrival order.
    if (current?.lastEventAt && at < current.lastEventAt) {
      await orders.markWebhookProcessed(
        db,
        payload.deliveryId,
        `ignored: older than the callback applied at ${current.lastEventAt.toISOString()}`,
      );
      return;
    }
    const status = await applyKycDecision(db, v.id, {
      ...decision,
      at,
      by: "provider",
      byLabel: "kyc provider",
      cause: { type: "provider", provider: "sumsub", reference: p.applicantId },
    });
    await orders.markWebhookProcessed(db, payload.deliveryId, `verification ${status}`);
  });
};

export default handler;
