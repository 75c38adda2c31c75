import type { ScreeningIndex, ScreeningMatch } from "@propdesk/domain/sanctions";
import { DEFAULT_SCREENING_THRESHOLD, screenName } from "@propdesk/domain/sanctions";
import type { AlteredCase } from "./altered-entries";

export interface RecallReport {
  cases: number;
  found: number;
  recall: number;
  misses: { case: AlteredCase; best: ScreeningMatch | undefined }[];
}

/** Share of altered list names whose own entry is returned at the threshold. */
export function measureRecall(
  index: ScreeningIndex,
  cases: readonly AlteredCase[],
  threshold = DEFAULT_SCREENING_THRESHOLD,
): RecallReport {
  const misses: RecallReport["misses"] = [];
  for (const c of cases) {
    const r = screenName(index, { fullName: c.query, type: "individual" }, { threshold, limit: 50 });
    const hit = r.matches.some((m) => m.listId === c.listId && m.entryId === c.entryId);
    if (!hit) {
      const low = screenName(index, { fullName: c.query, type: "individual" }, { threshold: 0, limit: 200 });
      misses.push({
        case: c,
        best: low.matches.find((m) => m.listId === c.listId && m.entryId === c.entryId),
      });
    }
  }
  const found = cases.length - misses.length;
  return { cases: cases.length, found, recall: cases.length === 0 ? 1 : found / cases.length, misses };
}

export interface FalsePositiveReport {
  names: number;
  flagged: { name: string; match: ScreeningMatch }[];
  falsePositiveRate: number;
}

/** Ordinary names flagged at the threshold (each one a false positive). */
export function measureFalsePositives(
  index: ScreeningIndex,
  names: readonly string[],
  threshold = DEFAULT_SCREENING_THRESHOLD,
): FalsePositiveReport {
  const flagged: FalsePositiveReport["flagged"] = [];
  for (const name of names) {
    const r = screenName(index, { fullName: name, type: "individual" }, { threshold });
    const top = r.matches[0];
    if (top !== undefined) flagged.push({ name, match: top });
  }
  return {
    names: names.length,
    flagged,
    falsePositiveRate: names.length === 0 ? 0 : flagged.length / names.length,
  };
}
