import { createHash } from "node:crypto";
import { dataLayer, orders } from "@propdesk/db";
import { AppError } from "@propdesk/domain";
import type { DeskContext } from "../desks/desk-context";
import { enqueue } from "../jobs/enqueue";
import { kycAccess } from "./kyc-connection";
import { processKycCallbackJob } from "./kyc-jobs";
import { verifyKycDigest } from "./kyc-provider";

export interface KycCallbackPayload {
  applicantId: string;
  externalUserId?: string;
  type: string;
  reviewStatus?: string;
  reviewResult?: {
    reviewAnswer?: "GREEN" | "RED";
    rejectLabels?: string[];
    reviewRejectType?: "FINAL" | "RETRY";
    moderationComment?: string;
    clientComment?: string;
  };
  createdAtMs?: string;
  createdAt?: string;
}

/** The vendor's "2026-11-24 09:30:01.123" (UTC) as a Date. */
export function callbackTime(p: KycCallbackPayload): Date | null {
  const raw = p.createdAtMs ?? p.createdAt;
  if (!raw) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw.replace(" ", "T") : `${raw.replace(" ", "T")}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Receives a KYC vendor callback on a desk's host: checks the digest over the raw body with the
 * firm's webhook secret, stores the delivery once (keyed by the body's hash, so a replay is a
 * duplicate) and queues it. The order of application is the vendor's timestamps', not arrival's.
 */
export async function receiveKycCallback(
  desk: DeskContext,
  rawBody: Buffer,
  headers: { digest: string | null; algorithm: string | null },
): Promise<{ duplicate: boolean }> {
  return dataLayer().withTenant(desk.tenantId, async (db) => {
    const access = await kycAccess(db);
    if (!access) throw new AppError("PRECONDITION_FAILED", "This firm has no KYC provider connected.");
    if (!verifyKycDigest(rawBody, headers.digest, headers.algorithm, access.credentials.webhookSecret))
      throw new AppError("UNAUTHENTICATED", "KYC callback signature refused.");
    let payload: KycCallbackPayload;
    try {
      payload = JSON.parse(rawBody.toString("utf8")) as KycCallbackPayload;
    } catch {
      throw new AppError("VALIDATION", "The callback body is not JSON.");
    }
    if (typeof payload.applicantId !== "string" || typeof payload.type !== "string")
      throw new AppError("VALIDATION", "The callback names no applicant or type.");
    const stored = await orders.recordWebhookDelivery(db, {
      provider: "sumsub",
      externalId: createHash("sha256").update(rawBody).digest("hex"),
      type: payload.type,
      payload: payload as never,
      eventCreatedAt: callbackTime(payload),
    });
    if (stored.inserted || !stored.processed)
      await enqueue(db, processKycCallbackJob, { deliveryId: stored.id });
    return { duplicate: !stored.inserted };
  });
}
