import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StripeStandIn, standInCards } from "./stripe-standin";

/** The stand-in speaks Stripe's wire format: the official SDK drives it and verifies its webhooks. */
let standIn: StripeStandIn;
let stripe: Stripe;
let receiver: http.Server;
const received: Stripe.Event[] = [];
const secret = "whsec_standin_test_secret_0001";

beforeAll(async () => {
  standIn = await new StripeStandIn().listen();
  const account = standIn.addAccount({ secretKey: "sk_test_standin0001", name: "Atlas Funded" });
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      try {
        received.push(stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"]), secret));
        res.end("ok");
      } catch (e) {
        res.statusCode = 400;
        res.end((e as Error).message);
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  standIn.addWebhookEndpoint(account, {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`,
    secret,
  });
  stripe = new Stripe("sk_test_standin0001", { ...standIn.sdkOptions, maxNetworkRetries: 0 });
});

afterAll(async () => {
  await standIn.close();
  await new Promise((r) => receiver.close(r));
});

async function paidSession() {
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: { currency: "usd", unit_amount: 9900, product_data: { name: "Two-Step 100K" } },
      },
    ],
    success_url: "http://atlas.localhost/portal/orders/1?session_id={CHECKOUT_SESSION_ID}",
    payment_intent_data: { metadata: { orderId: "order-1" } },
    metadata: { orderId: "order-1" },
  });
  standIn.pay(session.id, { card: { number: standInCards.visa } });
  await standIn.idle();
  return stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
}

describe("Stripe stand-in", () => {
  it("creates a checkout session the SDK reads back, with a hosted payment page", async () => {
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: 12_345, product_data: { name: "One-Step" } },
        },
      ],
      success_url: "http://x/ok",
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      amount_total: 12_345,
      currency: "usd",
    });
    const page = await fetch(session.url!);
    expect(await page.text()).toContain("123.45 USD");
  });

  it("refuses a wrong key and a reused idempotency key with other parameters, like Stripe", async () => {
    const bad = new Stripe("sk_test_wrongwrongwrong", { ...standIn.sdkOptions, maxNetworkRetries: 0 });
    await expect(bad.accounts.retrieveCurrent()).rejects.toMatchObject({ type: "StripeAuthenticationError" });
    const params = (amount: number) => ({
      mode: "payment" as const,
      line_items: [
        { quantity: 1, price_data: { currency: "usd", unit_amount: amount, product_data: { name: "x" } } },
      ],
      success_url: "http://x/ok",
    });
    const a = await stripe.checkout.sessions.create(params(100), { idempotencyKey: "k1" });
    const b = await stripe.checkout.sessions.create(params(100), { idempotencyKey: "k1" });
    expect(b.id).toBe(a.id);
    await expect(
      stripe.checkout.sessions.create(params(200), { idempotencyKey: "k1" }),
    ).rejects.toMatchObject({
      type: "StripeIdempotencyError",
    });
  });

  it("pays, then delivers checkout.session.completed signed so the SDK verifies it", async () => {
    const s = await paidSession();
    expect(s.payment_status).toBe("paid");
    const pi = s.payment_intent as Stripe.PaymentIntent;
    expect((pi.latest_charge as Stripe.Charge).payment_method_details?.card?.fingerprint).toMatch(
      /^[\w-]{16}$/,
    );
    const completed = received.find(
      (e) =>
        e.type === "checkout.session.completed" && (e.data.object as Stripe.Checkout.Session).id === s.id,
    );
    expect(completed).toBeDefined();
    expect(pi.metadata.orderId).toBe("order-1");
  });

  it("refunds through the API and from the dashboard, and opens and closes disputes, each with its event", async () => {
    const s = await paidSession();
    const pi = s.payment_intent as Stripe.PaymentIntent;
    const chargeId = (pi.latest_charge as Stripe.Charge).id;
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    expect(refund).toMatchObject({ amount: 1000, status: "succeeded", charge: chargeId });
    standIn.refundFromDashboard(chargeId, 500);
    await expect(stripe.refunds.create({ charge: chargeId, amount: 9000 })).rejects.toThrow(
      /greater than unrefunded/,
    );
    const refunds = await stripe.refunds.list({ payment_intent: pi.id });
    expect(refunds.data.map((r) => r.amount).sort()).toEqual([1000, 500]);
    const dispute = standIn.openDispute(chargeId);
    standIn.closeDispute(dispute.id, "lost");
    await standIn.idle();
    const types = received.filter((e) => JSON.stringify(e.data.object).includes(chargeId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "refund.created",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.closed",
      ]),
    );
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe("lost");
  });

  it("a replayed delivery carries the same event id; a stale timestamp fails the SDK's tolerance", async () => {
    const event = received[0]!;
    const before = received.length;
    await standIn.redeliver(event.id);
    expect(received.at(-1)!.id).toBe(event.id);
    expect(received.length).toBe(before + 1);
    const [stale] = await standIn.redeliver(event.id, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale!.status).toBe(400);
    expect(stale!.responseBody).toMatch(/tolerance/i);
  });
});

describe("Stripe stand-in retries", () => {
  it("sends a failed delivery again after each delay, to that endpoint only, until it is answered with 2xx", async () => {
    const other = new StripeStandIn();
    other.retryDelaysMs = [20, 20, 20];
    const failures: number[] = [];
    other.onDeliveryFailed = (_r, attempt) => failures.push(attempt);
    await other.listen();
    let calls = 0;
    const flaky = http.createServer((req, res) => {
      req.resume();
      // Down for the first two attempts, then up.
      res.statusCode = ++calls <= 2 ? 503 : 200;
      res.end();
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", () => r()));
    try {
      const account = other.addAccount({ secretKey: "sk_test_standin0002" });
      other.addWebhookEndpoint(account, {
        url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`,
        secret,
      });
      other.emit(account, "charge.dispute.created", { id: "dp_retry", object: "dispute" });
      const deadline = Date.now() + 5000;
      while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await other.idle();
      const first = other.events[0]!.id;
      expect(other.deliveries.map((d) => [d.eventId, d.status])).toEqual([
        [first, 503],
        [first, 503],
        [first, 200],
      ]);
      expect(failures).toEqual([1, 2]);
    } finally {
      await other.close();
      await new Promise((r) => flaky.close(r));
    }
  });
});
