import { dataLayer, kyc, orders, sanctions, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { can } from "@propdesk/domain/access";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { traderFraudFlags } from "../fraud/fraud-review";
import { orderView } from "../payments/order-queries";
import { requirePermission } from "../staff/require-permission";
import { complianceStatus } from "./compliance-status";

/**
 * Everything compliance and finance look at on one trader: the compliance status the payout side
 * reads, identity verifications, the sanctions review, fraud flags with their reasons, where they
 * signed in from, and what they bought.
 */
export async function traderComplianceForStaff(principal: StaffPrincipal, traderId: unknown) {
  requirePermission(principal, "traders.view");
  const id = validate(z.string().uuid("Unknown trader."), traderId, "trader");
  const fraud = await traderFraudFlags(principal, id);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const trader = await traders.findTrader(db, id);
    if (!trader) throw new AppError("NOT_FOUND", "That trader does not exist.");
    const [status, verifications, review, bought] = await Promise.all([
      complianceStatus(db, id),
      kyc.listTraderVerifications(db, id),
      sanctions.findReview(db, "trader", id),
      can(principal, "orders.view")
        ? orders.listOrders(db, { deskIds: principal.deskIds, traderId: id, take: 50 })
        : Promise.resolve([]),
    ]);
    return {
      trader: { id: trader.id, name: trader.name, email: trader.email, country: trader.country },
      status,
      verifications: verifications.map((v) => ({
        id: v.id,
        provider: v.provider,
        status: v.status,
        reason: v.reason,
        approvedAt: v.approvedAt,
        decidedBy: v.decidedByLabel,
        rejectLabels: v.rejectLabels,
        createdAt: v.createdAt,
      })),
      review: review ? { id: review.id, status: review.status, lastScreenedAt: review.lastScreenedAt } : null,
      fraud,
      orders: bought.map(orderView),
      can: {
        reviewKyc: can(principal, "kyc.review"),
        reviewScreening: can(principal, "screening.review"),
        viewOrders: can(principal, "orders.view"),
      },
    };
  });
}
