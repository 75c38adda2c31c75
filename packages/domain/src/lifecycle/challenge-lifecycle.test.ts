import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { compileProgram } from "../programs/compile-program";
import { programTemplate } from "../programs/program-templates";
import {
  type Cause,
  type Challenge,
  type ChallengeEvent,
  type ChallengeEventType,
  type ChallengeState,
  challengeEventTypes,
  challengeStates,
  eventCauses,
  newChallenge,
  phaseAwaitingAccount,
  staffReasonRequired,
  transition,
} from "./challenge-lifecycle";
import { lifecycleEventOf } from "./engine-lifecycle";

// A two-step program that requires KYC and allows resets (10% discount).
const program = (() => {
  const p = programTemplate("two-step-cfd")!.program;
  p.kycRequired = true;
  return compileProgram(p);
})();

/** A valid cause of the first kind the event accepts (staff causes carry a reason). */
function causeFor(type: ChallengeEventType): Cause {
  switch (eventCauses[type][0]) {
    case "rule":
      return { type: "rule", rule: "daily_loss" };
    case "staff":
      return { type: "staff", userId: "risk-1", reason: "checked the statement" };
    case "provider":
      return { type: "provider", provider: "stripe", reference: "evt_1" };
    default:
      return { type: "system", job: "lifecycle" };
  }
}

const ev = (type: ChallengeEventType, extra: Partial<ChallengeEvent> = {}): ChallengeEvent => ({
  type,
  cause: causeFor(type),
  ...extra,
});

/** Drives a challenge through a sequence of events. */
function drive(c: Challenge, ...types: ChallengeEventType[]): Challenge {
  for (const t of types) c = transition(c, ev(t)).challenge;
  return c;
}

const purchased = newChallenge(program);
const provisioned = drive(purchased, "kyc_started", "kyc_approved");
const active = drive(provisioned, "account_ready", "phase_started");
const awaiting = drive(active, "phase_passed");
const funded = drive(
  awaiting,
  "account_ready",
  "phase_started",
  "phase_passed",
  "account_ready",
  "phase_started",
);

// Every state with a realistic fixture and the transitions expected to be legal from it.
// Every other (state, event) pair must be refused with ILLEGAL_TRANSITION.
const table: [string, Challenge, Partial<Record<ChallengeEventType, ChallengeState>>][] = [
  [
    "purchased",
    purchased,
    { kyc_started: "kyc_pending", payment_disputed: "suspended", refund: "refunded", cancel: "cancelled" },
  ],
  [
    "kyc_pending",
    drive(purchased, "kyc_started"),
    {
      kyc_approved: "provisioned",
      kyc_rejected: "cancelled",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
    },
  ],
  [
    "provisioned (account not ready)",
    provisioned,
    {
      account_ready: "provisioned",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
    },
  ],
  [
    "provisioned (account ready)",
    drive(provisioned, "account_ready"),
    {
      account_ready: "provisioned",
      phase_started: "active",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
    },
  ],
  [
    "active",
    active,
    {
      paused: "paused",
      phase_passed: "awaiting_next_phase",
      breached: "failed",
      expired: "failed",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
      reset: "reset",
    },
  ],
  [
    "paused",
    drive(active, "paused"),
    {
      resumed: "active",
      phase_passed: "awaiting_next_phase",
      breached: "failed",
      expired: "failed",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
      reset: "reset",
    },
  ],
  [
    "awaiting_next_phase",
    awaiting,
    {
      account_ready: "awaiting_next_phase",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
    },
  ],
  [
    "awaiting_next_phase (account ready)",
    drive(awaiting, "account_ready"),
    {
      account_ready: "awaiting_next_phase",
      phase_started: "active",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
    },
  ],
  [
    "funded",
    funded,
    {
      paused: "paused",
      breached: "failed",
      expired: "failed",
      emergency_stop: "suspended",
      payment_disputed: "suspended",
      cancel: "cancelled",
    },
  ],
  [
    "failed",
    drive(active, "breached"),
    {
      breach_overridden: "active",
      payment_disputed: "suspended",
      refund: "refunded",
      cancel: "cancelled",
      reset: "reset",
    },
  ],
  ["refunded", drive(purchased, "refund"), {}],
  ["reset", drive(active, "breached", "reset"), {}],
  ["cancelled", drive(purchased, "cancel"), {}],
  [
    "suspended (emergency stop)",
    drive(active, "emergency_stop"),
    { suspension_lifted: "active", refund: "refunded", cancel: "cancelled" },
  ],
  [
    "suspended (payment dispute)",
    drive(active, "payment_disputed"),
    { dispute_won: "active", dispute_lost: "failed", refund: "refunded", cancel: "cancelled" },
  ],
  // A lost dispute: failed as a chargeback, which nothing but cancel leaves.
  ["failed (chargeback)", drive(active, "payment_disputed", "dispute_lost"), { cancel: "cancelled" }],
];

describe("every state × every event", () => {
  it("the table covers every state", () => {
    expect(new Set(table.map(([, c]) => c.state))).toEqual(new Set(challengeStates));
  });

  const cases = table.flatMap(([label, challenge, legal]) =>
    challengeEventTypes.map((type) => [label, type, legal[type] ?? null, challenge] as const),
  );

  it.each(cases)("%s + %s → %s", (_label, type, expected, challenge) => {
    if (expected === null) {
      expect(() => transition(challenge, ev(type))).toThrow(
        expect.objectContaining({ code: "ILLEGAL_TRANSITION", message: expect.stringContaining(type) }),
      );
    } else {
      const r = transition(challenge, ev(type));
      expect(r.challenge.state).toBe(expected);
      expect(r.audit).toEqual({ from: challenge.state, to: expected, event: type, cause: causeFor(type) });
    }
  });
});

describe("guards and effects", () => {
  it("a program without KYC is provisioned straight from purchased, and refuses kyc_started", () => {
    const noKyc = newChallenge(compileProgram(programTemplate("two-step-cfd")!.program));
    const r = transition(noKyc, ev("provision"));
    expect([r.challenge.state, r.effects]).toEqual([
      "provisioned",
      [{ type: "provision_account", phase: 0 }],
    ]);
    expect(() => transition(noKyc, ev("kyc_started"))).toThrow(/does not require KYC/);
  });

  it("a program with KYC refuses provisioning before approval", () => {
    expect(() => transition(purchased, ev("provision"))).toThrow(/requires KYC first/);
  });

  it("instant funding starts in the funded state", () => {
    const c = newChallenge(compileProgram(programTemplate("instant-funding")!.program));
    expect(drive(c, "kyc_started", "kyc_approved", "account_ready", "phase_started").state).toBe("funded");
  });

  it("passing a phase provisions the next phase's account, and the next phase starts only when it is ready", () => {
    const r = transition(active, ev("phase_passed", { phase: 0 }));
    expect(r.effects).toContainEqual({ type: "provision_account", phase: 1 });
    expect(() => transition(r.challenge, ev("phase_started"))).toThrow(/not ready/);
    const next = transition(drive(r.challenge, "account_ready"), ev("phase_started", { phase: 1 }));
    expect([next.challenge.state, next.challenge.phase]).toEqual(["active", 1]);
    expect(next.effects).toContainEqual({ type: "start_engine_phase", phase: 1 });
  });

  it("refuses an event for another phase than the current one", () => {
    expect(() => transition(active, ev("phase_passed", { phase: 1 }))).toThrow(/current phase is 0/);
  });

  it("a paused funded account resumes to funded", () => {
    expect(drive(funded, "paused", "resumed").state).toBe("funded");
  });

  it("an overridden breach restores the exact state it came from and the engine state", () => {
    const failedWhilePaused = drive(active, "paused", "breached");
    const r = transition(failedWhilePaused, ev("breach_overridden"));
    expect(r.challenge.state).toBe("paused");
    expect(r.effects).toContainEqual({ type: "restore_engine_state" });
    expect(r.challenge.failedRule).toBeNull();
  });

  it("a lost dispute fails the challenge as a chargeback: no override, refund, reset or second dispute", () => {
    const r = transition(drive(funded, "payment_disputed"), ev("dispute_lost"));
    expect([r.challenge.state, r.challenge.failedRule, r.challenge.failedFrom]).toEqual([
      "failed",
      "chargeback",
      null,
    ]);
    expect(r.effects).toEqual([{ type: "notify_trader", topic: "dispute_lost" }]);
    for (const type of ["breach_overridden", "refund", "reset", "payment_disputed"] as const)
      expect(() => transition(r.challenge, ev(type))).toThrow(
        expect.objectContaining({ code: "ILLEGAL_TRANSITION" }),
      );
  });

  it("a breach records its rule and takes the account out of trading", () => {
    const r = transition(active, { type: "breached", cause: { type: "rule", rule: "max_loss" } });
    expect(r.challenge.failedRule).toBe("max_loss");
    expect(r.effects.slice(0, 2)).toEqual([{ type: "disable_trading" }, { type: "close_positions" }]);
  });

  // Closing first would leave the trader a moment, still enabled, to open a position the close missed.
  it.each([
    ["breach", active, "breached"],
    ["expiry", active, "expired"],
    ["emergency stop", active, "emergency_stop"],
    ["payment dispute", active, "payment_disputed"],
    ["refund", active, "refund"],
    ["cancel", active, "cancel"],
    ["reset", active, "reset"],
    ["emergency stop of a funded account", funded, "emergency_stop"],
    ["breach of a paused account", drive(active, "paused"), "breached"],
  ] as const)("%s: trading is disabled before positions are closed", (_label, from, type) => {
    const kinds = transition(from, ev(type)).effects.map((e) => e.type);
    expect(kinds).toContain("close_positions");
    expect(kinds.indexOf("disable_trading")).toBeLessThan(kinds.indexOf("close_positions"));
    expect(kinds.indexOf("disable_trading")).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["10% discount", { allowed: true, discountPct: 10, freeRetake: false }, 90],
    ["free retake", { allowed: true, discountPct: 10, freeRetake: true }, 0],
    ["no discount", { allowed: true, discountPct: 0, freeRetake: false }, 100],
  ])("reset creates the next attempt at the program's price (%s)", (_label, resetPolicy, pricePct) => {
    const failed = { ...drive(active, "breached"), resetPolicy };
    expect(transition(failed, ev("reset")).effects).toContainEqual({
      type: "create_attempt",
      attempt: 2,
      pricePct,
    });
  });

  it("reset is refused when the program does not allow it", () => {
    const c = {
      ...drive(active, "breached"),
      resetPolicy: { allowed: false, discountPct: 0, freeRetake: false },
    };
    expect(() => transition(c, ev("reset"))).toThrow(/does not allow a reset/);
  });

  it("does not modify the challenge it is given", () => {
    const before = JSON.stringify(active);
    transition(active, ev("breached"));
    expect(JSON.stringify(active)).toBe(before);
  });
});

describe("causes", () => {
  it.each(staffReasonRequired.map((t) => [t]))("staff %s without a reason is refused", (type) => {
    const from = type === "breach_overridden" ? drive(active, "breached") : active;
    for (const reason of [undefined, "", "   "]) {
      expect(() => transition(from, { type, cause: { type: "staff", userId: "u1", reason } })).toThrow(
        expect.objectContaining({
          code: "VALIDATION",
          issues: [{ path: "cause.reason", message: "is required" }],
        }),
      );
    }
  });

  it("a staff cause must name the staff member", () => {
    expect(() =>
      transition(active, { type: "emergency_stop", cause: { type: "staff", userId: "", reason: "x" } }),
    ).toThrow(/cause.userId/);
  });

  it.each([
    ["a breach caused by staff", "breached", { type: "staff", userId: "u", reason: "r" }],
    ["an override by a rule", "breach_overridden", { type: "rule" }],
    ["a KYC approval by the system", "kyc_approved", { type: "system" }],
    ["an emergency stop by a provider", "emergency_stop", { type: "provider", provider: "x" }],
  ] as [string, ChallengeEventType, Cause][])("refuses %s", (_label, type, cause) => {
    expect(() => transition(active, { type, cause })).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });

  it("a system or provider cancel/refund needs no reason", () => {
    expect(
      transition(purchased, { type: "cancel", cause: { type: "system", job: "abandoned" } }).challenge.state,
    ).toBe("cancelled");
    expect(
      transition(purchased, { type: "refund", cause: { type: "provider", provider: "stripe" } }).challenge
        .state,
    ).toBe("refunded");
  });

  it("errors are AppErrors", () => {
    expect(() => transition(purchased, ev("resumed"))).toThrow(AppError);
  });
});

describe("engine decisions → lifecycle events", () => {
  it.each([
    ["breached", "max_loss", { type: "breached", cause: { type: "rule", rule: "max_loss" }, phase: 0 }],
    ["expired", "", { type: "expired", cause: { type: "rule", rule: "max_days" }, phase: 0 }],
    ["paused", "daily_loss", { type: "paused", cause: { type: "rule", rule: "daily_loss" }, phase: 0 }],
    ["resumed", "", { type: "resumed", cause: { type: "rule", rule: "daily_loss" }, phase: 0 }],
    ["phase_passed", "", { type: "phase_passed", cause: { type: "rule" }, phase: 0 }],
    ["phase_started", "", null],
    ["warning", "daily_loss", null],
    ["violation", "news_window", null],
  ] as const)("%s → %j", (type, rule, expected) => {
    expect(lifecycleEventOf({ type, phase: 0, rule })).toEqual(expected);
  });

  it("every mapped decision is a legal transition from a trading state", () => {
    const fromState = {
      breached: active,
      expired: active,
      paused: active,
      resumed: drive(active, "paused"),
      phase_passed: active,
    };
    for (const [type, from] of Object.entries(fromState)) {
      const e = lifecycleEventOf({ type: type as "breached", phase: 0, rule: "daily_loss" })!;
      expect(() => transition(from, e)).not.toThrow();
    }
  });
});

describe("the phase whose account is to be opened", () => {
  it.each([
    ["purchased: none yet", purchased, null],
    ["provisioned, account not open: phase 0", provisioned, 0],
    ["provisioned, account open: none", drive(provisioned, "account_ready"), null],
    ["active: none", active, null],
    ["passed phase 0: phase 1", awaiting, 1],
    ["passed, next account open: none", drive(awaiting, "account_ready"), null],
    ["funded: none", funded, null],
  ] as const)("%s", (_label, c, expected) => {
    expect(phaseAwaitingAccount(c)).toBe(expected);
  });
});
