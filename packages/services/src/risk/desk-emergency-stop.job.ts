import { dataLayer, risk } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import type { Challenge } from "@propdesk/domain/lifecycle";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import type { JobHandler } from "../jobs/define-job";
import { insertSuspension } from "./platform-effects";
import { partitionOf } from "./risk-config";

const stoppable = ["provisioned", "active", "paused", "awaiting_next_phase", "funded"];

const handler: JobHandler<{
  deskId: string;
  action: "stop" | "lift";
  userId: string;
  userLabel: string;
  reason: string;
}> = async (payload, ctx) => {
  let done = 0;
  const skipped = new Set<string>();
  for (;;) {
    const batch = await dataLayer().withTenant(ctx.tenantId, (db) =>
      risk.listDeskChallenges(db, payload.deskId, payload.action === "stop" ? stoppable : ["suspended"], 200),
    );
    const todo = batch.filter(
      (c) =>
        !skipped.has(c.id) &&
        (payload.action === "stop" || (c.lifecycle as unknown as Challenge).suspendedBy === "emergency_stop"),
    );
    if (todo.length === 0) break;
    for (const c of todo) {
      // The desk may have been released (or stopped again) meanwhile: follow the latest instruction.
      const settings = await dataLayer().withTenant(ctx.tenantId, (db) =>
        risk.findDeskRiskSettings(db, payload.deskId),
      );
      if ((settings?.tradingHalted ?? false) !== (payload.action === "stop")) {
        ctx.log.info({ deskId: payload.deskId }, "emergency stop superseded by a later instruction");
        return;
      }
      try {
        await dataLayer().withTenant(ctx.tenantId, async (db) => {
          await applyChallengeEvent(
            db,
            c.id,
            {
              type: payload.action === "stop" ? "emergency_stop" : "suspension_lifted",
              cause: { type: "staff", userId: payload.userId, reason: payload.reason },
            },
            { actorLabel: payload.userLabel },
            // The suspension joins the input log before the audit append (see lockInputPartition).
            async (t) => {
              await risk.lockInputPartition(db, partitionOf(c.id));
              await insertSuspension(
                db,
                { challengeId: c.id, eventSeq: t.seq, effectIndex: 0 },
                payload.action === "stop" ? "suspend" : "unsuspend",
              );
            },
          );
        });
        done++;
      } catch (e) {
        if (!(isAppError(e) && e.code === "ILLEGAL_TRANSITION")) throw e;
        skipped.add(c.id);
      }
    }
  }
  ctx.log.info(
    { deskId: payload.deskId, action: payload.action, challenges: done },
    "desk emergency stop applied",
  );
};

export default handler;
