import { AppError, displayMoney, percentOf } from "@propdesk/domain";

/**
 * What a checkout costs: the product, its add-ons and a coupon, in integer minor units. Pure.
 * Add-ons are priced as a share of the product price; a percentage coupon applies
 * to the whole subtotal; an amount coupon never takes the total below zero. Percentages round
 * half up to the minor unit.
 */
export interface QuoteLine {
  kind: "product" | "addon" | "reset";
  id: string;
  name: string;
  amount: bigint;
}

export interface Quote {
  lines: QuoteLine[];
  subtotal: bigint;
  discount: bigint;
  total: bigint;
  currency: string;
  coupon: { id: string; code: string; description: string } | null;
}

export interface QuoteCoupon {
  id: string;
  code: string;
  percentOff: string | null;
  amountOff: bigint | null;
  currency: string | null;
}

export function quote(input: {
  base: QuoteLine;
  currency: string;
  addons: Array<{ id: string; name: string; pricePct: string }>;
  coupon: QuoteCoupon | null;
}): Quote {
  const lines: QuoteLine[] = [input.base];
  for (const a of input.addons) {
    const amount = percentOf(input.base.amount, a.pricePct);
    lines.push({ kind: "addon", id: a.id, name: a.name, amount });
  }
  const subtotal = lines.reduce((s, l) => s + l.amount, 0n);
  let discount = 0n;
  let coupon: Quote["coupon"] = null;
  if (input.coupon) {
    const c = input.coupon;
    if (c.amountOff !== null) {
      if (c.currency !== input.currency)
        throw new AppError(
          "VALIDATION",
          `couponCode: ${c.code} is a ${c.currency} amount and cannot be used on a ${input.currency} price.`,
          {
            issues: [{ path: "couponCode", message: "is in another currency" }],
          },
        );
      // bigint: no Math.min.
      discount = c.amountOff;
      if (discount > subtotal) discount = subtotal;
    } else {
      discount = percentOf(subtotal, c.percentOff ?? "0");
      if (discount > subtotal) discount = subtotal;
    }
    coupon = {
      id: c.id,
      code: c.code,
      description:
        c.amountOff !== null
          ? `${displayMoney(c.amountOff, input.currency)} off`
          : `${trimPct(c.percentOff!)}% off`,
    };
  }
  return { lines, subtotal, discount, total: subtotal - discount, currency: input.currency, coupon };
}

export function trimPct(pct: string): string {
  return pct.includes(".") ? pct.replace(/\.?0+$/, "") : pct;
}

/** Stripe will not charge less than about half a unit of most currencies. */
export const MINIMUM_CHARGE_MINOR = 50n;

export interface CouponRules {
  code: string;
  status: string;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  maxPerTrader: number | null;
  firstPurchaseOnly: boolean;
  appliesToResets: boolean;
  productIds: string[];
}

/**
 * Why a coupon cannot be used for this purchase, as a sentence for the trader, or null when it
 * can. `redeemed` counts paid orders and open checkouts with the code.
 */
export function couponProblem(
  c: CouponRules,
  ctx: {
    now: Date;
    productId: string | null;
    isReset: boolean;
    redeemed: number;
    redeemedByTrader: number;
    traderHasPaidOrders: boolean;
  },
): string | null {
  if (c.status !== "active") return `The code ${c.code} is no longer valid.`;
  if (c.validFrom && ctx.now < c.validFrom) return `The code ${c.code} is valid from ${day(c.validFrom)}.`;
  if (c.validUntil && ctx.now >= c.validUntil) return `The code ${c.code} expired on ${day(c.validUntil)}.`;
  if (ctx.isReset && !c.appliesToResets) return `The code ${c.code} does not apply to retakes.`;
  if (c.productIds.length > 0 && (ctx.productId === null || !c.productIds.includes(ctx.productId)))
    return `The code ${c.code} does not apply to this challenge.`;
  if (c.firstPurchaseOnly && ctx.traderHasPaidOrders)
    return `The code ${c.code} is for a first purchase only.`;
  if (c.maxRedemptions !== null && ctx.redeemed >= c.maxRedemptions)
    return `The code ${c.code} has been used the maximum number of times.`;
  if (c.maxPerTrader !== null && ctx.redeemedByTrader >= c.maxPerTrader)
    return `You have already used the code ${c.code}${c.maxPerTrader > 1 ? ` ${c.maxPerTrader} times` : ""}.`;
  return null;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
