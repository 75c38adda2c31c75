import { dataLayer } from "@propdesk/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChallengeEvent, assignChallenge } from "../challenges/challenge-lifecycle";
import { claimFreeRetake, startCheckout } from "../checkout/start-checkout";
import { createLogger } from "../logging/logger";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import {
  type CommerceHarness,
  catalogueFixture,
  commerceHarness,
  drainJobs,
} from "../testing/commerce-fixtures";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { createAttemptEffect, resetOfferFor } from "./reset-attempts";

let t: TenantFixture;
let h: CommerceHarness;
beforeAll(async () => {
  t = await tenantFixture("reset");
  h = await commerceHarness(t);
});
afterAll(async () => {
  await h.close();
});

const settle = async () => {
  await h.stripe.idle();
  await drainJobs(t.tenantId, {
    only: ["payments.process-stripe-event", "compliance.screen-subject", "fraud.evaluate-trader"],
  });
};

/** Drives a challenge from provisioned to failed on the daily loss rule. */
async function breach(challengeId: string) {
  await dataLayer().withTenant(t.tenantId, async (db) => {
    await applyChallengeEvent(db, challengeId, {
      type: "account_ready",
      cause: { type: "provider", provider: "simulator" },
      accountId: "SIM-1",
    });
    await applyChallengeEvent(db, challengeId, {
      type: "phase_started",
      cause: { type: "system", job: "test" },
    });
    await applyChallengeEvent(db, challengeId, {
      type: "breached",
      cause: { type: "rule", rule: "daily_loss" },
    });
  });
}

const row = (id: string) =>
  dataLayer().withTenant(t.tenantId, (db) =>
    db.challenge.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id } } }),
  );

describe("resets after a breach", () => {
  it("a failed challenge is retaken at the program's discount of what was paid, as a new attempt", async () => {
    const { programId } = await programFixture(t, "two-step-cfd");
    const { product } = await catalogueFixture(t, programId);
    const trader = await traderFixture(t, "retake");
    await settle();
    const bought = await startCheckout(
      trader.principal,
      { productId: product.id },
      { returnBase: "http://x" },
    );
    h.stripe.pay(bought.checkoutUrl!.split("/").pop()!);
    await settle();
    const first = await dataLayer().withTenant(t.tenantId, (db) =>
      db.order.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id: bought.orderId } } }),
    );
    await breach(first.challengeId!);
    const offer = await dataLayer().withTenant(t.tenantId, (db) => resetOfferFor(db, first.challengeId!));
    // two-step-cfd: resets at 10% off; 549.00 * 90% = 494.10.
    expect(offer).toMatchObject({ attempt: 2, pricePct: 90, free: false, amount: 49_410n, currency: "USD" });

    const retake = await startCheckout(
      trader.principal,
      { challengeId: first.challengeId },
      { returnBase: "http://x", reset: true },
    );
    h.stripe.pay(retake.checkoutUrl!.split("/").pop()!);
    await settle();
    const order = await dataLayer().withTenant(t.tenantId, (db) =>
      db.order.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id: retake.orderId } } }),
    );
    expect(order).toMatchObject({
      kind: "reset",
      status: "paid",
      total: 49_410n,
      fulfilment: "fulfilled",
      previousChallengeId: first.challengeId,
    });
    expect((await row(first.challengeId!)).status).toBe("reset");
    expect(await row(order.challengeId!)).toMatchObject({
      origin: "reset",
      attempt: 2,
      previousChallengeId: first.challengeId,
      status: "provisioned",
    });
    // The lifecycle's create_attempt effect finds the attempt made and makes no second one.
    await createAttemptEffect(
      { attempt: 2, pricePct: 90 },
      {
        tenantId: t.tenantId,
        challengeId: first.challengeId!,
        eventSeq: 0,
        effectIndex: 0,
        jobId: "x",
        attempt: 1,
        log: createLogger("t", "silent"),
      },
    );
    const attempts = await dataLayer().withTenant(t.tenantId, (db) =>
      db.challenge.count({ where: { previousChallengeId: first.challengeId } }),
    );
    expect(attempts).toBe(1);
    expect(
      await dataLayer().withTenant(t.tenantId, (db) => resetOfferFor(db, first.challengeId!)),
    ).toBeNull();
  });

  it("a program with a free retake starts the next attempt at once; a live challenge has no offer", async () => {
    const { programId } = await programFixture(t, "futures-combine-50k");
    const trader = await traderFixture(t, "free");
    await settle();
    const owner = await signIn(t, t.owner.email);
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "combine",
    });
    expect(await dataLayer().withTenant(t.tenantId, (db) => resetOfferFor(db, challenge.id))).toBeNull();
    await expect(claimFreeRetake(trader.principal, challenge.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await breach(challenge.id);
    const next = await claimFreeRetake(trader.principal, challenge.id);
    expect(await row(next.challengeId)).toMatchObject({ origin: "reset", attempt: 2, status: "provisioned" });
    await expect(claimFreeRetake(trader.principal, challenge.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
