import type { TenantDb } from "@propdesk/db";
import { recordTraderAccess } from "../fraud/trader-access";
import { enqueue } from "../jobs/enqueue";
import { screenSubjectJob } from "./compliance-jobs";

/**
 * What a new trader account sets off, in the sign-up's unit of work: a sanctions screening (a
 * potential match never blocks the sign-up itself; it goes to compliance review) and the
 * first fraud inputs (IP and device).
 */
export async function onTraderRegistered(db: TenantDb, traderId: string): Promise<void> {
  await enqueue(db, screenSubjectJob, { subjectType: "trader", subjectId: traderId, trigger: "sign_up" });
  await recordTraderAccess(db, traderId, "sign_up");
}
