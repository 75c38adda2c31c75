import { type CompiledProgram, canonicalJson } from "@propdesk/domain/programs";
import { copyOutputEvent, type EmittedEvent, EngineOutput, type EngineState } from "@propdesk/domain/rules";
import { type ChallengeEngine, evaluateInput, newChallengeEngine, type SkipReason } from "./challenge-engine";
import type { RiskInput } from "./risk-input";

/**
 * Disputes: recomputes a challenge's decisions from its stored inputs with the live pipeline's own
 * `evaluateInput` (the domain's `applyEvent` inside), and compares them field by field with the
 * decisions the live evaluator recorded, keyed by (input, index). An override's restore is checked
 * too: the state it resumed from must be the recomputed state before the overridden decision.
 */
export interface StoredDecisionRef {
  inputId: number;
  idx: number;
  decision: EmittedEvent;
}

export interface ReplayRow {
  inputId: number;
  idx: number;
  recomputed: EmittedEvent | null;
  stored: EmittedEvent | null;
  matches: boolean;
}

export interface ChallengeReplay {
  inputs: number;
  evaluated: number;
  skipped: Partial<Record<SkipReason, number>>;
  rows: ReplayRow[];
  matches: boolean;
  /** Index in `rows` of the first difference, -1 when everything matches. */
  firstMismatch: number;
  restores: Array<{ inputId: number; matches: boolean }>;
  engine: ChallengeEngine;
}

const same = (a: EmittedEvent, b: EmittedEvent) =>
  JSON.stringify(copyOutputEvent(a)) === JSON.stringify(copyOutputEvent(b));

export function replayChallenge(
  program: CompiledProgram,
  inputs: readonly RiskInput[],
  stored: readonly StoredDecisionRef[],
): ChallengeReplay {
  const engine = newChallengeEngine(program);
  const out = new EngineOutput();
  const recomputed: StoredDecisionRef[] = [];
  const before = new Map<string, EngineState>();
  const restores: ChallengeReplay["restores"] = [];
  const skipped: ChallengeReplay["skipped"] = {};
  let evaluated = 0;
  for (const input of inputs) {
    if (input.kind === "restore" && input.restoreOf) {
      const expected = before.get(`${input.restoreOf.inputId}:${input.restoreOf.idx}`);
      restores.push({
        inputId: input.inputId,
        // The stored state went through jsonb (keys reordered): compare canonical forms.
        matches: expected !== undefined && canonicalJson(expected) === canonicalJson(input.restoreState),
      });
    }
    const r = evaluateInput(engine, input, out);
    if (r.evaluated) evaluated++;
    else if (r.skipped) skipped[r.skipped] = (skipped[r.skipped] ?? 0) + 1;
    for (const d of r.decisions) {
      recomputed.push({ inputId: input.inputId, idx: d.idx, decision: d.decision });
      if (d.stateBefore) before.set(`${input.inputId}:${d.idx}`, d.stateBefore);
    }
  }
  const key = (x: { inputId: number; idx: number }) => `${x.inputId}:${x.idx}`;
  const storedByKey = new Map(stored.map((s) => [key(s), s]));
  const rows: ReplayRow[] = [];
  for (const r of recomputed) {
    const s = storedByKey.get(key(r));
    storedByKey.delete(key(r));
    rows.push({
      inputId: r.inputId,
      idx: r.idx,
      recomputed: r.decision,
      stored: s?.decision ?? null,
      matches: s !== undefined && same(r.decision, s.decision),
    });
  }
  for (const s of storedByKey.values())
    rows.push({ inputId: s.inputId, idx: s.idx, recomputed: null, stored: s.decision, matches: false });
  rows.sort((a, b) => a.inputId - b.inputId || a.idx - b.idx);
  const firstMismatch = rows.findIndex((r) => !r.matches);
  return {
    inputs: inputs.length,
    evaluated,
    skipped,
    rows,
    matches: firstMismatch === -1 && restores.every((r) => r.matches),
    firstMismatch,
    restores,
    engine,
  };
}
