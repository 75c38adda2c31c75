import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import {
  applyScreening,
  blocksPurchasesAndPayouts,
  confirmMatch,
  dismissMatch,
  entrySignature,
  INITIAL_SANCTIONS_REVIEW,
} from "./sanctions-review";
import type { ScreeningMatch, ScreeningResult } from "./screen-name";

const match = (entryId: string, score = 0.9): ScreeningMatch => ({
  listId: "ofac_sdn",
  entryId,
  entryType: "individual",
  primaryName: `NAME ${entryId}`,
  matchedName: `NAME ${entryId}`,
  matchedNameKind: "primary",
  score,
  nameScore: score,
  tokens: [],
  missingListTokens: [],
  extraQueryTokens: [],
  adjustments: [],
  programs: [],
});
const result = (...matches: ScreeningMatch[]): ScreeningResult => ({
  query: "Jane Doe",
  threshold: 0.85,
  potentialMatch: matches.length > 0,
  matches,
});
const sig = (v: string) => () => v;

describe("sanctions review state", () => {
  it.each([
    ["no match keeps a person clear", result(), "clear", 0],
    ["a match puts the person in the review queue", result(match("1")), "potential_match", 1],
    ["two matches queue two reviews", result(match("1"), match("2")), "potential_match", 2],
  ])("%s", (_label, r, status, pending) => {
    const s = applyScreening(INITIAL_SANCTIONS_REVIEW, r, "v1", sig("a"));
    expect(s.status).toBe(status);
    expect(s.pending).toHaveLength(pending);
    expect(s.lastListVersion).toBe("v1");
    expect(blocksPurchasesAndPayouts(s)).toBe(false);
  });

  it("a dismissed match is not queued again on the next screening of the same entry", () => {
    let s = applyScreening(INITIAL_SANCTIONS_REVIEW, result(match("1")), "v1", sig("a"));
    s = dismissMatch(s, "ofac_sdn:1", "officer-7", "different DOB and nationality", 1000);
    expect(s.status).toBe("clear");
    s = applyScreening(s, result(match("1")), "v2", sig("a"));
    expect(s.status).toBe("clear");
  });

  it("a dismissal no longer holds once the list entry changed (new alias or DOB)", () => {
    let s = applyScreening(INITIAL_SANCTIONS_REVIEW, result(match("1")), "v1", sig("a"));
    s = dismissMatch(s, "ofac_sdn:1", "officer-7", "different DOB and nationality", 1000);
    s = applyScreening(s, result(match("1")), "v2", sig("b"));
    expect(s.status).toBe("potential_match");
  });

  it("a confirmed match blocks purchases and payouts and survives later screenings", () => {
    let s = applyScreening(INITIAL_SANCTIONS_REVIEW, result(match("1"), match("2")), "v1", sig("a"));
    s = confirmMatch(s, "ofac_sdn:2", "officer-7", "passport number matches the listing", 2000);
    expect(s.status).toBe("confirmed_match");
    expect(s.confirmed).toMatchObject({ entryKey: "ofac_sdn:2", by: "officer-7" });
    expect(blocksPurchasesAndPayouts(s)).toBe(true);
    s = applyScreening(s, result(), "v2", sig("a"));
    expect(s.status).toBe("confirmed_match");
    expect(blocksPurchasesAndPayouts(s)).toBe(true);
  });

  it.each([
    ["an entry that is not pending", "ofac_sdn:9", "officer", "a good reason", "ILLEGAL_TRANSITION"],
    ["no reviewer", "ofac_sdn:1", " ", "a good reason", "VALIDATION"],
    ["no real reason", "ofac_sdn:1", "officer", "ok", "VALIDATION"],
  ])("refuses a decision on %s", (_label, key, by, reason, code) => {
    const s = applyScreening(INITIAL_SANCTIONS_REVIEW, result(match("1")), "v1", sig("a"));
    for (const decide of [dismissMatch, confirmMatch]) {
      try {
        decide(s, key, by, reason, 0);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe(code);
      }
    }
  });

  it("entrySignature changes with names and dates of birth, not with their order", () => {
    const base = {
      primaryName: "A",
      aliases: [
        { name: "B", kind: "aka" as const },
        { name: "C", kind: "aka" as const },
      ],
      remarks: { text: null, datesOfBirth: [{ text: "1955" }], nationalities: [], placesOfBirth: [] },
    };
    const reordered = { ...base, aliases: [...base.aliases].reverse() };
    const newDob = { ...base, remarks: { ...base.remarks, datesOfBirth: [{ text: "1956" }] } };
    expect(entrySignature(reordered)).toBe(entrySignature(base));
    expect(entrySignature(newDob)).not.toBe(entrySignature(base));
  });
});
