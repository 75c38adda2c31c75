import { catalogue, dataLayer, programs, type TenantDb } from "@propdesk/db";
import { AppError, displayMoney, percentOf, validate } from "@propdesk/domain";
import type { LimitInput, PhaseInput, ProgramInput } from "@propdesk/domain/programs";
import { z } from "zod";
import { kycPolicyFor } from "../compliance/compliance-status";
import type { DeskContext } from "../desks/desk-context";
import type { TraderPrincipal } from "../traders/trader-auth";
import { trimPct } from "./price-quote";

/** A program's rules in words for buyers: one line per rule of each phase. */
export function describePhase(p: PhaseInput, currency: string): string[] {
  const limit = (l: LimitInput | null | undefined) =>
    !l ? null : l.pct !== undefined ? `${l.pct}%` : `${l.amount} ${currency}`;
  const out: string[] = [];
  const target = limit(p.profitTarget);
  if (target && p.kind === "evaluation") out.push(`Profit target ${target}`);
  if (p.dailyLoss) out.push(`Daily loss limit ${limit(p.dailyLoss)}`);
  if (p.maxLoss)
    out.push(
      `Maximum loss ${limit(p.maxLoss)}${p.maxLoss.mode === "static" ? "" : ` (${p.maxLoss.mode.replaceAll("_", " ")})`}`,
    );
  if (p.minTradingDays) out.push(`At least ${p.minTradingDays} trading days`);
  out.push(p.maxDays ? `${p.maxDays} days to pass` : p.kind === "evaluation" ? "No time limit" : "");
  if (p.consistency) out.push(`Best day at most ${p.consistency.maxBestDayPct}% of profit`);
  return out.filter(Boolean);
}

function programSummary(program: ProgramInput) {
  return {
    currency: program.currency,
    phases: program.phases.map((p, i) => ({
      name: p.name ?? (p.kind === "funded" ? "Funded" : `Phase ${i + 1}`),
      kind: p.kind,
      rules: describePhase(p, program.currency),
    })),
    profitSplit: program.profitSplit?.traderPct ?? null,
    kycRequired: program.kycRequired === true,
    reset: program.reset?.allowed
      ? program.reset.freeRetake
        ? "Free retake after a breach"
        : program.reset.discountPct > 0
          ? `Retake after a breach at ${program.reset.discountPct}% off`
          : "Retake after a breach at the full price"
      : null,
  };
}

async function offer(db: TenantDb, deskId: string) {
  const [products, addons, policy] = await Promise.all([
    catalogue.listProducts(db, { deskIds: [deskId], activeOnly: true }),
    catalogue.listAddons(db, { deskIds: [deskId], activeOnly: true }),
    kycPolicyFor(db, [deskId]),
  ]);
  const out = [];
  for (const p of products) {
    const v = await programs.findProgramVersion(db, p.programVersionId);
    if (!v) continue;
    out.push({
      id: p.id,
      name: p.name,
      description: p.description || v.program.description,
      accountSize: displayMoney(p.accountSize, p.accountCurrency),
      price: displayMoney(p.price, p.currency),
      priceMinor: p.price.toString(),
      currency: p.currency,
      program: programSummary(v.definition as ProgramInput),
    });
  }
  return {
    products: out,
    addons: addons.map((a) => ({
      id: a.id,
      code: a.code,
      name: a.name,
      description: a.description,
      kind: a.kind,
      pricePct: trimPct(a.pricePct.toString()),
    })),
    kycAtPurchase: policy.kycRequiredAt === "purchase",
  };
}

/** The desk's public pricing page: what is on sale, with each program's rules in words. */
export async function pricingForDesk(desk: DeskContext) {
  return dataLayer().withTenant(desk.tenantId, (db) => offer(db, desk.deskId));
}

/** The checkout page's product and the add-ons that can go with it. */
export async function checkoutOptions(principal: TraderPrincipal, productId: unknown) {
  const id = validate(z.string().uuid("Choose a challenge on the pricing page."), productId, "productId");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await offer(db, principal.deskId);
    const product = all.products.find((p) => p.id === id);
    if (!product) throw new AppError("NOT_FOUND", "That challenge is not on sale here.");
    return {
      product,
      addons: all.addons.map((a) => ({
        ...a,
        price: displayMoney(percentOf(BigInt(product.priceMinor), a.pricePct), product.currency),
      })),
      kycAtPurchase: all.kycAtPurchase,
    };
  });
}
