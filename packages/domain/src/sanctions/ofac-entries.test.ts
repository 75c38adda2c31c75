import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { buildOfacEntries, parseOfacPrimaryFile, splitOfacPersonName } from "./ofac-entries";
import { parseDateOfBirth, parseOfacRemarks } from "./ofac-remarks";

const dataDir = process.env.PROPDESK_DATA_DIR || join(import.meta.dirname, "../../../../../shared/data");
const sanctionsFile = (name: string) => readFileSync(join(dataDir, "sanctions", name), "utf8");

describe("splitOfacPersonName", () => {
  it.each([
    [
      "LAST, First Middle",
      "AL-SHANTI, Jamileh Abdullah",
      { surname: "AL-SHANTI", given: "Jamileh Abdullah" },
    ],
    [
      "compound surname",
      "GARCIA DURAN, Maria Del Rosario",
      { surname: "GARCIA DURAN", given: "Maria Del Rosario" },
    ],
    [
      "generational suffix kept apart",
      "DELOS REYES, Feliciano Semborio, Jr.",
      { surname: "DELOS REYES", given: "Feliciano Semborio", suffix: "Jr." },
    ],
  ])("%s", (_label, name, expected) => {
    expect(splitOfacPersonName(name)).toEqual({ ...expected, source: "ofac_comma" });
  });

  it.each([
    ["no comma", "ABU AMIR"],
    ["empty given part", "KHAN,"],
  ])("%s: no parts", (_label, name) => {
    expect(splitOfacPersonName(name)).toBeUndefined();
  });
});

describe("parseDateOfBirth", () => {
  it.each([
    ["exact day", "11 Dec 1974", { yearFrom: 1974, yearTo: 1974, month: 12, day: 11 }],
    ["month and year", "Dec 1965", { yearFrom: 1965, yearTo: 1965, month: 12 }],
    ["year only", "1964", { yearFrom: 1964, yearTo: 1964 }],
    ["circa year", "circa 1955", { yearFrom: 1955, yearTo: 1955, approximate: true }],
    ["range of years", "1963 to 1965", { yearFrom: 1963, yearTo: 1965 }],
    [
      "range of days inside one month",
      "01 Jan 1957 to 31 Jan 1957",
      { yearFrom: 1957, yearTo: 1957, month: 1 },
    ],
    [
      "range over years with trailing period",
      "01 Jan 1955 to 31 Dec 1956.",
      { yearFrom: 1955, yearTo: 1956 },
    ],
  ])("%s: %s", (_label, text, expected) => {
    expect(parseDateOfBirth(text)).toMatchObject(expected);
  });

  it("keeps an unknown shape as text only", () => {
    expect(parseDateOfBirth("unknown")).toEqual({ text: "unknown" });
  });
});

describe("parseOfacRemarks", () => {
  it("reads DOBs, nationalities, citizenships and places of birth", () => {
    const { remarks } = parseOfacRemarks(
      "DOB 11 Dec 1974; alt. DOB 1975; POB Tunisia; nationality Tunisia; citizen Italy; Passport L 191609.",
    );
    expect(remarks.datesOfBirth.map((d) => d.text)).toEqual(["11 Dec 1974", "1975"]);
    expect(remarks.nationalities).toEqual(["Tunisia", "Italy"]);
    expect(remarks.placesOfBirth).toEqual(["Tunisia"]);
  });

  it("returns OFAC's weak a.k.a.s as low-quality aliases, apostrophes inside names included", () => {
    const { weakAliases } = parseOfacRemarks(
      "DOB 1955; a.k.a. 'ASAD, Haji'; a.k.a. 'ABU-'UMAR'; f.k.a. 'SAND SWAN'.",
    );
    expect(weakAliases).toEqual([
      { name: "ASAD, Haji", kind: "aka", quality: "low" },
      { name: "ABU-'UMAR", kind: "aka", quality: "low" },
      { name: "SAND SWAN", kind: "fka", quality: "low" },
    ]);
  });

  it("gives empty facts for a null remark", () => {
    expect(parseOfacRemarks(null).remarks).toEqual({
      text: null,
      datesOfBirth: [],
      nationalities: [],
      placesOfBirth: [],
    });
  });
});

const SDN = [
  '100,"AL-SHANTI, Jamileh Abdullah","individual","NS-PLC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1955; a.k.a. \'SHANTI, J.\'."',
  '200,"BANCO EXAMPLE","-0- ","CUBA] [SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
  "",
].join("\r\n");
const CONS = '200,"BANCO EXAMPLE",-0- ,"UKRAINE-EO13662",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a';
const ALT = [
  '100,1,"aka","SHANTI, Jamila",-0- ',
  '100,2,"aka","SHANTI, J.",-0- ',
  '200,3,"fka","BANCO VIEJO",-0- ',
  '900,4,"aka","NEWMAN, Anna",-0- ',
  '900,5,"aka","NEWMAN, Anne",-0- ',
  '901,6,"aka","NEW TRADING LLC",-0- ',
  "\x1a",
].join("\r\n");
const ADD = [
  '100,1,-0- ,"Gaza",-0- ,-0- ',
  '200,2,"Calle 1","Havana","Cuba",-0- ',
  '999,3,-0- ,-0- ,"Iran",-0- ',
].join("\r\n");

describe("buildOfacEntries", () => {
  const { entries, stats } = buildOfacEntries({ sdn: SDN, cons: CONS, alt: ALT, add: ADD });
  const find = (list: string, id: string) => entries.find((e) => e.listId === list && e.entryId === id)!;

  it("parses a person with surname parts, DOB and a weak alias made strong by alt.csv", () => {
    const e = find("ofac_sdn", "100");
    expect(e.type).toBe("individual");
    expect(e.primaryNameParts).toMatchObject({ surname: "AL-SHANTI", given: "Jamileh Abdullah" });
    expect(e.remarks.datesOfBirth[0]).toMatchObject({ yearFrom: 1955 });
    expect(e.aliases).toEqual([
      { name: "SHANTI, J.", kind: "aka", parts: { surname: "SHANTI", given: "J.", source: "ofac_comma" } },
      {
        name: "SHANTI, Jamila",
        kind: "aka",
        parts: { surname: "SHANTI", given: "Jamila", source: "ofac_comma" },
      },
    ]);
    expect(e.addresses).toEqual([{ address: null, city: "Gaza", country: null }]);
  });

  it("attaches aliases and addresses to an ent_num on both the SDN and the consolidated list", () => {
    for (const list of ["ofac_sdn", "ofac_cons"]) {
      const e = find(list, "200");
      expect(e.type).toBe("entity");
      expect(e.aliases).toEqual([{ name: "BANCO VIEJO", kind: "fka" }]);
      expect(e.addresses).toEqual([{ address: "Calle 1", city: "Havana", country: "Cuba" }]);
    }
    expect(find("ofac_sdn", "200").programs).toEqual(["CUBA", "SDGT"]);
  });

  it("makes alias-only entries for designations missing from the SDN file, with an inferred type and a note", () => {
    const person = find("ofac_sdn", "900");
    expect(person).toMatchObject({ type: "individual", primaryName: "NEWMAN, Anna" });
    expect(person.aliases.map((a) => a.name)).toEqual(["NEWMAN, Anne"]);
    expect(person.notes?.[0]).toMatch(/No primary record/);
    expect(find("ofac_sdn", "901").type).toBe("entity");
    expect(stats).toMatchObject({
      aliasRowsWithoutPrimary: 3,
      aliasOnlyEntries: 2,
      addressRowsWithoutPrimary: 1,
    });
  });

  it("can leave alias-only designations out", () => {
    const without = buildOfacEntries({ sdn: SDN, alt: ALT }, { aliasOnlyEntries: false });
    expect(without.entries.map((e) => e.entryId)).toEqual(["100", "200"]);
  });

  it("refuses an unknown SDN type, naming the record and column", () => {
    const bad = '1,"X","ship","CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';
    expect(() => parseOfacPrimaryFile(bad, "ofac_sdn")).toThrow(AppError);
    try {
      parseOfacPrimaryFile(bad, "ofac_sdn");
    } catch (e) {
      expect((e as AppError).issues[0]?.path).toBe("sdn.csv[0].SDN_Type");
    }
  });
});

describe("buildOfacEntries on the real files", () => {
  const { entries, stats } = buildOfacEntries({
    sdn: sanctionsFile("ofac_sdn_2024-05-03.csv"),
    cons: sanctionsFile("ofac_cons_prim.csv"),
    alt: sanctionsFile("ofac_alt.csv"),
    add: sanctionsFile("ofac_add.csv"),
  });

  it("reads every record and counts what the newer alias file adds", () => {
    const sdn = entries.filter((e) => e.listId === "ofac_sdn" && e.notes === undefined);
    expect(sdn).toHaveLength(14_965);
    expect(sdn.filter((e) => e.type === "individual")).toHaveLength(6_854);
    expect(sdn.filter((e) => e.type === "vessel")).toHaveLength(851);
    expect(entries.filter((e) => e.listId === "ofac_cons")).toHaveLength(443);
    expect(stats.aliasRows).toBe(20_260);
    // SOURCES.md: 2,727 alias rows point outside the SDN file; 77 of them are consolidated-list entries.
    expect(stats.aliasRowsWithoutPrimary).toBe(2_727 - 77);
  });

  it("assembles a real entry: BANCO NACIONAL DE CUBA with its alias and Zurich address", () => {
    const bnc = entries.find((e) => e.listId === "ofac_sdn" && e.entryId === "306")!;
    expect(bnc.type).toBe("entity");
    expect(bnc.aliases.map((a) => a.name)).toContain("NATIONAL BANK OF CUBA");
    expect(bnc.addresses).toContainEqual({
      address: "Zweierstrasse 35",
      city: "Zurich CH-8022",
      country: "Switzerland",
    });
  });
});
