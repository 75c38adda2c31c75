import type { EngineOutputType } from "../rules/engine-types";
import type { ChallengeEvent } from "./challenge-lifecycle";

/**
 * From a rules-engine decision to the lifecycle event it causes (cause `rule`), or null when the
 * decision changes no lifecycle state:
 * - breached → breached, expired → expired, paused → paused, resumed → resumed,
 *   phase_passed → phase_passed.
 * - warning and violation are notifications and review flags, not transitions.
 * - phase_started is null: the lifecycle starts a phase itself (`phase_started` after the next
 *   account is ready, effect `start_engine_phase`); the engine's own `phase_started` only echoes it.
 */
export function lifecycleEventOf(decision: {
  type: EngineOutputType;
  phase: number;
  rule: string;
}): ChallengeEvent | null {
  switch (decision.type) {
    case "breached":
      return { type: "breached", cause: { type: "rule", rule: decision.rule }, phase: decision.phase };
    case "expired":
      return { type: "expired", cause: { type: "rule", rule: "max_days" }, phase: decision.phase };
    case "paused":
      return { type: "paused", cause: { type: "rule", rule: decision.rule }, phase: decision.phase };
    case "resumed":
      return { type: "resumed", cause: { type: "rule", rule: "daily_loss" }, phase: decision.phase };
    case "phase_passed":
      return { type: "phase_passed", cause: { type: "rule" }, phase: decision.phase };
    default:
      return null;
  }
}
