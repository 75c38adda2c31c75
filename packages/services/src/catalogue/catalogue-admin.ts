import { catalogue, dataLayer, desks, programs } from "@propdesk/db";
import { AppError, displayMoney, formatMoney, isCurrency, parseMoney, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import type { ProgramInput } from "@propdesk/domain/programs";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";
import { MINIMUM_CHARGE_MINOR, trimPct } from "./price-quote";
import {
  type AddonKind,
  addonKinds,
  checkAddonParams,
  deriveSoldProgram,
  describeAddon,
} from "./program-variant";

/**
 * The desk's catalogue, managed by staff who may manage its programs: products (a program version
 * at a size and price), add-ons that change the program's terms, and coupon codes.
 */

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndefined, t.optional());
const decimal = (field: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `Enter the ${field} as a number like 99.00.`);
const currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => isCurrency(c), "Choose a currency (ISO code such as USD).");
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

const actor = (p: StaffPrincipal) => ({ type: "staff" as const, id: p.userId, label: p.email });

export const createProductSchema = z.object({
  deskId: z.string().uuid("Choose a desk."),
  programId: z.string().uuid("Choose a program."),
  name: z.string().trim().min(2, "Name the product (what the pricing page shows).").max(120),
  description: optional(z.string().trim().max(1000)),
  accountSize: optional(decimal("account size")),
  price: decimal("price"),
  currency,
  sortOrder: optional(z.coerce.number().int().min(0).max(10_000)),
});

function priceOf(value: string, cur: string, field: string): bigint {
  const minor = parseMoney(value, cur, field);
  if (minor < MINIMUM_CHARGE_MINOR)
    throw new AppError(
      "VALIDATION",
      `${field}: the price must be at least ${displayMoney(MINIMUM_CHARGE_MINOR, cur)}.`,
      {
        issues: [{ path: field, message: "is below the minimum charge" }],
      },
    );
  return minor;
}

export async function createProduct(principal: StaffPrincipal, input: unknown) {
  const form = validate(createProductSchema, input);
  requirePermission(principal, "programs.manage", form.deskId);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const program = await programs.findProgram(db, form.programId);
    if (!program || program.deskId !== form.deskId)
      throw new AppError("VALIDATION", "programId: choose a program of this desk.", {
        issues: [{ path: "programId", message: "not a program of this desk" }],
      });
    if (program.status !== "active") throw new AppError("CONFLICT", "That program is archived.");
    const version = program.versions[0];
    if (!version) throw new AppError("CONFLICT", "That program has no version yet.");
    const definition = version.definition as ProgramInput;
    const accountSize = parseMoney(
      form.accountSize ?? definition.initialBalance,
      definition.currency,
      "accountSize",
    );
    // Refuses a size the program cannot be sold at (amount limits do not scale).
    deriveSoldProgram(definition, { accountSize, addons: [], kycBeforeTrading: false });
    const price = priceOf(form.price, form.currency, "price");
    const product = await catalogue.createProduct(db, {
      deskId: form.deskId,
      programId: program.id,
      programVersionId: version.id,
      name: form.name,
      description: form.description ?? "",
      accountSize,
      accountCurrency: definition.currency,
      price,
      currency: form.currency,
      sortOrder: form.sortOrder ?? 0,
    });
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.product_created",
      deskId: form.deskId,
      target: { type: "product", id: product.id },
      after: {
        name: product.name,
        program: program.name,
        version: version.version,
        accountSize: formatMoney(accountSize, definition.currency),
        price: formatMoney(price, form.currency),
        currency: form.currency,
      },
    });
    return product;
  });
}

export const updateProductSchema = z.object({
  price: optional(decimal("price")),
  status: optional(z.enum(["active", "archived"], { message: "Status is active or archived." })),
  /** Bind the product to its program's latest version (new purchases only). */
  useLatestVersion: checkbox.optional(),
});

export async function updateProduct(principal: StaffPrincipal, productId: unknown, input: unknown) {
  const id = validate(z.string().uuid("Unknown product."), productId, "product");
  const form = validate(updateProductSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const product = await catalogue.findProduct(db, id);
    if (!product) throw new AppError("NOT_FOUND", "That product does not exist.");
    requirePermission(principal, "programs.manage", product.deskId);
    const change: Parameters<typeof catalogue.updateProduct>[2] = {};
    if (form.price !== undefined) change.price = priceOf(form.price, product.currency, "price");
    if (form.status !== undefined) change.status = form.status;
    if (form.useLatestVersion) {
      const latest = await programs.latestProgramVersion(db, product.programId);
      if (latest && latest.id !== product.programVersionId) {
        deriveSoldProgram(latest.definition as ProgramInput, {
          accountSize: product.accountSize,
          addons: [],
          kycBeforeTrading: false,
        });
        change.programVersionId = latest.id;
      }
    }
    if (Object.keys(change).length === 0) return product;
    const updated = await catalogue.updateProduct(db, id, change);
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.product_updated",
      deskId: product.deskId,
      target: { type: "product", id },
      before: {
        price: formatMoney(product.price, product.currency),
        status: product.status,
        programVersionId: product.programVersionId,
      },
      after: {
        price: formatMoney(updated.price, updated.currency),
        status: updated.status,
        programVersionId: updated.programVersionId,
      },
    });
    return updated;
  });
}

export const createAddonSchema = z
  .object({
    deskId: z.string().uuid("Choose a desk."),
    code: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, "Use lower-case letters, digits and hyphens."),
    name: z.string().trim().min(2, "Name the add-on.").max(80),
    description: optional(z.string().trim().max(500)),
    kind: z.enum(addonKinds as [AddonKind, ...AddonKind[]], { message: "Choose what the add-on changes." }),
    traderPct: optional(z.coerce.number({ message: "Enter the trader's share as a number." })),
    pricePct: z.coerce
      .number({ message: "Enter the price as a percentage of the product's price." })
      .gt(0, "The price must be above 0%.")
      .max(100, "The price must be at most 100% of the product's price."),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "profit_split" && v.traderPct === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["traderPct"],
        message: "Enter the trader's share for a profit split add-on.",
      });
  });

export async function createAddon(principal: StaffPrincipal, input: unknown) {
  const form = validate(createAddonSchema, input);
  requirePermission(principal, "programs.manage", form.deskId);
  const params = checkAddonParams(form.kind, { traderPct: form.traderPct });
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, form.deskId)))
      throw new AppError("NOT_FOUND", "That desk does not exist.");
    if (await catalogue.findAddonByCode(db, form.deskId, form.code))
      throw new AppError("CONFLICT", `This desk already has an add-on "${form.code}".`, {
        issues: [{ path: "code", message: "taken" }],
      });
    const addon = await catalogue.createAddon(db, {
      deskId: form.deskId,
      code: form.code,
      name: form.name,
      description: form.description ?? describeAddon({ kind: form.kind, params }),
      kind: form.kind,
      params: params as never,
      pricePct: String(form.pricePct),
      sortOrder: 0,
    });
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.addon_created",
      deskId: form.deskId,
      target: { type: "addon", id: addon.id },
      after: { code: addon.code, name: addon.name, kind: addon.kind, params, pricePct: form.pricePct },
    });
    return addon;
  });
}

const statusSchema = z.object({
  status: z.enum(["active", "archived", "disabled"], { message: "Unknown status." }),
});

export async function setAddonStatus(principal: StaffPrincipal, addonId: unknown, input: unknown) {
  const id = validate(z.string().uuid("Unknown add-on."), addonId, "addon");
  const { status } = validate(statusSchema, input);
  if (status === "disabled") throw new AppError("VALIDATION", "An add-on is active or archived.");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const addon = await catalogue.findAddon(db, id);
    if (!addon) throw new AppError("NOT_FOUND", "That add-on does not exist.");
    requirePermission(principal, "programs.manage", addon.deskId);
    const updated = await catalogue.updateAddon(db, id, { status });
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.addon_updated",
      deskId: addon.deskId,
      target: { type: "addon", id },
      before: { status: addon.status },
      after: { status },
    });
    return updated;
  });
}

const dateField = (field: string) =>
  optional(
    z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${field} as a date (YYYY-MM-DD).`),
  );
const idList = z.preprocess(
  (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().uuid("Choose products from the list.")),
);

export const createCouponSchema = z
  .object({
    deskId: z.string().uuid("Choose a desk."),
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/, "Use 2-40 letters, digits, _ or - (case does not matter)."),
    description: optional(z.string().trim().max(200)),
    discountType: z.enum(["percent", "amount"], { message: "Choose a percentage or an amount off." }),
    percentOff: optional(z.coerce.number({ message: "Enter the percentage off as a number." })),
    amountOff: optional(decimal("amount off")),
    currency: optional(currency),
    validFrom: dateField("first valid day"),
    validUntil: dateField("last valid day"),
    maxRedemptions: optional(
      z.coerce.number().int("Enter a whole number of uses.").min(1, "At least 1 use."),
    ),
    maxPerTrader: optional(z.coerce.number().int("Enter a whole number of uses.").min(1, "At least 1 use.")),
    firstPurchaseOnly: checkbox.optional(),
    appliesToResets: checkbox.optional(),
    productIds: idList.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.discountType === "percent") {
      if (v.percentOff === undefined || !(v.percentOff > 0 && v.percentOff <= 100))
        ctx.addIssue({
          code: "custom",
          path: ["percentOff"],
          message: "Enter a percentage above 0 and at most 100.",
        });
    } else {
      if (v.amountOff === undefined)
        ctx.addIssue({ code: "custom", path: ["amountOff"], message: "Enter the amount off." });
      if (v.currency === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["currency"],
          message: "Choose the currency of the amount off.",
        });
    }
    if (v.validFrom && v.validUntil && v.validUntil < v.validFrom)
      ctx.addIssue({
        code: "custom",
        path: ["validUntil"],
        message: "The last valid day is before the first.",
      });
  });

/** The first valid instant of a day, and the first instant after the last valid day (UTC). */
const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);
const dayAfter = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);

export async function createCoupon(principal: StaffPrincipal, input: unknown) {
  const form = validate(createCouponSchema, input);
  requirePermission(principal, "programs.manage", form.deskId);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, form.deskId)))
      throw new AppError("NOT_FOUND", "That desk does not exist.");
    if (await catalogue.findCouponByCode(db, form.deskId, form.code))
      throw new AppError("CONFLICT", `This desk already has a code ${form.code}.`, {
        issues: [{ path: "code", message: "taken" }],
      });
    const productIds = form.productIds ?? [];
    if (productIds.length) {
      const own = (await catalogue.listProducts(db, { deskIds: [form.deskId] })).map((p) => p.id);
      if (!productIds.every((id) => own.includes(id)))
        throw new AppError("VALIDATION", "productIds: choose products of this desk.", {
          issues: [{ path: "productIds", message: "not a product of this desk" }],
        });
    }
    const amountOff =
      form.discountType === "amount" ? parseMoney(form.amountOff!, form.currency!, "amountOff") : null;
    if (amountOff !== null && amountOff <= 0n)
      throw new AppError("VALIDATION", "amountOff: the amount off must be above zero.", {
        issues: [{ path: "amountOff", message: "must be above zero" }],
      });
    const coupon = await catalogue.createCoupon(db, {
      deskId: form.deskId,
      code: form.code,
      description: form.description ?? "",
      percentOff: form.discountType === "percent" ? String(form.percentOff) : null,
      amountOff,
      currency: form.discountType === "amount" ? form.currency! : null,
      validFrom: form.validFrom ? dayStart(form.validFrom) : null,
      validUntil: form.validUntil ? dayAfter(form.validUntil) : null,
      maxRedemptions: form.maxRedemptions ?? null,
      maxPerTrader: form.maxPerTrader ?? null,
      firstPurchaseOnly: form.firstPurchaseOnly ?? false,
      appliesToResets: form.appliesToResets ?? false,
      productIds,
      createdByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.coupon_created",
      deskId: form.deskId,
      target: { type: "coupon", id: coupon.id },
      after: {
        code: coupon.code,
        discount: couponDiscountLabel(coupon),
        validFrom: coupon.validFrom,
        validUntil: coupon.validUntil,
        maxRedemptions: coupon.maxRedemptions,
        maxPerTrader: coupon.maxPerTrader,
      },
    });
    return coupon;
  });
}

export async function setCouponStatus(principal: StaffPrincipal, couponId: unknown, input: unknown) {
  const id = validate(z.string().uuid("Unknown coupon."), couponId, "coupon");
  const { status } = validate(statusSchema, input);
  if (status === "archived") throw new AppError("VALIDATION", "A coupon is active or disabled.");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const coupon = await catalogue.findCoupon(db, id);
    if (!coupon) throw new AppError("NOT_FOUND", "That coupon does not exist.");
    requirePermission(principal, "programs.manage", coupon.deskId);
    const updated = await catalogue.updateCoupon(db, id, { status });
    await recordAudit(db, {
      actor: actor(principal),
      action: "catalogue.coupon_updated",
      deskId: coupon.deskId,
      target: { type: "coupon", id },
      before: { status: coupon.status },
      after: { status },
    });
    return updated;
  });
}

export function couponDiscountLabel(c: {
  percentOff: unknown;
  amountOff: bigint | null;
  currency: string | null;
}) {
  return c.amountOff !== null && c.currency
    ? `${displayMoney(c.amountOff, c.currency)} off`
    : `${trimPct(String(c.percentOff))}% off`;
}

/** Everything the catalogue page shows, for the desks this staff member may see. */
export async function catalogueForStaff(principal: StaffPrincipal) {
  requirePermission(principal, "programs.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const allDesks = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "programs.view",
      allDesks.map((d) => d.id),
    );
    const deskName = new Map(allDesks.map((d) => [d.id, d.name]));
    const [products, addons, coupons, programList] = await Promise.all([
      catalogue.listProducts(db, { deskIds: visible }),
      catalogue.listAddons(db, { deskIds: visible }),
      catalogue.listCoupons(db, visible),
      programs.listPrograms(db, visible),
    ]);
    const uses = new Map(
      (
        await catalogue.countCouponUses(
          db,
          coupons.map((c) => c.id),
        )
      ).map((u) => [u.couponId, u._count._all]),
    );
    const programName = new Map(programList.map((p) => [p.id, p.name]));
    return {
      desks: allDesks
        .filter((d) => visible.includes(d.id))
        .map((d) => ({ id: d.id, name: d.name, canManage: canOnDesk(principal, "programs.manage", d.id) })),
      programs: programList
        .filter((p) => p.status === "active" && p.versions.length > 0)
        .map((p) => ({
          id: p.id,
          deskId: p.deskId,
          name: p.name,
          version: p.versions[0]!.version,
          initialBalance: (p.versions[0]!.definition as ProgramInput).initialBalance,
          currency: (p.versions[0]!.definition as ProgramInput).currency,
        })),
      products: products.map((p) => ({
        id: p.id,
        deskId: p.deskId,
        deskName: deskName.get(p.deskId) ?? "",
        name: p.name,
        programName: programName.get(p.programId) ?? "",
        accountSize: displayMoney(p.accountSize, p.accountCurrency),
        price: displayMoney(p.price, p.currency),
        priceInput: formatMoney(p.price, p.currency),
        status: p.status,
        canManage: canOnDesk(principal, "programs.manage", p.deskId),
      })),
      addons: addons.map((a) => ({
        id: a.id,
        deskId: a.deskId,
        deskName: deskName.get(a.deskId) ?? "",
        code: a.code,
        name: a.name,
        description: a.description,
        kind: a.kind,
        price: `${trimPct(a.pricePct.toString())}% of the product`,
        status: a.status,
        canManage: canOnDesk(principal, "programs.manage", a.deskId),
      })),
      coupons: coupons.map((c) => ({
        id: c.id,
        deskId: c.deskId,
        deskName: deskName.get(c.deskId) ?? "",
        code: c.code,
        description: c.description,
        discount: couponDiscountLabel(c),
        validFrom: c.validFrom,
        validUntil: c.validUntil ? new Date(c.validUntil.getTime() - 1) : null,
        uses: uses.get(c.id) ?? 0,
        maxRedemptions: c.maxRedemptions,
        maxPerTrader: c.maxPerTrader,
        status: c.status,
        canManage: canOnDesk(principal, "programs.manage", c.deskId),
      })),
    };
  });
}
