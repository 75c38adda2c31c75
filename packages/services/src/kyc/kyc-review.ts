import { dataLayer, kyc, type TenantDb, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { kycPolicyFor } from "../compliance/compliance-status";
import { requirePermission } from "../staff/require-permission";
import { applyKycDecision, ensureVerification } from "./kyc-verification";

/**
 * Manual KYC review by compliance staff: the queue of cases waiting on someone, a case with its
 * notes (documents seen, calls made), and decisions that override or complete the vendor's.
 */

async function visibleTrader(db: TenantDb, principal: StaffPrincipal, traderId: string) {
  const trader = await traders.findTrader(db, traderId);
  if (
    !trader ||
    (principal.deskIds !== null && !trader.desks.some((d) => principal.deskIds!.includes(d.deskId)))
  )
    throw new AppError("NOT_FOUND", "That verification does not exist.");
  return trader;
}

export const kycQueueSchema = z.object({
  status: z
    .enum(["pending", "resubmission_requested", "approved", "rejected"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export async function kycQueue(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "kyc.review");
  const f = validate(kycQueueSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const statuses = f.status ? [f.status] : ["pending", "resubmission_requested"];
    const rows = await kyc.listVerifications(db, { statuses, take: 200 });
    const out = [];
    for (const v of rows) {
      const t = await traders.findTrader(db, v.traderId);
      if (!t) continue;
      if (principal.deskIds !== null && !t.desks.some((d) => principal.deskIds!.includes(d.deskId))) continue;
      out.push({
        id: v.id,
        trader: { id: t.id, name: t.name, email: t.email, country: t.country },
        provider: v.provider,
        status: v.status,
        reason: v.reason,
        documentsSubmittedAt: v.documentsSubmittedAt,
        rejectLabels: v.rejectLabels,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
      });
    }
    return { rows: out, status: f.status ?? "waiting" };
  });
}

export async function kycCase(principal: StaffPrincipal, verificationId: unknown) {
  requirePermission(principal, "kyc.review");
  const id = validate(z.string().uuid("Unknown verification."), verificationId, "verification");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const v = await kyc.findVerification(db, id);
    if (!v) throw new AppError("NOT_FOUND", "That verification does not exist.");
    const trader = await visibleTrader(db, principal, v.traderId);
    const history = await kyc.listTraderVerifications(db, v.traderId);
    return {
      verification: v,
      trader: {
        id: trader.id,
        name: trader.name,
        email: trader.email,
        country: trader.country,
        createdAt: trader.createdAt,
      },
      history: history
        .filter((h) => h.id !== v.id)
        .map((h) => ({
          id: h.id,
          status: h.status,
          provider: h.provider,
          createdAt: h.createdAt,
          approvedAt: h.approvedAt,
        })),
    };
  });
}

export const kycNoteSchema = z.object({
  note: z.string().trim().min(3, "Write the note (what you checked, at least 3 characters).").max(4000),
  documentType: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .enum([
        "passport",
        "national_id",
        "driving_licence",
        "proof_of_address",
        "selfie",
        "video_call",
        "other",
      ])
      .optional(),
  ),
});

export async function addKycNote(principal: StaffPrincipal, verificationId: unknown, input: unknown) {
  requirePermission(principal, "kyc.review");
  const id = validate(z.string().uuid("Unknown verification."), verificationId, "verification");
  const form = validate(kycNoteSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const v = await kyc.findVerification(db, id);
    if (!v) throw new AppError("NOT_FOUND", "That verification does not exist.");
    await visibleTrader(db, principal, v.traderId);
    const note = await kyc.addNote(db, {
      verificationId: id,
      authorId: principal.userId,
      authorLabel: principal.email,
      documentType: form.documentType ?? null,
      note: form.note,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "kyc.note_added",
      target: { type: "trader", id: v.traderId },
      after: { verification: id, documentType: form.documentType ?? null },
    });
    return note;
  });
}

export const kycDecisionSchema = z
  .object({
    decision: z.enum(["approve", "reject", "resubmit"], {
      message: "Choose approve, reject or ask for new documents.",
    }),
    note: z.string().trim().min(5, "Say what you checked and why (at least 5 characters).").max(4000),
    documentType: kycNoteSchema.shape.documentType,
    labels: z.preprocess(
      (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : String(v).split(",")),
      z
        .array(
          z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^[A-Z_]{3,40}$/, "Use the reason codes from the list."),
        )
        .max(10),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== "approve" && v.labels.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["labels"],
        message: "Choose at least one reason the trader will see.",
      });
  });

/** A compliance decision on a case, with its note; moves the challenges waiting on KYC. */
export async function decideKyc(principal: StaffPrincipal, verificationId: unknown, input: unknown) {
  requirePermission(principal, "kyc.review");
  const id = validate(z.string().uuid("Unknown verification."), verificationId, "verification");
  const form = validate(kycDecisionSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const v = await kyc.findVerification(db, id);
    if (!v) throw new AppError("NOT_FOUND", "That verification does not exist.");
    await visibleTrader(db, principal, v.traderId);
    if (v.status === "superseded") throw new AppError("CONFLICT", "A newer verification replaced this one.");
    await kyc.addNote(db, {
      verificationId: id,
      authorId: principal.userId,
      authorLabel: principal.email,
      documentType: form.documentType ?? null,
      note: form.note,
    });
    const status = await applyKycDecision(db, id, {
      status:
        form.decision === "approve"
          ? "approved"
          : form.decision === "reject"
            ? "rejected"
            : "resubmission_requested",
      rejectType: form.decision === "reject" ? "FINAL" : form.decision === "resubmit" ? "RETRY" : null,
      rejectLabels: form.labels,
      comment: form.note,
      at: new Date(),
      by: "staff",
      byLabel: principal.email,
      cause: { type: "staff", userId: principal.userId, reason: form.note },
    });
    return { status };
  });
}

/** Compliance asks a trader to verify (again), e.g. before a payout. */
export async function requestKycByStaff(principal: StaffPrincipal, traderId: unknown) {
  requirePermission(principal, "kyc.review");
  const id = validate(z.string().uuid("Unknown trader."), traderId, "trader");
  await dataLayer().withTenant(principal.tenantId, (db) => visibleTrader(db, principal, id));
  return ensureVerification(principal.tenantId, id, "staff", { force: true });
}

export async function kycPolicyForDesk(db: TenantDb, deskId: string) {
  return kycPolicyFor(db, [deskId]);
}
