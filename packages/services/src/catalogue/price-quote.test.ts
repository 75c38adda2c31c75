import { describe, expect, it } from "vitest";
import { type CouponRules, couponProblem, quote } from "./price-quote";

const base = { kind: "product" as const, id: "p1", name: "Two-Step 100K", amount: 54_900n };

describe("quote", () => {
  it.each([
    ["no add-on, no coupon", [], null, 54_900n, 0n, 54_900n],
    [
      "two add-ons, each a share of the product price",
      [
        { id: "a1", name: "90% split", pricePct: "20" },
        { id: "a2", name: "No time limit", pricePct: "15" },
      ],
      null,
      74_115n,
      0n,
      74_115n,
    ],
    [
      "10% off the subtotal, rounded half up",
      [{ id: "a1", name: "x", pricePct: "12.5" }],
      { id: "c", code: "TEN", percentOff: "10", amountOff: null, currency: null },
      61_763n,
      6_176n,
      55_587n,
    ],
    [
      "an amount coupon larger than the price makes it free, never negative",
      [],
      { id: "c", code: "FREE", percentOff: null, amountOff: 100_000n, currency: "USD" },
      54_900n,
      54_900n,
      0n,
    ],
  ] as const)("%s", (_label, addons, coupon, subtotal, discount, total) => {
    const q = quote({ base, currency: "USD", addons: [...addons], coupon });
    expect([q.subtotal, q.discount, q.total]).toEqual([subtotal, discount, total]);
    expect(q.lines.reduce((s, l) => s + l.amount, 0n)).toBe(q.subtotal);
  });

  it("refuses an amount coupon in another currency, naming the field", () => {
    expect(() =>
      quote({
        base,
        currency: "USD",
        addons: [],
        coupon: { id: "c", code: "EURO", percentOff: null, amountOff: 500n, currency: "EUR" },
      }),
    ).toThrow(
      expect.objectContaining({ issues: [{ path: "couponCode", message: "is in another currency" }] }),
    );
  });
});

describe("couponProblem", () => {
  const rules: CouponRules = {
    code: "WELCOME",
    status: "active",
    validFrom: new Date("2026-01-01T00:00:00Z"),
    validUntil: new Date("2026-12-31T00:00:00Z"),
    maxRedemptions: 100,
    maxPerTrader: 1,
    firstPurchaseOnly: false,
    appliesToResets: false,
    productIds: [],
  };
  const ctx = {
    now: new Date("2026-06-01T00:00:00Z"),
    productId: "p1",
    isReset: false,
    redeemed: 3,
    redeemedByTrader: 0,
    traderHasPaidOrders: true,
  };
  it("accepts a code within its window and limits", () => {
    expect(couponProblem(rules, ctx)).toBeNull();
  });
  it.each([
    ["disabled", { status: "disabled" }, {}, "no longer valid"],
    ["not yet valid", {}, { now: new Date("2025-12-01T00:00:00Z") }, "valid from 2026-01-01"],
    ["expired", {}, { now: new Date("2027-01-01T00:00:00Z") }, "expired on 2026-12-31"],
    ["used up", {}, { redeemed: 100 }, "maximum number of times"],
    ["used by this trader", {}, { redeemedByTrader: 1 }, "already used"],
    ["for a retake", {}, { isReset: true }, "does not apply to retakes"],
    ["for another product", { productIds: ["p2"] }, {}, "does not apply to this challenge"],
    ["first purchase only", { firstPurchaseOnly: true }, {}, "first purchase only"],
  ] as const)("refuses a code %s", (_label, change, at, message) => {
    expect(couponProblem({ ...rules, ...change } as CouponRules, { ...ctx, ...at })).toContain(message);
  });
});
