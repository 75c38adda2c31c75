import { randomInt } from "node:crypto";
import { challenges, dataLayer, desks, programs, type TenantDb, traders } from "@propdesk/db";
import type { TenantSql } from "@propdesk/db/sql-unit-of-work";
import { AppError, validate } from "@propdesk/domain";
import {
  type Challenge,
  type ChallengeEvent,
  type Effect,
  newChallenge,
  transition,
} from "@propdesk/domain/lifecycle";
import { z } from "zod";
import { type Actor, recordAudit, recordAudits } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { enqueueMany } from "../jobs/enqueue";
import { loadProgramVersion } from "../programs/program-admin";
import { requirePermission } from "../staff/require-permission";
import { applyChallengeEffects } from "./challenge-jobs";

/**
 * The one place a challenge changes state. Every transition, whatever caused it (a rules-engine
 * decision, a staff action with its reason, a provider callback), runs the pure domain state
 * machine, stores the new state, appends a challenge event with its cause, writes the audit event,
 * and queues the effects (provisioning, trading on/off, notifications) through the outbox: all in
 * the caller's unit of work.
 */
export interface AppliedTransition {
  challenge: Challenge;
  effects: Effect[];
  seq: number;
  from: string;
  to: string;
}

function actorOf(cause: ChallengeEvent["cause"], label?: string): Actor {
  switch (cause.type) {
    case "staff":
      return { type: "staff", id: cause.userId, label: label ?? cause.userId };
    case "provider":
      return { type: "provider", id: cause.reference, label: cause.provider };
    case "rule":
      return { type: "system", label: `rules engine${cause.rule ? ` (${cause.rule})` : ""}` };
    case "system":
      return { type: "system", label: cause.job ?? "system" };
  }
}

export interface ApplyOptions {
  occurredAt?: Date;
  details?: Record<string, unknown>;
  tradingAccountId?: string | null;
  actorLabel?: string;
  /**
   * Run the effects job this much later: for a caller that carries out the platform effects itself
   * right after committing (live risk), the job is the safety net and need not compete with it.
   */
  effectsDelayMs?: number;
}

/**
 * One transition. `beforeAudit`: the caller's writes that belong with it, run once it is applied and
 * before its audit event (see applyChallengeEvents): where a control input joins the engine's
 * input log under the partition lock.
 */
export async function applyChallengeEvent(
  db: TenantDb,
  challengeId: string,
  event: ChallengeEvent,
  opts: ApplyOptions = {},
  beforeAudit?: (applied: AppliedTransition) => Promise<void>,
): Promise<AppliedTransition> {
  const [applied] = await applyChallengeEvents(
    db,
    [{ challengeId, event, opts }],
    beforeAudit
      ? {
          beforeAudit: async ([r]) => {
            if (r && !(r instanceof AppError)) await beforeAudit(r);
          },
        }
      : {},
  );
  if (applied instanceof AppError) throw applied;
  return applied!;
}

/**
 * Several transitions in one go, in order (live risk commits a burst of breaches together): each is
 * applied to its challenge's state as left by the ones before it, and the writes are one statement
 * per table whatever their number. A transition the state machine refuses (or of a challenge that
 * does not exist) comes back as its error, and the others still apply.
 */
export async function applyChallengeEvents(
  db: TenantDb | TenantSql,
  items: ReadonlyArray<{ challengeId: string; event: ChallengeEvent; opts?: ApplyOptions }>,
  batch: {
    /**
     * The challenges as the caller locked them earlier in this unit of work (with the seqs it has
     * taken since): live risk locks them to number its engine events first.
     */
    locked?: challenges.LockedChallenges;
    /**
     * The caller's own writes that belong with these transitions, run after theirs and before the
     * audit append: the append takes the firm's audit chain, which every audited unit of work of the
     * firm waits for until this one commits, so it comes last.
     */
    beforeAudit?: (results: ReadonlyArray<AppliedTransition | AppError>) => Promise<void>;
  } = {},
): Promise<Array<AppliedTransition | AppError>> {
  if (items.length === 0) {
    await batch.beforeAudit?.([]);
    return [];
  }
  const locked =
    batch.locked ??
    (await challenges.lockChallengesForTransition(
      db,
      items.map((x) => x.challengeId),
    ));
  const states = new Map<string, { lifecycle: Challenge; changed: boolean }>();
  const results: Array<AppliedTransition | AppError> = [];
  const events: Parameters<typeof challenges.insertChallengeEvents>[1][number][] = [];
  const audits: Parameters<typeof recordAudits>[1][number][] = [];
  const effects: Array<{
    payload: { challengeId: string; eventSeq: number; effects: Effect[] };
    availableAt: Date | undefined;
  }> = [];
  for (const { challengeId, event, opts = {} } of items) {
    const row = locked.get(challengeId);
    if (!row) {
      results.push(new AppError("NOT_FOUND", "That challenge does not exist."));
      continue;
    }
    const current = states.get(challengeId)?.lifecycle ?? (row.lifecycle as Challenge);
    let result: ReturnType<typeof transition>;
    try {
      result = transition(current, event);
    } catch (e) {
      if (e instanceof AppError) {
        results.push(e);
        continue;
      }
      throw e;
    }
    const next = result.challenge;
    states.set(challengeId, {
      lifecycle: next,
      changed: (states.get(challengeId)?.changed ?? false) || next.state !== current.state,
    });
    const seq = ++row.lastSeq;
    events.push({
      challengeId,
      seq,
      kind: "lifecycle",
      type: event.type,
      phaseIndex: event.phase ?? next.phase,
      tradingAccountId: opts.tradingAccountId ?? null,
      fromState: current.state,
      toState: next.state,
      cause: event.cause as never,
      details: (opts.details ?? {}) as never,
      occurredAt: opts.occurredAt ?? new Date(),
    });
    audits.push({
      actor: actorOf(event.cause, opts.actorLabel),
      action: `challenge.${event.type}`,
      deskId: row.deskId,
      target: { type: "challenge", id: challengeId },
      before: { state: current.state, phase: current.phase },
      after: {
        state: next.state,
        phase: next.phase,
        ...(event.cause.type === "staff" && event.cause.reason ? { reason: event.cause.reason } : {}),
      },
    });
    if (result.effects.length > 0)
      effects.push({
        payload: { challengeId, eventSeq: seq, effects: result.effects },
        availableAt: opts.effectsDelayMs ? new Date(Date.now() + opts.effectsDelayMs) : undefined,
      });
    results.push({ challenge: next, effects: result.effects, seq, from: current.state, to: next.state });
  }
  await challenges.updateChallengeStates(
    db,
    [...states].map(([challengeId, s]) => ({
      challengeId,
      lifecycle: s.lifecycle,
      status: s.lifecycle.state,
      phaseIndex: s.lifecycle.phase,
      statusChanged: s.changed,
    })),
  );
  await challenges.insertChallengeEvents(db, events);
  if (effects.length > 0) await enqueueMany(db, applyChallengeEffects, effects);
  await batch.beforeAudit?.(results);
  if (audits.length > 0) await recordAudits(db, audits);
  return results;
}

const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
function newReference(deskSlug: string): string {
  let code = "";
  for (let i = 0; i < 7; i++) code += referenceAlphabet[randomInt(referenceAlphabet.length)];
  return `${
    deskSlug
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 3)
      .toUpperCase() || "CH"
  }-${code}`;
}

/**
 * A new challenge for a trader on a program version, in state `purchased`, moved on at once: to KYC
 * when the program requires it, else to provisioning.
 */
export async function createChallenge(
  db: TenantDb,
  input: {
    deskId: string;
    deskSlug: string;
    traderId: string;
    programVersionId: string;
    origin: "manual" | "purchase" | "reset";
    previousChallengeId?: string | null;
    attempt?: number;
    cause: ChallengeEvent["cause"];
    actorLabel?: string;
  },
) {
  const { row: version, compiled } = await loadProgramVersion(db, input.programVersionId);
  if (version.program.deskId !== input.deskId)
    throw new AppError("VALIDATION", "That program belongs to another desk.");
  const lifecycle = newChallenge(compiled, input.attempt ?? 1);
  const challenge = await challenges.createChallenge(db, {
    reference: newReference(input.deskSlug),
    deskId: input.deskId,
    traderId: input.traderId,
    programVersionId: version.id,
    lifecycle: lifecycle as never,
    status: lifecycle.state,
    phaseIndex: 0,
    attempt: lifecycle.attempt,
    origin: input.origin,
    previousChallengeId: input.previousChallengeId ?? null,
    currency: compiled.currency,
    accountSize: BigInt(compiled.initial),
  });
  await traders.registerTraderDesk(db, input.traderId, input.deskId);
  const first: ChallengeEvent = lifecycle.kycRequired
    ? {
        type: "kyc_started",
        cause: input.cause.type === "staff" ? input.cause : { type: "system", job: "challenge-created" },
      }
    : {
        type: "provision",
        cause: input.cause.type === "staff" ? input.cause : { type: "system", job: "challenge-created" },
      };
  const applied = await applyChallengeEvent(db, challenge.id, first, { actorLabel: input.actorLabel });
  return { challenge, applied };
}

export const assignChallengeSchema = z.object({
  traderId: z.string().uuid("Choose a trader."),
  programId: z.string().uuid("Choose a program."),
  reason: z
    .string()
    .trim()
    .min(3, "Say why this challenge is assigned by hand (at least 3 characters).")
    .max(500),
});

/** Staff assign a challenge to a trader by hand (before checkout exists, or as a goodwill gesture); audited. */
export async function assignChallenge(principal: StaffPrincipal, input: unknown) {
  const form = validate(assignChallengeSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const version = await programs.latestProgramVersion(db, form.programId);
    if (!version) throw new AppError("NOT_FOUND", "That program has no version yet.");
    if (version.program.status !== "active") throw new AppError("CONFLICT", "That program is archived.");
    requirePermission(principal, "traders.manage", version.program.deskId);
    const trader = await traders.findTrader(db, form.traderId);
    if (!trader) throw new AppError("NOT_FOUND", "That trader does not exist.");
    if (trader.status !== "active") throw new AppError("CONFLICT", "That trader's account is closed.");
    const desk = await desks.findDesk(db, version.program.deskId);
    if (!desk) throw new AppError("NOT_FOUND", "That program's desk does not exist.");
    const created = await createChallenge(db, {
      deskId: desk.id,
      deskSlug: desk.slug,
      traderId: trader.id,
      programVersionId: version.id,
      origin: "manual",
      cause: { type: "staff", userId: principal.userId, reason: form.reason },
      actorLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "challenge.assigned",
      deskId: desk.id,
      target: { type: "challenge", id: created.challenge.id },
      after: {
        trader: trader.email,
        program: version.program.name,
        version: version.version,
        reference: created.challenge.reference,
        reason: form.reason,
      },
    });
    return created;
  });
}
