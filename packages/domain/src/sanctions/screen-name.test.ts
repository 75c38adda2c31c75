import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { splitOfacPersonName } from "./ofac-entries";
import type { SanctionsEntry } from "./sanctions-entry";
import { DEFAULT_SCREENING_THRESHOLD, screenName } from "./screen-name";
import { buildScreeningIndex } from "./screening-index";

function person(entryId: string, name: string, extra: Partial<SanctionsEntry> = {}): SanctionsEntry {
  const parts = splitOfacPersonName(name);
  return {
    listId: "ofac_sdn",
    entryId,
    type: "individual",
    primaryName: name,
    ...(parts ? { primaryNameParts: parts } : {}),
    aliases: [],
    programs: ["SDGT"],
    addresses: [],
    remarks: { text: null, datesOfBirth: [], nationalities: [], placesOfBirth: [] },
    ...extra,
  };
}

function entity(entryId: string, name: string): SanctionsEntry {
  return { ...person(entryId, name), type: "entity", primaryNameParts: undefined };
}

// A list the size of a real one in miniature: many people called Mohammed (so that name is
// common, as on the real lists), and filler names so rare tokens have realistic weights.
const letters = (n: number) => {
  let s = "";
  do {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
};
const filler = Array.from({ length: 2000 }, (_, i) =>
  i < 300
    ? person(`m${i}`, `ZQ${letters(i)}VOR, Mohammed`)
    : person(`f${i}`, `XQ${letters(i)}TUL, Wyq${letters(i)}`),
);

const listed: SanctionsEntry[] = [
  person("9641", "AL-SHANTI, Jamileh Abdullah", {
    remarks: {
      text: "DOB 1955",
      datesOfBirth: [{ text: "12 Mar 1955", yearFrom: 1955, yearTo: 1955, month: 3, day: 12 }],
      nationalities: ["Palestinian"],
      placesOfBirth: [],
    },
  }),
  person("100", "QADIRI, Mohammed"),
  person("101", "STAVRIDIS, Konstantinos"),
  person("102", "ABU TEIR, Mohammed"),
  person("103", "KIM, Il"),
  person("104", "DUARTE MUNOZ, Roque", { aliases: [{ name: "CAMPOS ARREDONDO, Humberto", kind: "aka" }] }),
  person("105", "WEAKLY, Known", { aliases: [{ name: "HAJI ABDULLAH", kind: "aka", quality: "low" }] }),
  person("106", "KOROBOV, Igor Valentinovich"),
  entity("200", "SHANTI TRADING COMPANY"),
  entity("201", "CIMEX"),
  entity("202", "JOINT STOCK COMPANY SBERBANK"),
  entity("203", "BANCO NACIONAL DE CUBA"),
];
const index = buildScreeningIndex([...listed, ...filler], "test");

const screen = (
  fullName: string,
  extra: Partial<Parameters<typeof screenName>[1]> = {},
  threshold?: number,
) =>
  screenName(index, { fullName, type: "individual", ...extra }, threshold === undefined ? {} : { threshold });
const ids = (r: ReturnType<typeof screenName>) => r.matches.map((m) => m.entryId);

describe("screenName finds altered names", () => {
  it.each([
    ["token order, particle written apart, missing middle name", "Jamileh Al Shanti", "9641"],
    ["case and punctuation", "AL-SHANTI, JAMILEH ABDULLAH", "9641"],
    ["glued particle", "Jamileh Abdullah Alshanti", "9641"],
    ["accented and lower-case", "jamiléh abdullah al-shanti", "9641"],
    ["transliteration of a frequent name", "Muhammad Qadiri", "100"],
    ["one typo in a long token (adjacent swap)", "Konstantinos Stavirdis", "101"],
    ["particle dropped", "Mohammed Teir", "102"],
    ["an alias instead of the primary name", "Humberto Campos Arredondo", "104"],
    ["Cyrillic script", "Игорь Валентинович Коробов", "106"],
  ])("%s: %s", (_label, name, entryId) => {
    expect(ids(screen(name))).toContain(entryId);
  });
});

describe("screenName precision rules", () => {
  it("one common first name is never enough", () => {
    expect(screen("Mohammed Smith").matches).toEqual([]);
  });

  it("a single-token query does not match multi-token entries on that token", () => {
    expect(screen("Stavridis").matches).toEqual([]);
  });

  it("a single-token query meets a single-token list name", () => {
    expect(ids(screenName(index, { fullName: "Cimex", type: "entity" }))).toEqual(["201"]);
  });

  it("short tokens need exact matches: 'Kin Il' is not 'KIM, Il'", () => {
    expect(screen("Kin Il").matches).toEqual([]);
    expect(ids(screen("Il Kim"))).toEqual(["103"]);
  });

  it("a token two consonant edits away is not a match", () => {
    expect(screen("Konstantinos Stabirdis").matches).toEqual([]);
  });

  it("vowel-only differences count as phonetic, not as a miss", () => {
    expect(screen("Konstantinos Stavirdos").matches[0]!.tokens).toContainEqual(
      expect.objectContaining({ query: "stavirdos", list: "stavridis", kind: "phonetic" }),
    );
  });

  it("individuals meet individuals only, unless entities are asked for", () => {
    expect(ids(screen("Shanti Trading Company"))).toEqual([]);
    expect(
      ids(
        screenName(
          index,
          { fullName: "Shanti Trading Company", type: "individual" },
          { includeEntities: true },
        ),
      ),
    ).toEqual(["200"]);
    expect(ids(screenName(index, { fullName: "Jamileh Abdullah Al Shanti", type: "entity" }))).toEqual([]);
  });

  it("weak one-token aliases are not indexed (they would flag every nickname)", () => {
    expect(screen("Haji Abdullah").matches).toEqual([]);
  });
});

describe("screenName on entity names", () => {
  it.each([
    ["legal forms are optional", "Sberbank PJSC", "202"],
    ["a single distinctive word", "Sberbank", "202"],
    ["S.A. and case", "Banco Nacional de Cuba, S.A.", "203"],
  ])("%s: %s", (_label, name, entryId) => {
    expect(ids(screenName(index, { fullName: name, type: "entity" }))).toEqual([entryId]);
  });

  it("a legal form alone matches nothing", () => {
    expect(screenName(index, { fullName: "Joint Stock Company", type: "entity" }).matches).toEqual([]);
  });
});

describe("screenName evidence", () => {
  it("says which entry, which name, which tokens matched and which are missing", () => {
    const [m] = screen("Jamileh Al Shanti").matches;
    expect(m).toMatchObject({
      listId: "ofac_sdn",
      entryId: "9641",
      matchedName: "AL-SHANTI, Jamileh Abdullah",
      matchedNameKind: "primary",
      missingListTokens: ["abdullah (middle)"],
      extraQueryTokens: [],
    });
    expect(m!.tokens).toEqual(
      expect.arrayContaining([
        { query: "jamileh", list: "jamileh", kind: "exact", similarity: 1 },
        { query: "shanti", list: "shanti", kind: "exact", similarity: 1 },
      ]),
    );
    expect(m!.score).toBeGreaterThanOrEqual(DEFAULT_SCREENING_THRESHOLD);
    expect(m!.score).toBeLessThan(1);
  });

  it("labels variant and typo pairs", () => {
    const variant = screen("Muhammad Qadiri").matches[0]!;
    expect(variant.tokens).toContainEqual({
      query: "muhammad",
      list: "mohammed",
      kind: "variant",
      similarity: 0.95,
    });
    const typo = screen("Konstantinos Stavirdis").matches[0]!;
    expect(typo.tokens).toContainEqual(
      expect.objectContaining({ query: "stavirdis", list: "stavridis", kind: "typo" }),
    );
  });

  it("reports the alias that matched", () => {
    const m = screen("Humberto Campos Arredondo").matches[0]!;
    expect(m).toMatchObject({
      entryId: "104",
      primaryName: "DUARTE MUNOZ, Roque",
      matchedName: "CAMPOS ARREDONDO, Humberto",
    });
    expect(m.matchedNameKind).toBe("aka");
  });

  it("an exact full name scores 1", () => {
    expect(screen("Jamileh Abdullah Al-Shanti").matches[0]!.score).toBe(1);
  });
});

describe("date of birth and country adjust the score", () => {
  const base = screen("Jamileh Al Shanti").matches[0]!.score;
  const scoreWith = (extra: { dob?: string; country?: string }) =>
    screenName(
      index,
      { fullName: "Jamileh Al Shanti", type: "individual", ...extra },
      { threshold: 0 },
    ).matches.find((m) => m.entryId === "9641")!;

  it.each([
    ["the listed day", { dob: "1955-03-12" }, 0.05],
    ["the listed year", { dob: "1955" }, 0.02],
    ["two years off", { dob: "1957-01-01" }, -0.05],
    ["ten years off", { dob: "1965-01-01" }, -0.2],
    ["a listed nationality, by code", { country: "PS" }, 0.03],
    ["another nationality", { country: "Sweden" }, -0.05],
  ])("%s", (_label, extra, delta) => {
    const m = scoreWith(extra);
    expect(m.score).toBeCloseTo(Math.min(1, base + delta), 3);
    expect(m.adjustments).toHaveLength(1);
    expect(m.adjustments[0]!.delta).toBe(delta);
  });

  it("a date of birth far from the listed one takes a partial match below the default threshold", () => {
    expect(screen("Jamileh Al Shanti", { dob: "1990-06-01" }).matches).toEqual([]);
  });

  it("DOB and country never create a match on their own", () => {
    expect(screen("Mohammed Smith", { dob: "1955-03-12", country: "PS" }).matches).toEqual([]);
  });
});

describe("screenName input checks", () => {
  it.each([
    ["empty name", { fullName: "  ", type: "individual" }, "fullName"],
    ["bad date of birth", { fullName: "A B", dob: "12/03/1955", type: "individual" }, "dob"],
    ["unknown type", { fullName: "A B", type: "vessel" }, "type"],
  ])("%s is a VALIDATION error naming the field", (_label, input, path) => {
    try {
      screenName(index, input as Parameters<typeof screenName>[1]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("VALIDATION");
      expect((e as AppError).issues.map((i) => i.path)).toContain(path);
    }
  });

  it.each([[-0.1], [1.5], [Number.NaN]])("refuses threshold %s", (threshold) => {
    expect(() => screen("Jamileh Al Shanti", {}, threshold)).toThrow(AppError);
  });

  it("a tenant with a lower threshold sees weaker matches", () => {
    expect(screen("Mohammed Qadiri Haddad").matches).toEqual([]);
    expect(ids(screen("Mohammed Qadiri Haddad", {}, 0.6))).toContain("100");
  });
});
