import { randomInt } from "node:crypto";
import { catalogue, challenges, dataLayer, orders, sanctions, type TenantDb, traders } from "@propdesk/db";
import { AppError, displayMoney, formatMoney, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import { couponProblem, MINIMUM_CHARGE_MINOR, type Quote, quote } from "../catalogue/price-quote";
import type { AddonKind } from "../catalogue/program-variant";
import { checkoutOptions } from "../catalogue/public-catalogue";
import { ensureAttempt, resetOfferFor } from "../catalogue/reset-attempts";
import { resolveSoldVersion } from "../catalogue/sold-version";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import { screenSubjectJob } from "../compliance/compliance-jobs";
import { kycPolicyFor } from "../compliance/compliance-status";
import { recordTraderAccess } from "../fraud/trader-access";
import { enqueue } from "../jobs/enqueue";
import { applyOrderSnapshot } from "../payments/order-reconcile";
import { stripeFailure } from "../payments/stripe/stripe-client";
import { stripeAccess } from "../payments/stripe/stripe-connection";
import { currentRequestContext } from "../request/request-context";
import type { TraderPrincipal } from "../traders/trader-auth";

/**
 * A trader buys a challenge on a desk: the product, add-ons and a coupon are priced, the sold
 * terms resolved, an order created, and the trader sent to Stripe Checkout on the firm's own
 * Stripe account. Nothing is delivered here: the signed webhook of the payment does that. Buyers
 * under sanctions review, or blocked by a confirmed match, cannot check out.
 */

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const ids = z.preprocess(
  (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().uuid("Choose add-ons from the list.")).max(10),
);
const couponCode = z.preprocess(
  blank,
  z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/, "That is not a valid code.")
    .optional(),
);

export const checkoutSchema = z.object({
  productId: z.string().uuid("Choose a challenge."),
  addonIds: ids.optional(),
  couponCode,
});

export const resetCheckoutSchema = z.object({
  challengeId: z.string().uuid("Choose the challenge to retake."),
  couponCode,
});

type PricedCheckout = {
  kind: "challenge" | "reset";
  deskId: string;
  productId: string | null;
  previousChallengeId: string | null;
  baseVersionId: string;
  accountSize: bigint;
  addons: Array<{ kind: AddonKind; params: Record<string, unknown>; id: string; name: string }>;
  quote: Quote;
  title: string;
};

/** Throws unless the trader may buy: an active account, not under sanctions review or blocked. */
async function assertMayBuy(db: TenantDb, traderId: string) {
  const trader = await traders.findTrader(db, traderId);
  if (!trader || trader.status !== "active")
    throw new AppError("FORBIDDEN", "This account cannot make purchases.");
  const review = await sanctions.findReview(db, "trader", traderId);
  if (!review?.lastScreenedAt)
    throw new AppError(
      "PRECONDITION_FAILED",
      "We are finishing a routine check of your new account. Please try again in a minute.",
    );
  if (review?.status === "confirmed_match")
    throw new AppError("FORBIDDEN", "We cannot accept purchases from this account. Please contact support.");
  if (review?.status === "potential_match")
    throw new AppError(
      "FORBIDDEN",
      "Your account is in a routine compliance review. Purchases open again as soon as it is complete, usually within one business day.",
    );
  return trader;
}

async function priceCheckout(
  db: TenantDb,
  principal: TraderPrincipal,
  input: { productId?: string; addonIds?: string[]; couponCode?: string | undefined; challengeId?: string },
  now: Date,
): Promise<PricedCheckout> {
  let priced: Omit<PricedCheckout, "quote"> & {
    base: { id: string; name: string; amount: bigint };
    currency: string;
  };
  let addonRows: Awaited<ReturnType<typeof catalogue.findAddons>> = [];
  if (input.challengeId) {
    const row = await challenges.findChallenge(db, input.challengeId);
    if (!row || row.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That challenge does not exist.");
    const offer = await resetOfferFor(db, row.id);
    if (!offer) throw new AppError("CONFLICT", "This challenge cannot be retaken.");
    if (offer.free || offer.amount === null)
      throw new AppError("CONFLICT", "This retake is free: start it from the challenge page.");
    priced = {
      kind: "reset",
      deskId: row.deskId,
      productId: null,
      previousChallengeId: row.id,
      baseVersionId: row.programVersionId,
      accountSize: row.accountSize,
      addons: [],
      title: `Retake of ${row.reference} (attempt ${offer.attempt})`,
      base: {
        id: row.id,
        name: `Retake of ${row.programVersion.program.name} (${offer.pricePct}% of the price)`,
        amount: offer.amount,
      },
      currency: offer.currency!,
    };
  } else {
    const product = await catalogue.findProduct(db, input.productId!);
    if (!product || product.deskId !== principal.deskId || product.status !== "active")
      throw new AppError("NOT_FOUND", "That challenge is not on sale here.", {
        issues: [{ path: "productId", message: "not on sale" }],
      });
    const wanted = [...new Set(input.addonIds ?? [])];
    addonRows = wanted.length ? await catalogue.findAddons(db, wanted) : [];
    if (
      addonRows.length !== wanted.length ||
      addonRows.some((a) => a.deskId !== product.deskId || a.status !== "active")
    )
      throw new AppError("VALIDATION", "addonIds: one of the add-ons is not offered here.", {
        issues: [{ path: "addonIds", message: "not offered" }],
      });
    const kinds = addonRows.map((a) => a.kind);
    if (new Set(kinds).size !== kinds.length)
      throw new AppError("VALIDATION", "addonIds: choose at most one add-on of each kind.", {
        issues: [{ path: "addonIds", message: "two add-ons change the same term" }],
      });
    priced = {
      kind: "challenge",
      deskId: product.deskId,
      productId: product.id,
      previousChallengeId: null,
      baseVersionId: product.programVersionId,
      accountSize: product.accountSize,
      addons: addonRows.map((a) => ({
        kind: a.kind as AddonKind,
        params: a.params as Record<string, unknown>,
        id: a.id,
        name: a.name,
      })),
      title: product.name,
      base: { id: product.id, name: product.name, amount: product.price },
      currency: product.currency,
    };
  }
  let coupon = null;
  if (input.couponCode) {
    const c = await catalogue.findCouponByCode(db, priced.deskId, input.couponCode);
    if (!c)
      throw new AppError("VALIDATION", `couponCode: ${input.couponCode} is not a valid code here.`, {
        issues: [{ path: "couponCode", message: "unknown code" }],
      });
    await catalogue.lockKey(db, `coupon:${c.id}`);
    const [redeemed, redeemedByTrader, paidOrders] = await Promise.all([
      catalogue.countCouponRedemptions(db, c.id, now),
      catalogue.countCouponRedemptions(db, c.id, now, principal.traderId),
      orders.countPaidOrders(db, principal.traderId),
    ]);
    const problem = couponProblem(c, {
      now,
      productId: priced.productId,
      isReset: priced.kind === "reset",
      redeemed,
      redeemedByTrader,
      traderHasPaidOrders: paidOrders > 0,
    });
    if (problem)
      throw new AppError("VALIDATION", `couponCode: ${problem}`, {
        issues: [{ path: "couponCode", message: problem }],
      });
    coupon = {
      id: c.id,
      code: c.code,
      percentOff: c.percentOff?.toString() ?? null,
      amountOff: c.amountOff,
      currency: c.currency,
    };
  }
  const q = quote({
    base: { kind: priced.kind === "reset" ? "reset" : "product", ...priced.base },
    currency: priced.currency,
    addons: addonRows.map((a) => ({ id: a.id, name: a.name, pricePct: a.pricePct.toString() })),
    coupon,
  });
  if (q.total > 0n && q.total < MINIMUM_CHARGE_MINOR)
    throw new AppError(
      "VALIDATION",
      `couponCode: the total after the discount (${displayMoney(q.total, q.currency)}) is below the minimum card payment.`,
      {
        issues: [{ path: "couponCode", message: "total below the minimum charge" }],
      },
    );
  const { base: _b, currency: _c, ...rest } = priced;
  return { ...rest, quote: q };
}

function formatQuote(q: Quote) {
  return {
    lines: q.lines.map((l) => ({ ...l, amount: displayMoney(l.amount, q.currency) })),
    subtotal: displayMoney(q.subtotal, q.currency),
    discount: q.discount > 0n ? displayMoney(q.discount, q.currency) : null,
    total: displayMoney(q.total, q.currency),
    coupon: q.coupon,
    free: q.total === 0n,
  };
}

/** The price of a checkout before paying (the checkout page, and "Apply" on a code). */
export async function previewCheckout(principal: TraderPrincipal, input: unknown) {
  const form = validate(checkoutSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const priced = await priceCheckout(db, principal, form, new Date());
    return { title: priced.title, quote: formatQuote(priced.quote) };
  });
}

const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
function orderReference(): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += referenceAlphabet[randomInt(referenceAlphabet.length)];
  return `ORD-${s}`;
}

/**
 * A buyer is screened before money is taken. The sign-up screening runs in the worker (which
 * holds the lists); a checkout right after sign-up waits a few seconds for it rather than loading
 * the lists into the web process.
 */
async function awaitScreening(tenantId: string, traderId: string, waitMs = 12_000): Promise<void> {
  const screened = () =>
    dataLayer().withTenant(
      tenantId,
      async (db) => !!(await sanctions.findReview(db, "trader", traderId))?.lastScreenedAt,
    );
  if (await screened()) return;
  await dataLayer().withTenant(tenantId, (db) =>
    enqueue(db, screenSubjectJob, { subjectType: "trader", subjectId: traderId, trigger: "sign_up" }),
  );
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    if (await screened()) return;
  }
}

export interface CheckoutStarted {
  orderId: string;
  reference: string;
  /** Stripe's hosted checkout page, or null for a free order (already delivered). */
  checkoutUrl: string | null;
}

/**
 * Creates the order and its Stripe Checkout session. `returnBase` is the desk's own origin
 * (scheme, host and port) the trader comes back to.
 */
export async function startCheckout(
  principal: TraderPrincipal,
  input: unknown,
  opts: { returnBase: string; reset?: boolean },
): Promise<CheckoutStarted> {
  const form = opts.reset ? validate(resetCheckoutSchema, input) : validate(checkoutSchema, input);
  await awaitScreening(principal.tenantId, principal.traderId);
  const now = new Date();
  const ctx = currentRequestContext();
  const created = await dataLayer().withTenant(principal.tenantId, async (db) => {
    const trader = await assertMayBuy(db, principal.traderId);
    const priced = await priceCheckout(db, principal, form, now);
    const policy = await kycPolicyFor(db, [priced.deskId]);
    const sold =
      priced.kind === "reset"
        ? { versionId: priced.baseVersionId, variant: false }
        : await resolveSoldVersion(db, {
            baseVersionId: priced.baseVersionId,
            accountSize: priced.accountSize,
            addons: priced.addons.map((a) => ({ kind: a.kind, params: a.params })),
            kycBeforeTrading: policy.kycRequiredAt === "purchase",
          });
    const q = priced.quote;
    const order = await orders.createOrder(db, {
      reference: orderReference(),
      deskId: priced.deskId,
      traderId: trader.id,
      kind: priced.kind,
      productId: priced.productId,
      programVersionId: sold.versionId,
      lines: {
        title: priced.title,
        items: q.lines.map((l) => ({ ...l, amount: l.amount.toString() })),
        coupon: q.coupon,
      } as never,
      couponId: q.coupon?.id ?? null,
      couponCode: q.coupon?.code ?? null,
      subtotal: q.subtotal,
      discount: q.discount,
      total: q.total,
      currency: q.currency,
      previousChallengeId: priced.previousChallengeId,
      ip: ctx?.ip ?? null,
      deviceId: ctx?.deviceId ?? null,
    });
    await recordTraderAccess(db, trader.id, "checkout");
    await recordAudit(db, {
      actor: { type: "trader", id: trader.id, label: trader.email },
      action: "order.created",
      deskId: priced.deskId,
      target: { type: "order", id: order.id },
      after: {
        reference: order.reference,
        kind: priced.kind,
        title: priced.title,
        total: formatMoney(q.total, q.currency),
        currency: q.currency,
        coupon: q.coupon?.code ?? null,
        soldVersion: sold.versionId,
      },
    });
    if (q.total === 0n) {
      // Nothing to charge (a 100% code): delivered now, without Stripe.
      await orders.updateOrder(db, order.id, { paidAt: now });
      await applyOrderSnapshot(db, order.id, { refunds: [], disputes: [] }, `free:${order.id}`);
      return { order, trader, access: null };
    }
    return { order, trader, access: await stripeAccess(db) };
  });
  const { order, trader, access } = created;
  if (!access) return { orderId: order.id, reference: order.reference, checkoutUrl: null };

  const title = (order.lines as { title: string }).title;
  const back = `${opts.returnBase.replace(/\/$/, "")}/portal/orders/${order.id}`;
  try {
    const session = await access.client.checkout.sessions.create(
      {
        mode: "payment",
        client_reference_id: order.id,
        customer_email: trader.email,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: order.currency.toLowerCase(),
              unit_amount: Number(order.total),
              product_data: {
                name: title,
                description: `Order ${order.reference}${order.couponCode ? ` · code ${order.couponCode}` : ""}`,
              },
            },
          },
        ],
        metadata: { orderId: order.id, orderReference: order.reference, tenantId: principal.tenantId },
        payment_intent_data: {
          description: `${title} (${order.reference})`,
          metadata: { orderId: order.id, orderReference: order.reference, tenantId: principal.tenantId },
        },
        expires_at: Math.floor(now.getTime() / 1000) + 60 * 60,
        success_url: `${back}?checkout=done`,
        cancel_url: `${back}?checkout=cancelled`,
      },
      { idempotencyKey: `propdesk-checkout-${order.id}` },
    );
    await dataLayer().withTenant(principal.tenantId, (db) =>
      orders.updateOrder(db, order.id, {
        stripeCheckoutSessionId: session.id,
        checkoutUrl: session.url,
        checkoutExpiresAt: new Date(session.expires_at * 1000),
      }),
    );
    return { orderId: order.id, reference: order.reference, checkoutUrl: session.url };
  } catch (e) {
    await dataLayer().withTenant(principal.tenantId, (db) =>
      orders.updateOrder(db, order.id, { status: "expired", checkoutExpiresAt: now }),
    );
    throw stripeFailure(e, "open a checkout");
  }
}

/** A free retake (the program grants it): the failed challenge is reset and the next attempt starts. */
export async function claimFreeRetake(principal: TraderPrincipal, challengeId: unknown) {
  const id = validate(z.string().uuid("Unknown challenge."), challengeId, "challenge");
  await awaitScreening(principal.tenantId, principal.traderId);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await assertMayBuy(db, principal.traderId);
    const row = await challenges.findChallenge(db, id);
    if (!row || row.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That challenge does not exist.");
    const offer = await resetOfferFor(db, id);
    if (!offer || !offer.free) throw new AppError("CONFLICT", "This challenge has no free retake.");
    if (!offer.awaitingPayment)
      await applyChallengeEvent(
        db,
        id,
        { type: "reset", cause: { type: "system", job: "portal.free-retake" } },
        { actorLabel: principal.email },
      );
    const next = await ensureAttempt(db, id);
    await recordAudit(db, {
      actor: { type: "trader", id: principal.traderId, label: principal.email },
      action: "challenge.free_retake_claimed",
      deskId: row.deskId,
      target: { type: "challenge", id },
      after: { next: next.challengeId, attempt: offer.attempt },
    });
    return next;
  });
}

/**
 * Everything the checkout page shows: the product, its add-ons, and the price of the current
 * choice. A code that cannot be used is reported (`couponError`) and the price shown without it.
 */
export async function checkoutPage(principal: TraderPrincipal, input: unknown) {
  const raw = (input ?? {}) as Record<string, unknown>;
  const options = await checkoutOptions(principal, raw.productId);
  const form = validate(checkoutSchema, raw);
  try {
    return { ...options, ...(await previewCheckout(principal, form)), couponError: null as string | null };
  } catch (e) {
    if (!(e instanceof AppError) || !e.issues.some((i) => i.path === "couponCode")) throw e;
    const withoutCode = await previewCheckout(principal, { ...form, couponCode: undefined });
    return {
      ...options,
      ...withoutCode,
      couponError: e.issues.find((i) => i.path === "couponCode")!.message,
    };
  }
}
