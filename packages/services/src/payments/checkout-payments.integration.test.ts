import { dataLayer } from "@propdesk/db";
import type { Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import type { ProgramInput } from "@propdesk/domain/programs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import { startCheckout } from "../checkout/start-checkout";
import { decideSanctionsMatch, screeningQueue, screeningReview } from "../compliance/sanctions-screening";
import { createLogger } from "../logging/logger";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import {
  type CommerceHarness,
  catalogueFixture,
  commerceHarness,
  drainJobs,
} from "../testing/commerce-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { refundOrder, refundPaymentEffect } from "./refunds";

let t: TenantFixture;
let h: CommerceHarness;
let cat: Awaited<ReturnType<typeof catalogueFixture>>;

beforeAll(async () => {
  t = await tenantFixture("shop");
  h = await commerceHarness(t);
  const { programId } = await programFixture(t, "two-step-cfd");
  cat = await catalogueFixture(t, programId);
});
afterAll(async () => {
  await h.close();
});

const jobs = [
  "payments.process-stripe-event",
  "payments.execute-refund",
  "payments.sync-order",
  "compliance.screen-subject",
  "fraud.evaluate-trader",
];

async function settle() {
  await h.stripe.idle();
  await drainJobs(t.tenantId, { only: jobs });
}

async function state(orderId: string) {
  return dataLayer().withTenant(t.tenantId, async (db) => {
    const order = await db.order.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: t.tenantId, id: orderId } },
      include: { payments: true, refunds: true, disputes: true },
    });
    const challenge = order.challengeId
      ? await db.challenge.findUniqueOrThrow({
          where: { tenantId_id: { tenantId: t.tenantId, id: order.challengeId } },
        })
      : null;
    return { order, challenge, lifecycle: challenge?.lifecycle as unknown as LifecycleState | undefined };
  });
}

/** A signed-up, screened trader who checks out a product; returns the order and its session. */
async function buy(opts: { addon?: boolean; coupon?: string; name?: string } = {}) {
  const trader = await traderFixture(t, "buyer", opts.name ? { name: opts.name } : {});
  await drainJobs(t.tenantId, { only: ["compliance.screen-subject"] });
  const started = await startCheckout(
    trader.principal,
    {
      productId: cat.product.id,
      ...(opts.addon ? { addonIds: [cat.addon.id] } : {}),
      ...(opts.coupon ? { couponCode: opts.coupon } : {}),
    },
    { returnBase: `http://${t.hostname}` },
  );
  const sessionId = started.checkoutUrl!.split("/").pop()!;
  return { trader, started, sessionId };
}

describe("checkout through Stripe", () => {
  it("a coupon and an add-on are priced, the trader pays on Stripe's page, and the signed webhook creates the challenge on the terms sold", async () => {
    const { started, sessionId } = await buy({ addon: true, coupon: cat.coupon.code.toLowerCase() });
    let s = await state(started.orderId);
    // 549.00 + 20% add-on = 658.80; 10% off = 65.88; total 592.92.
    expect([s.order.subtotal, s.order.discount, s.order.total, s.order.status]).toEqual([
      65_880n,
      6_588n,
      59_292n,
      "pending",
    ]);
    expect(h.stripe.get(sessionId)).toMatchObject({ amount_total: 59_292, currency: "usd", status: "open" });
    h.stripe.pay(sessionId);
    await settle();
    s = await state(started.orderId);
    expect(s.order).toMatchObject({ status: "paid", fulfilment: "fulfilled", couponCode: cat.coupon.code });
    expect(s.order.payments[0]).toMatchObject({ status: "succeeded", amount: 59_292n, cardLast4: "4242" });
    expect(s.order.payments[0]!.paymentFingerprint).toBeTruthy();
    expect(s.challenge).toMatchObject({
      origin: "purchase",
      status: "provisioned",
      accountSize: 10_000_000n,
    });
    const sold = await dataLayer().withTenant(t.tenantId, (db) =>
      db.programVersion.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: t.tenantId, id: s.challenge!.programVersionId } },
      }),
    );
    expect((sold.definition as ProgramInput).profitSplit).toEqual({ traderPct: 90 });
    expect(sold.id).not.toBe(cat.product.programVersionId);
    const ledger = await dataLayer().withTenant(
      t.tenantId,
      (db) =>
        db.$queryRaw<
          { key: string; amount: bigint }[]
        >`SELECT idempotency_key AS key, amount FROM ledger_transfers WHERE refs->>'orderId' = ${started.orderId} ORDER BY 1`,
    );
    expect(ledger.map((l) => [l.key, l.amount])).toEqual([
      [`order:${started.orderId}:processor_fee`, 1_749n],
      [`order:${started.orderId}:purchase`, 59_292n],
    ]);
  });

  it("a bank debit completes the checkout unpaid; the challenge comes only when the debit settles, and a failed one fails the order", async () => {
    const ok = await buy();
    h.stripe.pay(ok.sessionId, { async: true });
    await settle();
    let s = await state(ok.started.orderId);
    expect([s.order.status, s.order.payments[0]?.status, s.challenge]).toEqual([
      "pending",
      "processing",
      null,
    ]);
    h.stripe.settleAsync(ok.sessionId, "succeeded");
    await settle();
    s = await state(ok.started.orderId);
    expect([s.order.status, s.challenge?.status]).toEqual(["paid", "provisioned"]);

    const ko = await buy();
    h.stripe.pay(ko.sessionId, { async: true });
    h.stripe.settleAsync(ko.sessionId, "failed");
    await settle();
    s = await state(ko.started.orderId);
    expect([s.order.status, s.order.payments[0]?.status, s.challenge]).toEqual([
      "payment_failed",
      "failed",
      null,
    ]);
    expect(s.order.payments[0]!.failureMessage).toBe("The bank declined the debit.");
  });

  it("replayed, forged and stale deliveries leave the same state", async () => {
    const { started, sessionId } = await buy();
    h.stripe.pay(sessionId);
    await settle();
    const before = await state(started.orderId);
    const completed = h.stripe.events.find(
      (e) =>
        e.type === "checkout.session.completed" &&
        (e.data as { object: { id: string } }).object.id === sessionId,
    )!;
    const [replay] = await h.stripe.redeliver(completed.id);
    expect(replay!.status).toBe(200);
    expect(JSON.parse(replay!.responseBody)).toMatchObject({ duplicate: true });
    const endpoint = [...h.stripe.accounts.values()][0]!.endpoints[0]!;
    const forged = h.stripe.signedPayload(completed, { ...endpoint, secret: "whsec_not_the_firms_secret" });
    const { postJson } = await import("../testing/stripe-standin");
    expect(
      (await postJson(`${h.receiverUrl}/stripe`, forged.payload, { "Stripe-Signature": forged.header }))
        .status,
    ).toBe(401);
    const tampered = h.stripe.signedPayload(completed, endpoint);
    const altered = tampered.payload.replace('"paid"', '"unpaid"');
    expect(
      (await postJson(`${h.receiverUrl}/stripe`, altered, { "Stripe-Signature": tampered.header })).status,
    ).toBe(401);
    // The SDK's own test signatures: with the firm's secret, accepted once (a duplicate here);
    // the same payload signed an hour ago is refused.
    const { stripeWebhooks } = await import("./stripe/stripe-client");
    const sdkSigned = (timestamp: number) =>
      stripeWebhooks().generateTestHeaderString({
        payload: tampered.payload,
        secret: h.webhookSecret,
        timestamp,
      });
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await postJson(`${h.receiverUrl}/stripe`, tampered.payload, { "Stripe-Signature": sdkSigned(now) }))
        .status,
    ).toBe(200);
    expect(
      (
        await postJson(`${h.receiverUrl}/stripe`, tampered.payload, {
          "Stripe-Signature": sdkSigned(now - 3600),
        })
      ).status,
    ).toBe(401);
    const [stale] = await h.stripe.redeliver(completed.id, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale!.status).toBe(401);
    await settle();
    const after = await state(started.orderId);
    expect(after.order.status).toBe(before.order.status);
    expect(after.challenge!.id).toBe(before.challenge!.id);
    const deliveries = await dataLayer().withTenant(t.tenantId, (db) =>
      db.webhookDelivery.findMany({ where: { externalId: completed.id } }),
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.deliveries).toBe(3);
  });

  it("a refund arriving before the completion it refers to ends where the in-order delivery ends", async () => {
    const inOrder = await buy();
    h.stripe.pay(inOrder.sessionId);
    await settle();
    const charge = h.stripe.list(
      "charge",
      (c) => c.payment_intent === h.stripe.get(inOrder.sessionId)!.payment_intent,
    )[0]!;
    h.stripe.refundFromDashboard(charge.id);
    await settle();

    const reordered = await buy();
    h.stripe.autoDeliver = false;
    h.stripe.pay(reordered.sessionId);
    const pi = h.stripe.get(reordered.sessionId)!.payment_intent as string;
    h.stripe.refundFromDashboard(h.stripe.list("charge", (c) => c.payment_intent === pi)[0]!.id);
    await h.stripe.flush((events) => [...events].reverse());
    h.stripe.autoDeliver = true;
    await settle();

    const a = await state(inOrder.started.orderId);
    const b = await state(reordered.started.orderId);
    for (const s of [a, b]) {
      expect(s.order).toMatchObject({ status: "refunded", amountRefunded: 54_900n, fulfilment: "fulfilled" });
      expect(s.challenge!.status).toBe("refunded");
      expect(s.order.refunds).toMatchObject([{ origin: "processor", status: "succeeded", amount: 54_900n }]);
    }
  });

  it("a dispute suspends the challenge; won restores it, lost fails it as a chargeback and flags the trader", async () => {
    const won = await buy();
    h.stripe.pay(won.sessionId);
    await settle();
    const chargeOf = (sessionId: string) =>
      h.stripe.list("charge", (c) => c.payment_intent === h.stripe.get(sessionId)!.payment_intent)[0]!;
    const d1 = h.stripe.openDispute(chargeOf(won.sessionId).id);
    await settle();
    let s = await state(won.started.orderId);
    expect([s.order.status, s.challenge!.status, s.lifecycle!.suspendedBy]).toEqual([
      "disputed",
      "suspended",
      "payment_dispute",
    ]);
    h.stripe.closeDispute(d1.id, "won");
    await settle();
    s = await state(won.started.orderId);
    expect([s.order.status, s.challenge!.status]).toEqual(["paid", "provisioned"]);

    const lost = await buy();
    h.stripe.pay(lost.sessionId);
    await settle();
    // The dispute opens and closes before PropDesk hears of either: it still ends failed as a chargeback.
    h.stripe.autoDeliver = false;
    const d2 = h.stripe.openDispute(chargeOf(lost.sessionId).id);
    h.stripe.closeDispute(d2.id, "lost");
    await h.stripe.flush((events) => [...events].reverse());
    h.stripe.autoDeliver = true;
    await settle();
    s = await state(lost.started.orderId);
    expect([s.order.status, s.challenge!.status, s.lifecycle!.failedRule]).toEqual([
      "charged_back",
      "failed",
      "chargeback",
    ]);
    expect(s.order.disputes).toMatchObject([{ outcome: "lost", stripeDisputeId: d2.id }]);
    const flags = await dataLayer().withTenant(t.tenantId, (db) =>
      db.fraudFlag.findMany({ where: { traderId: lost.trader.traderId } }),
    );
    expect(flags.find((f) => f.kind === "chargeback_history")).toMatchObject({
      severity: "high",
      status: "open",
    });
    // A charged-back payment cannot be refunded from the console.
    const owner = await signIn(t, t.owner.email);
    await expect(
      refundOrder(owner.principal, lost.started.orderId, { reason: "goodwill gesture" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/disputed/),
    });
  });

  it("finance refunds from the console: the challenge is refunded with the reason and Stripe refunds once", async () => {
    const { started, sessionId } = await buy();
    h.stripe.pay(sessionId);
    await settle();
    const owner = await signIn(t, t.owner.email);
    await expect(refundOrder(owner.principal, started.orderId, { reason: "no" })).rejects.toThrow(/reason/);
    await expect(
      refundOrder(owner.principal, started.orderId, { reason: "customer asked", amount: "600.00" }),
    ).rejects.toThrow(/at most 549\.00 USD/);
    expect((await state(started.orderId)).order.refunds).toHaveLength(0);
    await refundOrder(owner.principal, started.orderId, { reason: "customer asked within 14 days" });
    let s = await state(started.orderId);
    expect(s.challenge!.status).toBe("refunded");
    expect(s.order.refunds).toMatchObject([
      { status: "requested", origin: "console", reason: "customer asked within 14 days" },
    ]);
    await settle();
    s = await state(started.orderId);
    expect(s.order).toMatchObject({ status: "refunded", amountRefunded: 54_900n });
    expect(s.order.refunds).toHaveLength(1);
    expect(s.order.refunds[0]).toMatchObject({ status: "succeeded", origin: "console" });
    expect(h.stripe.list("refund", (r) => r.payment_intent === s.order.stripePaymentIntentId)).toHaveLength(
      1,
    );
    await expect(
      refundOrder(owner.principal, started.orderId, { reason: "again please" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a refund applied to the challenge elsewhere still returns the money (the refund_payment effect)", async () => {
    const { started, sessionId } = await buy();
    h.stripe.pay(sessionId);
    await settle();
    const owner = await signIn(t, t.owner.email);
    const { challengeId } = (await state(started.orderId)).order;
    await dataLayer().withTenant(t.tenantId, (db) =>
      applyChallengeEvent(db, challengeId!, {
        type: "refund",
        cause: { type: "staff", userId: owner.principal.userId, reason: "refunded from the risk desk" },
      }),
    );
    const effect = {
      tenantId: t.tenantId,
      challengeId: challengeId!,
      eventSeq: 0,
      effectIndex: 0,
      jobId: "test",
      attempt: 1,
      log: createLogger("test", "silent"),
    };
    await refundPaymentEffect(effect);
    await refundPaymentEffect(effect);
    await settle();
    const s = await state(started.orderId);
    expect(s.order).toMatchObject({ status: "refunded", amountRefunded: 54_900n });
    expect(s.order.refunds).toMatchObject([{ origin: "automatic", status: "succeeded" }]);
  });
});

describe("who may buy", () => {
  it("a trader under sanctions review cannot check out; once confirmed, never", async () => {
    const trader = await traderFixture(t, "listed", { name: "Jamileh Al Shanti" });
    await drainJobs(t.tenantId, { only: ["compliance.screen-subject"] });
    const attempt = () =>
      startCheckout(trader.principal, { productId: cat.product.id }, { returnBase: `http://${t.hostname}` });
    await expect(attempt()).rejects.toThrow(/compliance review/);
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const row = (await screeningQueue(compliance.principal, {})).rows.find(
      (r) => r.subjectId === trader.traderId,
    )!;
    const entryKey = (await screeningReview(compliance.principal, row.id)).state.pending[0]!.entryKey;
    await decideSanctionsMatch(compliance.principal, row.id, "confirm", {
      entryKey,
      reason: "Same person per passport.",
    });
    await expect(attempt()).rejects.toThrow(/cannot accept purchases/);
    const orders = await dataLayer().withTenant(t.tenantId, (db) =>
      db.order.count({ where: { traderId: trader.traderId } }),
    );
    expect(orders).toBe(0);
  });

  it("a coupon's usage limit counts open checkouts, and a 100% code delivers without Stripe", async () => {
    const { coupon } = await catalogueFixture(t, (await programFixture(t, "two-step-cfd")).programId, {
      coupon: { maxRedemptions: "1" },
    });
    const first = await traderFixture(t, "c1");
    const second = await traderFixture(t, "c2");
    await drainJobs(t.tenantId, { only: ["compliance.screen-subject"] });
    await startCheckout(
      first.principal,
      { productId: cat.product.id, couponCode: coupon.code },
      { returnBase: "http://x" },
    );
    await expect(
      startCheckout(
        second.principal,
        { productId: cat.product.id, couponCode: coupon.code },
        { returnBase: "http://x" },
      ),
    ).rejects.toThrow(/couponCode: The code .* maximum number of times/);

    const { coupon: free } = await catalogueFixture(t, (await programFixture(t, "two-step-cfd")).programId, {
      coupon: { percentOff: "100" },
    });
    const started = await startCheckout(
      second.principal,
      { productId: cat.product.id, couponCode: free.code },
      { returnBase: "http://x" },
    );
    expect(started.checkoutUrl).toBeNull();
    const s = await state(started.orderId);
    expect([s.order.status, s.order.total, s.challenge?.status]).toEqual(["paid", 0n, "provisioned"]);
  });
});
