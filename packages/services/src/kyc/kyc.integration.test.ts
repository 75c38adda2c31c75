import { dataLayer } from "@propdesk/db";
import type { ProgramInput } from "@propdesk/domain/programs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffPrincipal } from "../auth/staff-auth";
import { applyChallengeEvent, assignChallenge } from "../challenges/challenge-lifecycle";
import { traderChallenge } from "../challenges/challenge-queries";
import { startCheckout } from "../checkout/start-checkout";
import { complianceStatus } from "../compliance/compliance-status";
import { updateDeskCommerceSettings } from "../compliance/desk-commerce-settings";
import { createLogger } from "../logging/logger";
import { saveProgramVersion } from "../programs/program-admin";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import {
  type CommerceHarness,
  catalogueFixture,
  commerceHarness,
  drainJobs,
} from "../testing/commerce-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { approveKyc } from "../testing/payout-fixtures";
import { installTestSimulator } from "../testing/risk-fixtures";
import { postJson } from "../testing/stripe-standin";
import { addKycNote, decideKyc, kycCase, kycQueue } from "./kyc-review";
import { traderKycStatus } from "./kyc-status";
import { requestKycEffect } from "./kyc-verification";

const log = createLogger("test", "silent");
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
  // One simulator for the tenant: a new one would number its accounts from 1 again.
  beforeAll(() => {
    installTestSimulator();
  });

  it("holds the funded account until the trader is verified; the vendor's approval opens it", async () => {
    const owner = await signIn(t, t.owner.email);
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "before_funded",
      kycMaxAgeDays: "365",
    });
    const { programId } = await programFixture(t, "two-step-cfd");
    const trader = await traderFixture(t, "funded", { name: "Paul Weber" });
    const { challenge, passPhase, verifications } = await assignedChallenge(
      owner.principal,
      trader,
      programId,
    );

    // Both evaluation accounts open at once: the hold is for the funded account only.
    expect(await stateOf(challenge.id)).toMatchObject({ status: "active", phaseIndex: 0, accounts: [0] });
    await passPhase();
    expect(await stateOf(challenge.id)).toMatchObject({ status: "active", phaseIndex: 1, accounts: [0, 1] });
    expect(await verifications()).toHaveLength(0);

    await passPhase();
    expect(await stateOf(challenge.id)).toMatchObject({ status: "awaiting_next_phase", accounts: [0, 1] });
    const [v] = await verifications();
    expect(v).toMatchObject({ status: "pending", reason: "before_funded", provider: "sumsub" });
    expect((await traderKycStatus(trader.principal)).required).toBe(true);
    expect((await traderChallenge(trader.principal, challenge.id)).awaitsKyc).toBe(true);

    // The effect running again (a retried job) still holds, and opens no second case.
    await runChallengeEffectAgain(challenge.id, 2);
    expect(await stateOf(challenge.id)).toMatchObject({ status: "awaiting_next_phase", accounts: [0, 1] });
    expect(await verifications()).toHaveLength(1);

    // A request for new documents keeps it held; the vendor's approval opens the funded account.
    const applicant = [...h.kyc.applicants.values()].find((a) => a.externalUserId === trader.traderId)!;
    h.kyc.submit(applicant.id);
    h.kyc.review(applicant.id, { answer: "RED", rejectType: "RETRY", labels: ["UNSATISFACTORY_PHOTOS"] });
    await settle();
    await drainJobs(t.tenantId, { only: ["challenges.apply-effects"] });
    expect(await stateOf(challenge.id)).toMatchObject({ status: "awaiting_next_phase", accounts: [0, 1] });
    h.kyc.submit(applicant.id);
    h.kyc.review(applicant.id, { answer: "GREEN" });
    await settle();
    await drainJobs(t.tenantId, { only: ["challenges.apply-effects"] });
    expect(await stateOf(challenge.id)).toMatchObject({
      status: "funded",
      phaseIndex: 2,
      accounts: [0, 1, 2],
    });
    expect((await traderChallenge(trader.principal, challenge.id)).awaitsKyc).toBe(false);
  });

  it("a verified trader's funded account opens at once; a desk dropping the setting releases held ones", async () => {
    const owner = await signIn(t, t.owner.email);
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "before_funded",
      kycMaxAgeDays: "365",
    });
    const { programId } = await programFixture(t, "two-step-cfd");
    const verified = await traderFixture(t, "verified", { name: "Ines Duarte" });
    await dataLayer().withTenant(t.tenantId, (db) => approveKyc(db, verified.traderId));
    const a = await assignedChallenge(owner.principal, verified, programId);
    await a.passPhase();
    await a.passPhase();
    expect(await stateOf(a.challenge.id)).toMatchObject({ status: "funded", accounts: [0, 1, 2] });

    const held = await traderFixture(t, "held", { name: "Jonas Berg" });
    const b = await assignedChallenge(owner.principal, held, programId);
    await b.passPhase();
    await b.passPhase();
    expect(await stateOf(b.challenge.id)).toMatchObject({ status: "awaiting_next_phase", accounts: [0, 1] });
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "before_first_payout",
      kycMaxAgeDays: "365",
    });
    await drainJobs(t.tenantId, { only: ["challenges.apply-effects"] });
    expect(await stateOf(b.challenge.id)).toMatchObject({ status: "funded", accounts: [0, 1, 2] });
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "purchase",
      kycMaxAgeDays: "365",
    });
  });
  it("an instant-funding challenge (its only phase funded) is held from purchase until verification", async () => {
    const owner = await signIn(t, t.owner.email);
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "before_funded",
      kycMaxAgeDays: "365",
    });
    const { programId, versionId } = await programFixture(t, "instant-funding");
    const v1 = await dataLayer().withTenant(t.tenantId, (db) =>
      db.programVersion.findFirstOrThrow({ where: { id: versionId } }),
    );
    // This program does not ask for KYC itself: the desk's setting is what holds the account.
    await saveProgramVersion(owner.principal, programId, {
      ...(v1.definition as object),
      kycRequired: false,
    });
    const trader = await traderFixture(t, "instant", { name: "Lena Vogt" });
    const { challenge, verifications } = await assignedChallenge(owner.principal, trader, programId);
    expect(await stateOf(challenge.id)).toMatchObject({ status: "provisioned", accounts: [] });
    expect(await verifications()).toMatchObject([{ status: "pending", reason: "before_funded" }]);
    const applicant = [...h.kyc.applicants.values()].find((a) => a.externalUserId === trader.traderId)!;
    h.kyc.submit(applicant.id);
    h.kyc.review(applicant.id, { answer: "GREEN" });
    await settle();
    await drainJobs(t.tenantId, { only: ["challenges.apply-effects"] });
    expect(await stateOf(challenge.id)).toMatchObject({ status: "funded", phaseIndex: 0, accounts: [0] });
    await updateDeskCommerceSettings(owner.principal, t.deskId, {
      kycRequiredAt: "purchase",
      kycMaxAgeDays: "365",
    });
  });
});

/** A two-step challenge assigned by staff and provisioned; `passPhase` passes the running phase. */
async function assignedChallenge(
  staff: StaffPrincipal,
  trader: Awaited<ReturnType<typeof traderFixture>>,
  programId: string,
) {
  const { challenge } = await assignChallenge(staff, {
    traderId: trader.traderId,
    programId,
    reason: "test",
  });
  const effects = () => drainJobs(t.tenantId, { only: ["challenges.apply-effects"] });
  await effects();
  return {
    challenge,
    passPhase: async () => {
      await dataLayer().withTenant(t.tenantId, (db) =>
        applyChallengeEvent(db, challenge.id, {
          type: "phase_passed",
          cause: { type: "rule", rule: "profit_target" },
        }),
      );
      await effects();
    },
    verifications: () =>
      dataLayer().withTenant(t.tenantId, (db) =>
        db.kycVerification.findMany({ where: { traderId: trader.traderId } }),
      ),
  };
}

async function stateOf(challengeId: string) {
  return dataLayer().withTenant(t.tenantId, async (db) => {
    const c = await db.challenge.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: t.tenantId, id: challengeId } },
      include: {
        tradingAccounts: { where: { platformAccountId: { not: null } }, orderBy: { phaseIndex: "asc" } },
      },
    });
    return {
      status: c.status,
      phaseIndex: c.phaseIndex,
      accounts: c.tradingAccounts.map((a) => a.phaseIndex),
    };
  });
}

async function runChallengeEffectAgain(challengeId: string, phase: number) {
  const { effectHandlers } = await import("../challenges/effect-handlers");
  await effectHandlers.provision_account!(
    { type: "provision_account", phase },
    { tenantId: t.tenantId, challengeId, eventSeq: 1, effectIndex: 0, jobId: "retry", attempt: 2, log },
  );
}
