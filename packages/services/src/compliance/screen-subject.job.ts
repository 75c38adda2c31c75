import { dataLayer, kyc, sanctions } from "@propdesk/db";
import type { JobHandler } from "../jobs/define-job";
import { screenSubject, screenTrader, sharedScreener } from "./sanctions-screening";

/** Idempotent: screening twice against one list version leaves the same review state. */
const handler: JobHandler<{
  subjectType: "trader" | "affiliate" | "payee";
  subjectId: string;
  trigger: "sign_up" | "kyc_approval" | "manual";
}> = async (payload, ctx) => {
  const screener = await sharedScreener();
  await dataLayer().withTenant(ctx.tenantId, async (db) => {
    if (payload.subjectType === "trader") {
      // At KYC approval, screen the name, date of birth and country the provider verified.
      const verified =
        payload.trigger === "kyc_approval"
          ? await kyc.latestApprovedVerification(db, payload.subjectId)
          : null;
      const r = await screenTrader(db, screener, payload.subjectId, payload.trigger, {
        name: verified?.verifiedName ?? null,
        dob: verified?.verifiedDob ?? null,
        country: verified?.verifiedCountry ?? null,
      });
      ctx.log.info({ trader: payload.subjectId, status: r.status }, "trader screened");
      return;
    }
    const review = await sanctions.findReview(db, payload.subjectType, payload.subjectId);
    if (!review) return;
    await screenSubject(
      db,
      screener,
      { subjectType: payload.subjectType, subjectId: payload.subjectId, fullName: review.subjectName },
      payload.trigger,
    );
  });
};

export default handler;
