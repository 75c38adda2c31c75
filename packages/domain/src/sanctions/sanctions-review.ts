import { AppError } from "../errors";
import type { SanctionsEntry } from "./sanctions-entry";
import type { ScreeningMatch, ScreeningResult } from "./screen-name";

/**
 * Where a screened person (trader, affiliate, payee) stands:
 * - clear: no match awaiting review;
 * - potential_match: at least one match at or above the tenant's threshold waits in the compliance
 *   review queue;
 * - confirmed_match: compliance confirmed a match; purchases and payouts are blocked.
 */
export type SanctionsReviewStatus = "clear" | "potential_match" | "confirmed_match";

export interface PendingSanctionsMatch {
  /** "listId:entryId". */
  entryKey: string;
  entrySignature: string;
  score: number;
  listVersion: string;
  match: ScreeningMatch;
}

export interface SanctionsDecision {
  entryKey: string;
  entrySignature: string;
  by: string;
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface SanctionsReviewState {
  status: SanctionsReviewStatus;
  pending: PendingSanctionsMatch[];
  /** Matches compliance judged not to be this person. */
  dismissed: SanctionsDecision[];
  confirmed?: SanctionsDecision;
  lastListVersion?: string;
}

export const INITIAL_SANCTIONS_REVIEW: SanctionsReviewState = { status: "clear", pending: [], dismissed: [] };

/**
 * What a dismissal is about: the entry's names and dates of birth. When the list changes either
 * (a new alias, a corrected DOB), an earlier dismissal no longer holds and the match is reviewed again.
 */
export function entrySignature(entry: Pick<SanctionsEntry, "primaryName" | "aliases" | "remarks">): string {
  const names = [entry.primaryName, ...entry.aliases.map((a) => a.name)].sort();
  const dobs = entry.remarks.datesOfBirth.map((d) => d.text).sort();
  return JSON.stringify([names, dobs]);
}

/**
 * Folds a screening result (sign-up, KYC approval or list reload) into the person's review state.
 * A confirmed match stays confirmed. Matches already dismissed for the same entry content are
 * not queued again; any other match puts the person in potential_match.
 */
export function applyScreening(
  state: SanctionsReviewState,
  result: ScreeningResult,
  listVersion: string,
  signatureOf: (match: ScreeningMatch) => string,
): SanctionsReviewState {
  const dismissed = new Set(state.dismissed.map((d) => `${d.entryKey}\n${d.entrySignature}`));
  const pending: PendingSanctionsMatch[] = [];
  for (const m of result.matches) {
    const entryKey = `${m.listId}:${m.entryId}`;
    const signature = signatureOf(m);
    if (dismissed.has(`${entryKey}\n${signature}`)) continue;
    pending.push({ entryKey, entrySignature: signature, score: m.score, listVersion, match: m });
  }
  const next: SanctionsReviewState = { ...state, pending, lastListVersion: listVersion };
  if (state.status !== "confirmed_match") next.status = pending.length > 0 ? "potential_match" : "clear";
  return next;
}

function decision(state: SanctionsReviewState, entryKey: string, by: string, reason: string, at: number) {
  const issues = [];
  if (by.trim() === "") issues.push({ path: "by", message: "the reviewing staff user is required" });
  if (reason.trim().length < 5)
    issues.push({ path: "reason", message: "give a reason of at least 5 characters" });
  if (issues.length > 0)
    throw new AppError("VALIDATION", "A sanctions decision needs a reviewer and a reason", { issues });
  const pending = state.pending.find((p) => p.entryKey === entryKey);
  if (!pending) {
    throw new AppError("ILLEGAL_TRANSITION", `No pending sanctions match for ${entryKey}`, {
      details: { entryKey, status: state.status },
    });
  }
  return {
    pending,
    record: { entryKey, entrySignature: pending.entrySignature, by, reason: reason.trim(), at },
  };
}

/** Compliance judges a pending match not to be this person. */
export function dismissMatch(
  state: SanctionsReviewState,
  entryKey: string,
  by: string,
  reason: string,
  at: number,
): SanctionsReviewState {
  const { record } = decision(state, entryKey, by, reason, at);
  const pending = state.pending.filter((p) => p.entryKey !== entryKey);
  const status =
    state.status === "confirmed_match" ? "confirmed_match" : pending.length > 0 ? "potential_match" : "clear";
  return { ...state, status, pending, dismissed: [...state.dismissed, record] };
}

/** Compliance confirms a pending match: the person is blocked from purchases and payouts. */
export function confirmMatch(
  state: SanctionsReviewState,
  entryKey: string,
  by: string,
  reason: string,
  at: number,
): SanctionsReviewState {
  if (state.status === "confirmed_match") {
    throw new AppError("ILLEGAL_TRANSITION", "A sanctions match is already confirmed", {
      details: { confirmed: state.confirmed?.entryKey },
    });
  }
  const { record } = decision(state, entryKey, by, reason, at);
  return {
    ...state,
    status: "confirmed_match",
    pending: state.pending.filter((p) => p.entryKey !== entryKey),
    confirmed: record,
  };
}

/** A confirmed match blocks buying challenges and receiving payouts. */
export function blocksPurchasesAndPayouts(state: Pick<SanctionsReviewState, "status">): boolean {
  return state.status === "confirmed_match";
}
