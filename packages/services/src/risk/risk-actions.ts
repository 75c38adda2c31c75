import { challenges, dataLayer, desks, risk } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import type { Challenge } from "@propdesk/domain/lifecycle";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
import { enqueue } from "../jobs/enqueue";
import { requirePermission } from "../staff/require-permission";
import { insertRestore } from "./platform-effects";
import { partitionOf } from "./risk-config";
import { deskEmergencyStop } from "./risk-jobs";

/**
 * The risk desk's two interventions, each with a written reason and audited:
 *
 * - overriding a wrong breach: the challenge goes back to where it was, the engine resumes from the
 *   state it had before the breaching update (that update is set aside), trading is enabled again;
 * - the emergency stop of a whole desk (and lifting it): every running challenge of the desk is
 *   suspended — positions closed, trading disabled, evaluation paused — and later released.
 */
const reason = z
  .string({ error: "Give a reason." })
  .trim()
  .min(5, "Give a reason of at least 5 characters (it is recorded in the audit trail).")
  .max(500, "Keep the reason under 500 characters.");

export const overrideBreachSchema = z.object({
  challengeId: z.string().uuid("Unknown challenge."),
  reason,
});

export async function overrideBreach(principal: StaffPrincipal, input: unknown) {
  const form = validate(overrideBreachSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, form.challengeId);
    if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
    requirePermission(principal, "risk.act", c.deskId);
    const lc = c.lifecycle as unknown as Challenge;
    if (lc.state !== "failed" || lc.failedFrom === null)
      throw new AppError(
        "CONFLICT",
        "Only a challenge that failed on a rule can be overridden; this one is not failed.",
      );
    const decision = await risk.findOverridableFailure(db, c.id);
    if (!decision?.stateBefore)
      throw new AppError(
        "CONFLICT",
        "No engine decision of this failure is recorded, so there is nothing to restore.",
      );
    if (decision.type === "expired")
      throw new AppError(
        "CONFLICT",
        "An expiry cannot be overridden: the phase's time limit has passed and would end it again at the next update.",
      );
    const applied = await applyChallengeEvent(
      db,
      c.id,
      { type: "breach_overridden", cause: { type: "staff", userId: principal.userId, reason: form.reason } },
      {
        actorLabel: principal.email,
        tradingAccountId: decision.tradingAccountId,
        details: { decisionId: decision.id, rule: decision.rule, inputId: Number(decision.inputId) },
      },
      // The restore joins the input log after the challenge's lock, before the audit append (see
      // lockInputPartition).
      async (t) => {
        await risk.lockInputPartition(db, partitionOf(c.id));
        const effectIndex = t.effects.findIndex((e) => e.type === "restore_engine_state");
        await insertRestore(
          db,
          { challengeId: c.id, eventSeq: t.seq, effectIndex },
          decision,
          decision.stateBefore,
        );
        await risk.markDecisionOverridden(db, decision.id, principal.email, form.reason);
      },
    );
    return { challengeId: c.id, restoredTo: applied.to, rule: decision.rule };
  });
}

export const deskStopSchema = z.object({
  deskId: z.string().uuid("Choose a desk."),
  reason,
});

/** Stops (or releases) every running challenge of a desk; the work is done by a job, one challenge at a time. */
export async function setDeskEmergencyStop(
  principal: StaffPrincipal,
  action: "stop" | "lift",
  input: unknown,
) {
  const form = validate(deskStopSchema, input);
  requirePermission(principal, "risk.act", form.deskId);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const desk = await desks.findDesk(db, form.deskId);
    if (!desk) throw new AppError("NOT_FOUND", "That desk does not exist.");
    const current = await risk.findDeskRiskSettings(db, desk.id);
    const halted = current?.tradingHalted ?? false;
    if (action === "stop" && halted) throw new AppError("CONFLICT", `${desk.name} is already stopped.`);
    if (action === "lift" && !halted) throw new AppError("CONFLICT", `${desk.name} is not stopped.`);
    await risk.upsertDeskRiskSettings(
      db,
      desk.id,
      action === "stop"
        ? {
            tradingHalted: true,
            haltedAt: new Date(),
            haltedByUserId: principal.userId,
            haltedByLabel: principal.email,
            haltReason: form.reason,
          }
        : {
            tradingHalted: false,
            haltedAt: null,
            haltedByUserId: null,
            haltedByLabel: null,
            haltReason: null,
          },
    );
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: action === "stop" ? "risk.emergency_stop" : "risk.emergency_stop_lifted",
      deskId: desk.id,
      target: { type: "desk", id: desk.id },
      before: { tradingHalted: halted },
      after: { tradingHalted: action === "stop", reason: form.reason },
    });
    await enqueue(db, deskEmergencyStop, {
      deskId: desk.id,
      action,
      userId: principal.userId,
      userLabel: principal.email,
      reason: form.reason,
    });
    return { desk: desk.name, halted: action === "stop" };
  });
}
