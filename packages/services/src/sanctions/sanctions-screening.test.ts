import type { ScreeningIndex } from "@propdesk/domain/sanctions";
import { buildScreeningIndex, DEFAULT_SCREENING_THRESHOLD, screenName } from "@propdesk/domain/sanctions";
import { beforeAll, describe, expect, it } from "vitest";
import { ALTERED_CASES, type Alteration } from "./altered-entries";
import { type LoadedSanctionsLists, loadSanctionsLists } from "./load-sanctions-lists";
import { KNOWN_COLLISIONS, ORDINARY_NAMES } from "./ordinary-names";
import { measureFalsePositives, measureRecall } from "./screening-evaluation";

// Screening against the real lists: OFAC SDN + aliases + addresses + consolidated, UN.
let lists: LoadedSanctionsLists;
let index: ScreeningIndex;
beforeAll(async () => {
  lists = await loadSanctionsLists();
  index = buildScreeningIndex(lists.entries, lists.version.sha256);
});

const label = (c: (typeof ALTERED_CASES)[number]) =>
  `${c.listId}:${c.entryId} [${c.alterations.join(", ")}] ${c.query}`;

describe("altered real list entries are found at the default threshold", () => {
  it("the set is large and covers every alteration the issue lists", () => {
    expect(ALTERED_CASES.length).toBeGreaterThanOrEqual(60);
    const kinds: Alteration[] = [
      "case",
      "accents",
      "transliteration",
      "token order",
      "punctuation",
      "missing middle name",
      "typo",
      "alias",
      "un list",
    ];
    for (const kind of kinds) {
      expect(ALTERED_CASES.filter((c) => c.alterations.includes(kind)).length, kind).toBeGreaterThanOrEqual(
        5,
      );
    }
  });

  it.each(ALTERED_CASES.map((c) => [label(c), c] as const))("%s", (_label, c) => {
    const entry = lists.entries.find((e) => e.listId === c.listId && e.entryId === c.entryId);
    expect(entry, "the case must name a real entry").toBeDefined();
    expect(
      [entry!.primaryName, ...entry!.aliases.map((a) => a.name)],
      "`listed` must be that entry's name",
    ).toContain(c.listed);
    const result = screenName(index, { fullName: c.query, type: "individual" }, { limit: 50 });
    const match = result.matches.find((m) => m.listId === c.listId && m.entryId === c.entryId);
    expect(match, `best: ${JSON.stringify(result.matches[0])}`).toBeDefined();
    expect(match!.score).toBeGreaterThanOrEqual(DEFAULT_SCREENING_THRESHOLD);
    expect(match!.tokens.length).toBeGreaterThanOrEqual(1);
  });

  it("recall over the set is 100%", () => {
    const report = measureRecall(index, ALTERED_CASES);
    expect(report.misses.map((m) => label(m.case))).toEqual([]);
    expect(report.recall).toBe(1);
  });
});

describe("ordinary names are not flagged at the default threshold", () => {
  it("the set has at least 300 distinct names and no known collision", () => {
    expect(ORDINARY_NAMES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(ORDINARY_NAMES).size).toBe(ORDINARY_NAMES.length);
    for (const c of KNOWN_COLLISIONS) expect(ORDINARY_NAMES).not.toContain(c.name);
  });

  it.each(ORDINARY_NAMES.map((n) => [n]))("%s", (name) => {
    const result = screenName(index, { fullName: name, type: "individual" });
    expect(result.matches, JSON.stringify(result.matches[0])).toEqual([]);
    expect(result.potentialMatch).toBe(false);
  });

  it("false-positive rate over the set is 0%", () => {
    const report = measureFalsePositives(index, ORDINARY_NAMES);
    expect(report.flagged.map((f) => f.name)).toEqual([]);
    expect(report.falsePositiveRate).toBe(0);
  });
});

describe("real collisions", () => {
  it.each(KNOWN_COLLISIONS.map((c) => [`${c.name} -> ${c.listId}:${c.entryId} ${c.listed}`, c] as const))(
    "%s is flagged, as it must be",
    (_label, c) => {
      const result = screenName(index, { fullName: c.name, type: "individual" });
      expect(result.matches.map((m) => `${m.listId}:${m.entryId}`)).toContain(`${c.listId}:${c.entryId}`);
    },
  );

  it("a date of birth far from every listed one clears a collision on a complete name", () => {
    // KUZNETSOVA, Anna Yurievna is listed with DOB 1982; an Anna Kuznetsova born in 1995 is not her.
    const entry = lists.entries.find((e) => e.listId === "ofac_sdn" && e.entryId === "37335")!;
    expect(entry.remarks.datesOfBirth.length).toBeGreaterThan(0);
    const listedYear = entry.remarks.datesOfBirth[0]!.yearFrom!;
    const same = screenName(index, { fullName: "Anna Kuznetsova", type: "individual", dob: `${listedYear}` });
    const other = screenName(index, {
      fullName: "Anna Kuznetsova",
      type: "individual",
      dob: `${listedYear + 13}-01-01`,
    });
    expect(same.matches.map((m) => m.entryId)).toContain("37335");
    expect(other.matches.map((m) => m.entryId)).not.toContain("37335");
  });
});

describe("index over the full lists", () => {
  it("indexes every list's names and aliases", () => {
    expect(index.stats.entries).toBe(lists.entries.length);
    expect(index.stats.names).toBeGreaterThan(35_000);
    expect(index.version).toBe(lists.version.sha256);
  });

  it("screens an entity name against entities", () => {
    const r = screenName(index, { fullName: "Banco Nacional de Cuba", type: "entity" });
    expect(r.matches[0]).toMatchObject({ listId: "ofac_sdn", entryId: "306", score: 1 });
  });
});
