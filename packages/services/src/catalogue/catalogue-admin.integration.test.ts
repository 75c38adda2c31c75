import { dataLayer } from "@propdesk/db";
import { beforeAll, describe, expect, it } from "vitest";
import { deskForHost } from "../desks/desk-context";
import { programFixture } from "../testing/challenge-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import {
  catalogueForStaff,
  createAddon,
  createCoupon,
  createProduct,
  updateProduct,
} from "./catalogue-admin";
import { pricingForDesk } from "./public-catalogue";

let t: TenantFixture;
let twoStep: string;
let futures: string;
beforeAll(async () => {
  t = await tenantFixture("cat");
  twoStep = (await programFixture(t, "two-step-cfd")).programId;
  futures = (await programFixture(t, "futures-combine-50k")).programId;
});

const counts = () =>
  dataLayer().withTenant(t.tenantId, async (db) => ({
    products: await db.product.count(),
    addons: await db.addon.count(),
    coupons: await db.coupon.count(),
  }));

describe("the catalogue", () => {
  it("refuses bad input with a message naming the field, and creates nothing", async () => {
    const owner = await signIn(t, t.owner.email);
    const before = await counts();
    const cases: Array<[() => Promise<unknown>, string]> = [
      [
        () =>
          createProduct(owner.principal, {
            deskId: t.deskId,
            programId: twoStep,
            name: "X",
            price: "99",
            currency: "USD",
          }),
        "name",
      ],
      [
        () =>
          createProduct(owner.principal, {
            deskId: t.deskId,
            programId: twoStep,
            name: "Two-Step",
            price: "9.9.9",
            currency: "USD",
          }),
        "price",
      ],
      [
        () =>
          createProduct(owner.principal, {
            deskId: t.deskId,
            programId: twoStep,
            name: "Two-Step",
            price: "0.10",
            currency: "USD",
          }),
        "price",
      ],
      [
        () =>
          createProduct(owner.principal, {
            deskId: t.deskId,
            programId: twoStep,
            name: "Two-Step",
            price: "99",
            currency: "XYZ",
          }),
        "currency",
      ],
      [
        () =>
          createProduct(owner.principal, {
            deskId: t.deskId,
            programId: futures,
            name: "Combine 100K",
            accountSize: "100000",
            price: "99",
            currency: "USD",
          }),
        "accountSize",
      ],
      [
        () =>
          createAddon(owner.principal, {
            deskId: t.deskId,
            code: "split",
            name: "Split",
            kind: "profit_split",
            pricePct: "20",
          }),
        "traderPct",
      ],
      [
        () =>
          createAddon(owner.principal, {
            deskId: t.deskId,
            code: "split",
            name: "Split",
            kind: "profit_split",
            traderPct: "150",
            pricePct: "20",
          }),
        "traderPct",
      ],
      [
        () =>
          createAddon(owner.principal, {
            deskId: t.deskId,
            code: "x",
            name: "Free",
            kind: "no_time_limit",
            pricePct: "0",
          }),
        "pricePct",
      ],
      [
        () =>
          createCoupon(owner.principal, {
            deskId: t.deskId,
            code: "HALF",
            discountType: "percent",
            percentOff: "150",
          }),
        "percentOff",
      ],
      [
        () =>
          createCoupon(owner.principal, {
            deskId: t.deskId,
            code: "TENOFF",
            discountType: "amount",
            amountOff: "10",
          }),
        "currency",
      ],
      [
        () =>
          createCoupon(owner.principal, {
            deskId: t.deskId,
            code: "LATE",
            discountType: "percent",
            percentOff: "5",
            validFrom: "2026-05-01",
            validUntil: "2026-04-01",
          }),
        "validUntil",
      ],
    ];
    for (const [attempt, field] of cases) {
      await expect(attempt()).rejects.toMatchObject({
        code: "VALIDATION",
        issues: expect.arrayContaining([expect.objectContaining({ path: field })]),
      });
    }
    expect(await counts()).toEqual(before);
  });

  it("sells a product on the pricing page; staff without programs.manage cannot change it", async () => {
    const owner = await signIn(t, t.owner.email);
    const product = await createProduct(owner.principal, {
      deskId: t.deskId,
      programId: twoStep,
      name: "Two-Step 50K",
      accountSize: "50000",
      price: "299.00",
      currency: "USD",
    });
    expect(product.accountSize).toBe(5_000_000n);
    const page = await pricingForDesk(await deskForHost(t.hostname));
    const shown = page.products.find((p) => p.id === product.id)!;
    expect(shown).toMatchObject({ name: "Two-Step 50K", accountSize: "50,000.00 USD", price: "299.00 USD" });
    expect(shown.program.phases[0]!.rules).toContain("Profit target 10%");
    const support = await signIn(t, (await staffFixture(t, "support")).email);
    await expect(updateProduct(support.principal, product.id, { price: "1.00" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const view = await catalogueForStaff(support.principal);
    expect(view.products.find((p) => p.id === product.id)).toMatchObject({
      canManage: false,
      price: "299.00 USD",
    });
    await updateProduct(owner.principal, product.id, { status: "archived" });
    expect((await pricingForDesk(await deskForHost(t.hostname))).products.map((p) => p.id)).not.toContain(
      product.id,
    );
  });
});
