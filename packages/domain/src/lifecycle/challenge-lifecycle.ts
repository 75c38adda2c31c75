import { AppError } from "../errors";
import type { CompiledProgram } from "../programs/compile-program";
import type { ResetPolicy } from "../programs/program-schema";

/**
 * The challenge lifecycle as a pure state machine: `transition(challenge, event)` returns the next
 * challenge value, the effects the caller must carry out (in the same transaction as the state,
 * through the outbox) and an audit entry. Illegal transitions throw `AppError("ILLEGAL_TRANSITION")`;
 * a malformed cause (no staff reason where one is required, a cause type the event does not accept)
 * throws `AppError("VALIDATION")`.
 *
 *   purchased ─kyc_started→ kyc_pending ─kyc_approved→ provisioned      (program requires KYC)
 *   purchased ─provision→ provisioned                                   (no KYC)
 *   provisioned ─account_ready, phase_started→ active (or funded for a funded first phase)
 *   active ⇄ paused (soft daily limit) ─phase_passed→ awaiting_next_phase ─account_ready,
 *     phase_started→ active … → funded
 *   active / paused / funded ─breached, expired→ failed ─breach_overridden→ (restored)
 *   … ─emergency_stop / payment_disputed→ suspended ─suspension_lifted / dispute_won→ (restored)
 *     ─dispute_lost→ failed (rule "chargeback": not overridden, refunded or retaken)
 *   refund → refunded, cancel → cancelled, reset → reset (a new attempt is created)
 */

export const challengeStates = [
  "purchased",
  "kyc_pending",
  "provisioned",
  "active",
  "paused",
  "awaiting_next_phase",
  "funded",
  "failed",
  "refunded",
  "reset",
  "cancelled",
  "suspended",
] as const;
export type ChallengeState = (typeof challengeStates)[number];

/** No transition leaves these. */
export const terminalStates: readonly ChallengeState[] = ["refunded", "reset", "cancelled"];

export type Cause =
  | { type: "rule"; rule?: string | undefined }
  | { type: "staff"; userId: string; reason?: string | undefined }
  | { type: "provider"; provider: string; reference?: string | undefined }
  | { type: "system"; job?: string | undefined };
export type CauseType = Cause["type"];

export const challengeEventTypes = [
  "kyc_started",
  "kyc_approved",
  "kyc_rejected",
  "provision",
  "account_ready",
  "phase_started",
  "paused",
  "resumed",
  "phase_passed",
  "breached",
  "expired",
  "breach_overridden",
  "emergency_stop",
  "suspension_lifted",
  "payment_disputed",
  "dispute_won",
  "dispute_lost",
  "refund",
  "cancel",
  "reset",
] as const;
export type ChallengeEventType = (typeof challengeEventTypes)[number];

export interface ChallengeEvent {
  type: ChallengeEventType;
  cause: Cause;
  /** Phase index the event concerns (phase_passed, phase_started), checked when given. */
  phase?: number | undefined;
  /** Platform account login (account_ready). */
  accountId?: string | undefined;
}

/** Which causes each event accepts, and which staff actions need a written reason. */
export const eventCauses: Record<ChallengeEventType, readonly CauseType[]> = {
  kyc_started: ["system", "staff"],
  kyc_approved: ["provider", "staff"],
  kyc_rejected: ["provider", "staff"],
  provision: ["system", "staff"],
  account_ready: ["provider"],
  phase_started: ["rule", "system", "staff"],
  paused: ["rule"],
  resumed: ["rule"],
  phase_passed: ["rule"],
  breached: ["rule"],
  expired: ["rule"],
  breach_overridden: ["staff"],
  emergency_stop: ["staff"],
  suspension_lifted: ["staff"],
  payment_disputed: ["provider"],
  dispute_won: ["provider"],
  dispute_lost: ["provider"],
  refund: ["staff", "provider"],
  cancel: ["staff", "system"],
  reset: ["staff", "provider", "system"],
};

export const staffReasonRequired: readonly ChallengeEventType[] = [
  "breach_overridden",
  "emergency_stop",
  "cancel",
  "refund",
];

export interface Challenge {
  state: ChallengeState;
  /** Current (or last) phase index. */
  phase: number;
  phaseKinds: ("evaluation" | "funded")[];
  kycRequired: boolean;
  kycApproved: boolean;
  /** The platform account for the current/next phase exists. */
  accountReady: boolean;
  accountId: string | null;
  resetPolicy: ResetPolicy;
  /** 1 for the first purchase, +1 per reset. */
  attempt: number;
  /** The state a rule failure came from (restored by breach_overridden), and the rule. */
  failedFrom: ChallengeState | null;
  failedRule: string | null;
  /** The state a suspension came from, and what suspended it. */
  suspendedFrom: ChallengeState | null;
  suspendedBy: "emergency_stop" | "payment_dispute" | null;
}

export type Effect =
  | { type: "request_kyc" }
  | { type: "provision_account"; phase: number }
  | { type: "start_engine_phase"; phase: number }
  | { type: "close_positions" }
  | { type: "disable_trading" }
  | { type: "enable_trading" }
  | { type: "restore_engine_state" }
  | { type: "refund_payment" }
  | { type: "create_attempt"; attempt: number; pricePct: number }
  | { type: "notify_trader"; topic: ChallengeEventType };

export interface AuditEntry {
  from: ChallengeState;
  to: ChallengeState;
  event: ChallengeEventType;
  cause: Cause;
}

export interface TransitionResult {
  challenge: Challenge;
  effects: Effect[];
  audit: AuditEntry;
}

/** A new challenge for a purchased program version. */
export function newChallenge(program: CompiledProgram, attempt = 1): Challenge {
  return {
    state: "purchased",
    phase: 0,
    phaseKinds: program.phases.map((p) => (p.isEvaluation ? "evaluation" : "funded")),
    kycRequired: program.source.kycRequired ?? false,
    kycApproved: false,
    accountReady: false,
    accountId: null,
    resetPolicy: program.source.reset ?? { allowed: false, discountPct: 0, freeRetake: false },
    attempt,
    failedFrom: null,
    failedRule: null,
    suspendedFrom: null,
    suspendedBy: null,
  };
}

/**
 * The phase whose platform account is to be opened next: 0 once provisioned, the next one after a
 * pass; null when that account is open already or no account is due.
 */
export function phaseAwaitingAccount(c: Challenge): number | null {
  if (c.accountReady) return null;
  if (c.state === "provisioned") return 0;
  if (c.state === "awaiting_next_phase") return c.phase + 1;
  return null;
}

function illegal(c: Challenge, e: ChallengeEvent, why: string): never {
  throw new AppError(
    "ILLEGAL_TRANSITION",
    `Cannot apply ${e.type} to a challenge that is ${c.state}: ${why}.`,
    {
      details: { state: c.state, event: e.type },
    },
  );
}

function checkCause(e: ChallengeEvent): void {
  const allowed = eventCauses[e.type];
  if (!allowed) throw new AppError("VALIDATION", `type: unknown challenge event "${String(e.type)}"`);
  if (!allowed.includes(e.cause?.type))
    throw new AppError(
      "VALIDATION",
      `cause.type: ${e.type} must be caused by ${allowed.join(" or ")}, not ${String(e.cause?.type)}`,
      { issues: [{ path: "cause.type", message: `must be ${allowed.join(" or ")}` }] },
    );
  if (e.cause.type === "staff") {
    if (!e.cause.userId?.trim())
      throw new AppError("VALIDATION", "cause.userId: a staff action names the staff member", {
        issues: [{ path: "cause.userId", message: "is required" }],
      });
    if (staffReasonRequired.includes(e.type) && !e.cause.reason?.trim())
      throw new AppError("VALIDATION", `cause.reason: ${e.type} by staff needs a written reason`, {
        issues: [{ path: "cause.reason", message: "is required" }],
      });
  }
}

/** The trading state of the current phase: funded for a funded phase, else active. */
function runningState(c: Challenge, phase: number): ChallengeState {
  return c.phaseKinds[phase] === "funded" ? "funded" : "active";
}

const trading: readonly ChallengeState[] = ["active", "paused", "funded"];

/**
 * Taking an account out of trading: disable first, then close. Closing first leaves a moment in
 * which the trader, still enabled, can open a position that the close never saw.
 */
const stopTrading = (): Effect[] => [{ type: "disable_trading" }, { type: "close_positions" }];
const notTerminal = (s: ChallengeState) => !terminalStates.includes(s);

/**
 * Applies one event. Pure: the input challenge is not modified.
 */
export function transition(challenge: Challenge, event: ChallengeEvent): TransitionResult {
  checkCause(event);
  const c: Challenge = { ...challenge, phaseKinds: [...challenge.phaseKinds] };
  const from = challenge.state;
  const effects: Effect[] = [];
  const to = (state: ChallengeState): TransitionResult => {
    c.state = state;
    return { challenge: c, effects, audit: { from, to: state, event: event.type, cause: event.cause } };
  };
  const s = from;
  const e = event;

  switch (e.type) {
    case "kyc_started":
      if (s !== "purchased") illegal(challenge, e, "KYC starts right after the purchase");
      if (!c.kycRequired) illegal(challenge, e, "the program does not require KYC");
      effects.push({ type: "request_kyc" });
      return to("kyc_pending");

    case "kyc_approved":
      if (s !== "kyc_pending") illegal(challenge, e, "no KYC check is pending");
      c.kycApproved = true;
      effects.push({ type: "provision_account", phase: 0 });
      return to("provisioned");

    case "kyc_rejected":
      if (s !== "kyc_pending") illegal(challenge, e, "no KYC check is pending");
      effects.push({ type: "notify_trader", topic: "kyc_rejected" });
      return to("cancelled");

    case "provision":
      if (s !== "purchased") illegal(challenge, e, "only a purchased challenge is provisioned");
      if (c.kycRequired && !c.kycApproved) illegal(challenge, e, "the program requires KYC first");
      effects.push({ type: "provision_account", phase: 0 });
      return to("provisioned");

    case "account_ready":
      if (s !== "provisioned" && s !== "awaiting_next_phase")
        illegal(challenge, e, "no platform account is being provisioned");
      c.accountReady = true;
      c.accountId = e.accountId ?? c.accountId;
      return to(s);

    case "phase_started": {
      if (s !== "provisioned" && s !== "awaiting_next_phase")
        illegal(challenge, e, "a phase starts after provisioning or after a pass");
      const next = s === "provisioned" ? 0 : c.phase + 1;
      if (next >= c.phaseKinds.length) illegal(challenge, e, "the program has no further phase");
      if (e.phase !== undefined && e.phase !== next)
        illegal(challenge, e, `the next phase is ${next}, not ${e.phase}`);
      if (!c.accountReady) illegal(challenge, e, "the platform account is not ready");
      c.phase = next;
      effects.push(
        { type: "start_engine_phase", phase: next },
        { type: "notify_trader", topic: "phase_started" },
      );
      return to(runningState(c, next));
    }

    case "paused":
      if (s !== "active" && s !== "funded") illegal(challenge, e, "only a trading account is paused");
      effects.push({ type: "disable_trading" }, { type: "notify_trader", topic: "paused" });
      return to("paused");

    case "resumed":
      if (s !== "paused") illegal(challenge, e, "the challenge is not paused");
      effects.push({ type: "enable_trading" }, { type: "notify_trader", topic: "resumed" });
      return to(runningState(c, c.phase));

    case "phase_passed": {
      if (s !== "active" && s !== "paused")
        illegal(challenge, e, "only a running evaluation phase is passed");
      if (e.phase !== undefined && e.phase !== c.phase)
        illegal(challenge, e, `the current phase is ${c.phase}`);
      effects.push({ type: "disable_trading" }, { type: "notify_trader", topic: "phase_passed" });
      if (c.phase + 1 >= c.phaseKinds.length) {
        // An evaluation-only program: passing its last phase is what "funded" means for it.
        return to("funded");
      }
      c.accountReady = false;
      effects.push({ type: "provision_account", phase: c.phase + 1 });
      return to("awaiting_next_phase");
    }

    case "breached":
    case "expired":
      if (!trading.includes(s)) illegal(challenge, e, "only a trading account can fail on a rule");
      c.failedFrom = s;
      c.failedRule = e.type === "expired" ? "expired" : (e.cause.type === "rule" && e.cause.rule) || "rule";
      effects.push(...stopTrading(), { type: "notify_trader", topic: e.type });
      return to("failed");

    case "breach_overridden": {
      if (s !== "failed" || c.failedFrom === null)
        illegal(challenge, e, "only a rule failure can be overridden");
      const restored = c.failedFrom;
      c.failedFrom = null;
      c.failedRule = null;
      effects.push(
        { type: "restore_engine_state" },
        { type: "enable_trading" },
        { type: "notify_trader", topic: "breach_overridden" },
      );
      return to(restored);
    }

    case "emergency_stop":
      if (!["provisioned", "active", "paused", "awaiting_next_phase", "funded"].includes(s))
        illegal(challenge, e, "there is no trading account to stop");
      c.suspendedFrom = s;
      c.suspendedBy = "emergency_stop";
      effects.push(...stopTrading());
      return to("suspended");

    case "suspension_lifted":
    case "dispute_won": {
      const by = e.type === "suspension_lifted" ? "emergency_stop" : "payment_dispute";
      if (s !== "suspended" || c.suspendedBy !== by || c.suspendedFrom === null)
        illegal(
          challenge,
          e,
          by === "emergency_stop" ? "it was not stopped by staff" : "no payment dispute is open",
        );
      const restored = c.suspendedFrom;
      c.suspendedFrom = null;
      c.suspendedBy = null;
      if (trading.includes(restored)) effects.push({ type: "enable_trading" });
      return to(restored);
    }

    case "payment_disputed":
      if (!notTerminal(s) || s === "suspended")
        illegal(challenge, e, "the challenge is closed or already suspended");
      if (s === "failed" && c.failedRule === "chargeback")
        illegal(challenge, e, "the payment was already charged back");
      c.suspendedFrom = s;
      c.suspendedBy = "payment_dispute";
      if (trading.includes(s)) effects.push(...stopTrading());
      return to("suspended");

    case "dispute_lost":
      if (s !== "suspended" || c.suspendedBy !== "payment_dispute")
        illegal(challenge, e, "no payment dispute is open");
      c.suspendedFrom = null;
      c.suspendedBy = null;
      // The bank already returned the money: nothing to refund. The challenge fails as a
      // chargeback, which no breach override restores and no reset retakes.
      c.failedFrom = null;
      c.failedRule = "chargeback";
      effects.push({ type: "notify_trader", topic: "dispute_lost" });
      return to("failed");

    case "refund":
      if (!notTerminal(s) || s === "funded")
        illegal(challenge, e, "a closed or funded challenge is not refunded");
      if (s === "failed" && c.failedRule === "chargeback")
        illegal(challenge, e, "the payment was already charged back");
      if (trading.includes(s)) effects.push(...stopTrading());
      effects.push({ type: "refund_payment" }, { type: "notify_trader", topic: "refund" });
      return to("refunded");

    case "cancel":
      if (!notTerminal(s)) illegal(challenge, e, "the challenge is already closed");
      if (trading.includes(s)) effects.push(...stopTrading());
      effects.push({ type: "notify_trader", topic: "cancel" });
      return to("cancelled");

    case "reset": {
      if (!["failed", "active", "paused"].includes(s))
        illegal(challenge, e, "only an evaluation can be retaken");
      if (c.phaseKinds[c.phase] === "funded") illegal(challenge, e, "a funded account is not reset");
      if (!c.resetPolicy.allowed) illegal(challenge, e, "the program does not allow a reset");
      if (s === "failed" && c.failedRule === "chargeback")
        illegal(challenge, e, "a challenge lost to a chargeback is not retaken");
      if (trading.includes(s)) effects.push(...stopTrading());
      const pricePct = c.resetPolicy.freeRetake ? 0 : 100 - c.resetPolicy.discountPct;
      effects.push({ type: "create_attempt", attempt: c.attempt + 1, pricePct });
      return to("reset");
    }
  }
  return illegal(challenge, e, "unknown event");
}
