import { fraud, type TenantDb } from "@propdesk/db";
import { enqueue } from "../jobs/enqueue";
import { currentRequestContext } from "../request/request-context";
import { evaluateTraderFraud } from "./fraud-jobs";

/**
 * Records where and from which browser a trader signed up, signed in or checked out (the request's
 * IP and device cookie), in the caller's unit of work, and queues a fraud evaluation.
 */
export async function recordTraderAccess(
  db: TenantDb,
  traderId: string,
  kind: "sign_up" | "sign_in" | "checkout",
) {
  const ctx = currentRequestContext();
  await fraud.recordAccessEvent(db, {
    traderId,
    kind,
    ip: ctx?.ip ?? null,
    deviceId: ctx?.deviceId ?? null,
    userAgent: ctx?.userAgent?.slice(0, 400) ?? null,
  });
  await enqueue(db, evaluateTraderFraud, { traderId, related: true });
}
