import { dataLayer } from "@propdesk/db";
import type { ProgramInput } from "@propdesk/domain/programs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCheckout } from "../checkout/start-checkout";
import { complianceStatus } from "../compliance/compliance-status";
import { updateDeskCommerceSettings } from "../compliance/desk-commerce-settings";
import { createLogger } from "../logging/logger";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import {
  type CommerceHarness,
  catalogueFixture,
  commerceHarness,
  drainJobs,
} from "../testing/commerce-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { postJson } from "../testing/stripe-standin";
import { addKycNote, decideKyc, kycCase, kycQueue } from "./kyc-review";
import { traderKycStatus } from "./kyc-status";
import { requestKycEffect } from "./kyc-verification";

let t: TenantFixture;
let h: CommerceHarness;
let cat: Awaited<ReturnType<typeof catalogueFixture>>;

beforeAll(async () => {
  t = await tenantFixture("kyc");
  h = await commerceHarness(t);
  const { programId } = await programFixture(t, "two-step-cfd");
  cat = await catalogueFixture(t, programId);
  const owner = await signIn(t, t.owner.email);
  await updateDeskCommerceSettings(owner.principal, t.deskId, {
    kycRequiredAt: "purchase",
    kycMaxAgeDays: "365",
  });
});
afterAll(async () => {
  await h.close();
});

const jobs = [
  "payments.process-stripe-event",
  "payments.execute-refund",
  "kyc.process-callback",
  "compliance.screen-subject",
  "fraud.evaluate-trader",
];
async function settle() {
  await h.stripe.idle();
  await h.kyc.idle();
  await drainJobs(t.tenantId, { only: jobs });
}

async function challengeOf(orderId: string) {
  return dataLayer().withTenant(t.tenantId, async (db) => {
    const order = await db.order.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: t.tenantId, id: orderId } },
    });
    const challenge = await db.challenge.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: t.tenantId, id: order.challengeId! } },
    });
    return { order, challenge };
  });
}

/** Buys a challenge on the desk (which requires KYC at purchase) and lets the request_kyc effect run. */
async function buyAndRequestKyc(name: string) {
  const trader = await traderFixture(t, "kyc", { name });
  await drainJobs(t.tenantId, { only: ["compliance.screen-subject"] });
  const started = await startCheckout(
    trader.principal,
    { productId: cat.product.id },
    { returnBase: `http://${t.hostname}` },
  );
  h.stripe.pay(started.checkoutUrl!.split("/").pop()!);
  await settle();
  const { challenge } = await challengeOf(started.orderId);
  await requestKycEffect({ tenantId: t.tenantId, challengeId: challenge.id });
  const applicant = [...h.kyc.applicants.values()].find((a) => a.externalUserId === trader.traderId)!;
  return { trader, started, challenge, applicant };
}

describe("KYC at purchase", () => {
  it("a purchase waits for KYC; the vendor's signed approval provisions it and re-screens with the verified details", async () => {
    const { trader, started, challenge, applicant } = await buyAndRequestKyc("Maria Lindqvist");
    expect(challenge.status).toBe("kyc_pending");
    const sold = await dataLayer().withTenant(t.tenantId, (db) =>
      db.programVersion.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: t.tenantId, id: challenge.programVersionId } },
      }),
    );
    expect((sold.definition as ProgramInput).kycRequired).toBe(true);
    let status = await traderKycStatus(trader.principal);
    expect(status).toMatchObject({
      status: "pending",
      next: "continue",
      required: true,
      waitingChallenges: [challenge.reference],
    });

    // The trader opens the vendor's link and submits documents; the vendor approves.
    const v = await dataLayer().withTenant(t.tenantId, (db) =>
      db.kycVerification.findFirstOrThrow({ where: { traderId: trader.traderId } }),
    );
    const page = await fetch(v.verificationUrl!);
    expect(await page.text()).toContain("Verify your identity");
    const submitted = await fetch(v.verificationUrl!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        firstName: "Maria",
        lastName: "Lindqvist",
        dob: "1988-04-02",
        country: "SE",
      }),
    });
    expect(await submitted.text()).toContain("Documents submitted");
    await settle();
    status = await traderKycStatus(trader.principal);
    expect(status).toMatchObject({ status: "pending", next: "wait" });
    h.kyc.review(applicant.id, { answer: "GREEN" });
    await settle();

    const after = await challengeOf(started.orderId);
    expect(after.challenge.status).toBe("provisioned");
    const cs = await dataLayer().withTenant(t.tenantId, (db) => complianceStatus(db, trader.traderId));
    expect(cs.kyc).toMatchObject({ status: "approved", fresh: true });
    expect(cs.kycRequiredAt).toBe("purchase");
    const screenings = await dataLayer().withTenant(t.tenantId, (db) =>
      db.sanctionsScreening.findMany({
        where: { review: { subjectId: trader.traderId } },
        orderBy: { screenedAt: "asc" },
      }),
    );
    expect(screenings.map((s) => s.trigger)).toEqual(["sign_up", "kyc_approval"]);
    expect(screenings[1]!.query).toMatchObject({
      fullName: "Maria Lindqvist",
      dob: "1988-04-02",
      country: "SE",
    });
  });

  it("replayed, forged and stale callbacks change nothing", async () => {
    const { trader, applicant } = await buyAndRequestKyc("Jonas Berg");
    h.kyc.submit(applicant.id);
    h.kyc.review(applicant.id, { answer: "GREEN" });
    await settle();
    const approved = h.kyc.callbacks
      .filter((c) => c.applicantId === applicant.id && c.type === "applicantReviewed")
      .at(-1)!;
    const replay = await h.kyc.send(`${h.receiverUrl}/kyc`, approved.body, approved.digest);
    expect(JSON.parse(replay.responseBody)).toMatchObject({ duplicate: true });
    const forged = await h.kyc.send(
      `${h.receiverUrl}/kyc`,
      approved.body.replace("GREEN", "RED"),
      approved.digest,
    );
    expect(forged.status).toBe(401);
    // A correctly signed "pending" from before the approval, arriving late.
    const stale = h.kyc.callbackPayload(
      { ...applicant, review: { reviewStatus: "pending" } },
      "applicantPending",
      Date.now() - 3_600_000,
    );
    expect(
      (
        await postJson(`${h.receiverUrl}/kyc`, stale.body, {
          "X-Payload-Digest": stale.digest,
          "X-Payload-Digest-Alg": "HMAC_SHA256_HEX",
        })
      ).status,
    ).toBe(200);
    await settle();
    const v = await dataLayer().withTenant(t.tenantId, (db) =>
      db.kycVerification.findFirstOrThrow({ where: { traderId: trader.traderId } }),
    );
    expect(v.status).toBe("approved");
    const deliveries = await dataLayer().withTenant(t.tenantId, (db) =>
      db.webhookDelivery.findMany({
        where: { provider: "sumsub", type: "applicantPending" },
        orderBy: { receivedAt: "desc" },
        take: 1,
      }),
    );
    expect(deliveries[0]!.outcome).toMatch(/^ignored: older than/);
  });

  it("a resubmission request shows the reasons; a final rejection cancels the challenge and refunds it", async () => {
    const { trader, started, applicant } = await buyAndRequestKyc("Pieter de Vries");
    h.kyc.submit(applicant.id);
    h.kyc.review(applicant.id, {
      answer: "RED",
      rejectType: "RETRY",
      labels: ["UNSATISFACTORY_PHOTOS"],
      clientComment: "The photo is blurry.",
    });
    await settle();
    let status = await traderKycStatus(trader.principal);
    expect(status).toMatchObject({
      status: "resubmission_requested",
      next: "resubmit",
      comment: "The photo is blurry.",
    });
    expect(status.reasons).toEqual(["The photos are blurry or cut off."]);
    expect((await challengeOf(started.orderId)).challenge.status).toBe("kyc_pending");

    h.kyc.review(applicant.id, { answer: "RED", rejectType: "FINAL", labels: ["FORGERY"] });
    await settle();
    status = await traderKycStatus(trader.principal);
    expect(status).toMatchObject({ status: "rejected", next: "contact_support" });
    const { challenge, order } = await challengeOf(started.orderId);
    expect(challenge.status).toBe("cancelled");
    expect(order).toMatchObject({ status: "refunded", amountRefunded: order.total });
  });
});

describe("manual review by compliance", () => {
  it("approves a case with a document note; a decision needs reasons for the trader", async () => {
    const { trader, started, challenge } = await buyAndRequestKyc("Ana Kovač");
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const queue = await kycQueue(compliance.principal, {});
    const row = queue.rows.find((r) => r.trader.id === trader.traderId)!;
    expect(row).toMatchObject({ status: "pending", provider: "sumsub" });
    await expect(
      decideKyc(compliance.principal, row.id, { decision: "reject", note: "document forged" }),
    ).rejects.toThrow(/labels: Choose at least one reason/);
    await addKycNote(compliance.principal, row.id, {
      note: "Video call, passport matches the selfie.",
      documentType: "video_call",
    });
    await decideKyc(compliance.principal, row.id, {
      decision: "approve",
      note: "Approved after the video call.",
      documentType: "passport",
    });
    const c = await kycCase(compliance.principal, row.id);
    expect(c.verification).toMatchObject({
      status: "approved",
      decidedBy: "staff",
      decidedByLabel: compliance.principal.email,
    });
    expect(c.verification.notes.map((n) => n.documentType)).toEqual(["video_call", "passport"]);
    expect((await challengeOf(started.orderId)).challenge.status).toBe("provisioned");
    void challenge;
    const support = await signIn(t, (await staffFixture(t, "support")).email);
    await expect(kycQueue(support.principal, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("an approval older than the desk's maximum age is requested again", async () => {
    const trader = await traderFixture(t, "old", { name: "Lena Holm" });
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const { requestKycByStaff } = await import("./kyc-review");
    const first = await requestKycByStaff(compliance.principal, trader.traderId);
    await decideKyc(compliance.principal, first.id, { decision: "approve", note: "Passport checked." });
    await dataLayer().withTenant(t.tenantId, (db) =>
      db.kycVerification.update({
        where: { tenantId_id: { tenantId: t.tenantId, id: first.id } },
        data: { approvedAt: new Date(Date.now() - 400 * 86_400_000) },
      }),
    );
    const cs = await dataLayer().withTenant(t.tenantId, (db) => complianceStatus(db, trader.traderId));
    expect(cs.kyc).toMatchObject({ status: "approved", fresh: false });
    expect((await traderKycStatus(trader.principal)).next).toBe("reverify");
    const { ensureVerification } = await import("./kyc-verification");
    const again = await ensureVerification(t.tenantId, trader.traderId, "before_first_payout");
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ status: "pending", reason: "reverification" });
    const cs2 = await dataLayer().withTenant(t.tenantId, (db) => complianceStatus(db, trader.traderId));
    expect(cs2.kyc.status).toBe("pending");
    expect(cs2.kyc.approvedAt).not.toBeNull();
  });
});

describe("KYC before the funded account", () => {
  it("passing the last evaluation phase asks an unverified trader to verify", async () => {
    const owner = await signIn(t, t.owner.email);
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "before_funded",
      kycMaxAgeDays: "365",
    });
    const { programId } = await programFixture(t, "two-step-cfd");
    const trader = await traderFixture(t, "funded", { name: "Paul Weber" });
    const { assignChallenge, applyChallengeEvent } = await import("../challenges/challenge-lifecycle");
    const { effectHandlers } = await import("../challenges/effect-handlers");
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "test",
    });
    expect(challenge.status).toBe("purchased");
    const ev = (type: "account_ready" | "phase_started" | "phase_passed") =>
      dataLayer().withTenant(t.tenantId, (db) =>
        applyChallengeEvent(db, challenge.id, {
          type,
          cause:
            type === "account_ready"
              ? { type: "provider", provider: "simulator" }
              : type === "phase_passed"
                ? { type: "rule" }
                : { type: "system" },
        }),
      );
    const ctx = {
      tenantId: t.tenantId,
      challengeId: challenge.id,
      eventSeq: 0,
      effectIndex: 0,
      jobId: "x",
      attempt: 1,
      log: createLogger("t", "silent"),
    };
    const passed = { type: "notify_trader" as const, topic: "phase_passed" as const };
    for (const step of ["account_ready", "phase_started", "phase_passed"] as const) await ev(step);
    await effectHandlers.notify_trader!(passed, ctx);
    const count = () =>
      dataLayer().withTenant(t.tenantId, (db) =>
        db.kycVerification.count({ where: { traderId: trader.traderId } }),
      );
    expect(await count()).toBe(0); // the next phase is another evaluation
    for (const step of ["account_ready", "phase_started", "phase_passed"] as const) await ev(step);
    await effectHandlers.notify_trader!(passed, ctx);
    const v = await dataLayer().withTenant(t.tenantId, (db) =>
      db.kycVerification.findFirstOrThrow({ where: { traderId: trader.traderId } }),
    );
    expect(v).toMatchObject({ status: "pending", reason: "before_funded", provider: "sumsub" });
    expect((await traderKycStatus(trader.principal)).required).toBe(true);
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "purchase",
      kycMaxAgeDays: "365",
    });
  });
});
