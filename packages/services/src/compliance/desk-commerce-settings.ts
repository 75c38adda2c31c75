import { commerceSettings, dataLayer, desks } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import { DEFAULT_SCREENING_THRESHOLD } from "@propdesk/domain/sanctions";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { resumeFundedProvisioning } from "../kyc/funded-kyc-gate";
import { kycConnectionFor } from "../kyc/kyc-connection";
import { paymentConnectionFor } from "../payments/stripe/stripe-connection";
import { requirePermission } from "../staff/require-permission";
import { defaultDeskCommerceSettings, type KycRequiredAt, kycRequiredAtValues } from "./compliance-status";

export const deskCommerceSettingsSchema = z.object({
  kycRequiredAt: z.enum(kycRequiredAtValues as [KycRequiredAt, ...KycRequiredAt[]], {
    message: "Choose when identity verification is required.",
  }),
  kycMaxAgeDays: z.coerce
    .number({ message: "Enter the maximum age in days." })
    .int("Enter a whole number of days.")
    .min(1, "At least 1 day.")
    .max(3650, "At most 3650 days (ten years)."),
});

/** When a desk requires KYC (at purchase, before funded, before the first payout) and its maximum age. */
export async function updateDeskCommerceSettings(principal: StaffPrincipal, deskId: unknown, input: unknown) {
  const id = validate(z.string().uuid("Unknown desk."), deskId, "desk");
  const form = validate(deskCommerceSettingsSchema, input);
  requirePermission(principal, "desks.manage", id);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, id))) throw new AppError("NOT_FOUND", "That desk does not exist.");
    const before = (await commerceSettings.findDeskCommerceSettings(db, id)) ?? defaultDeskCommerceSettings;
    const row = await commerceSettings.upsertDeskCommerceSettings(db, id, {
      ...form,
      updatedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "desk.commerce_settings_changed",
      deskId: id,
      target: { type: "desk", id },
      before: { kycRequiredAt: before.kycRequiredAt, kycMaxAgeDays: before.kycMaxAgeDays },
      after: form,
    });
    // Funded accounts held for KYC under the old setting are looked at again under the new one.
    if (before.kycRequiredAt === "before_funded") await resumeFundedProvisioning(db, { deskId: id });
    return row;
  });
}

export async function deskCommerceSettingsFor(principal: StaffPrincipal) {
  requirePermission(principal, "desks.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "desks.view",
      all.map((d) => d.id),
    );
    const rows = await commerceSettings.listDeskCommerceSettings(db, visible);
    return all
      .filter((d) => visible.includes(d.id))
      .map((d) => {
        const r = rows.find((x) => x.deskId === d.id);
        return {
          deskId: d.id,
          deskName: d.name,
          kycRequiredAt: (r?.kycRequiredAt ?? defaultDeskCommerceSettings.kycRequiredAt) as KycRequiredAt,
          kycMaxAgeDays: r?.kycMaxAgeDays ?? defaultDeskCommerceSettings.kycMaxAgeDays,
          canManage: canOnDesk(principal, "desks.manage", d.id),
        };
      });
  });
}

/** The payments and compliance settings page: provider connections (hints only), threshold, desks. */
export async function commerceSettingsPage(principal: StaffPrincipal) {
  requirePermission(principal, "settings.manage");
  const [stripe, kycProvider, deskSettings] = await Promise.all([
    paymentConnectionFor(principal),
    kycConnectionFor(principal),
    deskCommerceSettingsFor(principal),
  ]);
  const threshold = await dataLayer().withTenant(principal.tenantId, async (db) => {
    const s = await commerceSettings.findComplianceSettings(db);
    return s ? Number(s.screeningThreshold) : DEFAULT_SCREENING_THRESHOLD;
  });
  return { stripe, kyc: kycProvider, deskSettings, threshold };
}
