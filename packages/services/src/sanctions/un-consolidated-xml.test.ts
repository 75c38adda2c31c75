import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "@propdesk/domain";
import { describe, expect, it } from "vitest";
import { dataDir } from "./load-sanctions-lists";
import { cleanUnAliasName, parseUnConsolidatedXml } from "./un-consolidated-xml";

const SAMPLE = `<?xml version='1.0' encoding='UTF-8'?>
<CONSOLIDATED_LIST dateGenerated='2025-04-19T23:00:04.625Z'>
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>110447</DATAID>
      <FIRST_NAME>MUHAMMAD</FIRST_NAME>
      <SECOND_NAME>TAHER</SECOND_NAME>
      <THIRD_NAME>ANWARI</THIRD_NAME>
      <UN_LIST_TYPE>Taliban</UN_LIST_TYPE>
      <REFERENCE_NUMBER>TAi.005</REFERENCE_NUMBER>
      <COMMENTS1>Belongs to Andar tribe.</COMMENTS1>
      <NATIONALITY><VALUE>Afghanistan</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Mohammad Taher Anwari</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Haji Mudir</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Amir Khazmat (original script: Амир Хазмат)</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ADDRESS><COUNTRY/></INDIVIDUAL_ADDRESS>
      <INDIVIDUAL_ADDRESS><CITY>Kabul</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_ADDRESS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1961</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1962-01-05</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1963</FROM_YEAR><TO_YEAR>1968</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Zurmat District</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>113226</DATAID>
      <FIRST_NAME>AFGHAN SUPPORT COMMITTEE (ASC)</FIRST_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Lajnat ul Masa Eidatul Afghania</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Old Committee</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS><STREET>G.T. Road</STREET><CITY> Peshawar</CITY><COUNTRY>Pakistan</COUNTRY></ENTITY_ADDRESS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>`;

describe("parseUnConsolidatedXml", () => {
  const [person, committee] = parseUnConsolidatedXml(SAMPLE);

  it("reads an individual's name fields, with the last word as positional surname", () => {
    expect(person).toMatchObject({
      listId: "un",
      entryId: "110447",
      type: "individual",
      primaryName: "MUHAMMAD TAHER ANWARI",
      primaryNameParts: { surname: "ANWARI", given: "MUHAMMAD TAHER", source: "un_fields" },
      programs: ["Taliban"],
      reference: "TAi.005",
    });
  });

  it("keeps alias quality, drops empty aliases and original-script brackets", () => {
    expect(person!.aliases).toEqual([
      { name: "Mohammad Taher Anwari", kind: "aka", quality: "good" },
      { name: "Haji Mudir", kind: "aka", quality: "low" },
      { name: "Amir Khazmat", kind: "aka", quality: "low" },
    ]);
  });

  it("reads exact, approximate and between dates of birth, nationality, places and addresses", () => {
    expect(person!.remarks.datesOfBirth).toEqual([
      { text: "1961", yearFrom: 1961, yearTo: 1961, approximate: true },
      { text: "1962-01-05", yearFrom: 1962, yearTo: 1962, month: 1, day: 5 },
      { text: "1963 to 1968", yearFrom: 1963, yearTo: 1968 },
    ]);
    expect(person!.remarks.nationalities).toEqual(["Afghanistan"]);
    expect(person!.remarks.placesOfBirth).toEqual(["Zurmat District, Afghanistan"]);
    expect(person!.addresses).toEqual([{ address: null, city: "Kabul", country: "Afghanistan" }]);
  });

  it("reads entities with a.k.a. and f.k.a. aliases", () => {
    expect(committee).toMatchObject({
      entryId: "113226",
      type: "entity",
      primaryName: "AFGHAN SUPPORT COMMITTEE (ASC)",
    });
    expect(committee!.aliases).toEqual([
      { name: "Lajnat ul Masa Eidatul Afghania", kind: "aka" },
      { name: "Old Committee", kind: "fka" },
    ]);
    expect(committee!.addresses).toEqual([{ address: "G.T. Road", city: "Peshawar", country: "Pakistan" }]);
  });

  it.each([
    ["not XML at all", "<CONSOLIDATED_LIST><INDIVIDUALS>"],
    ["another root", "<OTHER/>"],
    [
      "an individual without DATAID",
      "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    ],
  ])("refuses %s with a VALIDATION error", (_label, xml) => {
    try {
      parseUnConsolidatedXml(xml);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("VALIDATION");
    }
  });

  it.each([
    ["original script note", "Abubakar (original script: Абубакар)", "Abubakar"],
    [
      "bracketed Arabic and trailing comma",
      "Akhter Mohmad son of Noor Mohmad (اختر محمد ولد نور محمد ),",
      "Akhter Mohmad son of Noor Mohmad",
    ],
    ["Latin brackets are kept", "AFGHAN SUPPORT COMMITTEE (ASC)", "AFGHAN SUPPORT COMMITTEE (ASC)"],
  ])("cleanUnAliasName: %s", (_label, raw, clean) => {
    expect(cleanUnAliasName(raw)).toBe(clean);
  });
});

describe("parseUnConsolidatedXml on the real list", () => {
  const entries = parseUnConsolidatedXml(
    readFileSync(join(dataDir(), "sanctions", "un_consolidated_2025-04-19.xml"), "utf8"),
  );

  it("has the 684 individuals and 193 entities of 2025-04-19", () => {
    expect(entries.filter((e) => e.type === "individual")).toHaveLength(684);
    expect(entries.filter((e) => e.type === "entity")).toHaveLength(193);
  });

  it("keeps nearly every alias (2,126 individual and 578 entity alias names, minus empty ones)", () => {
    const people = entries.filter((e) => e.type === "individual").flatMap((e) => e.aliases);
    expect(people.length).toBeGreaterThan(2000);
    expect(people.length).toBeLessThanOrEqual(2126);
    expect(people.every((a) => a.name.trim() !== "")).toBe(true);
  });

  it("parses a date of birth for most individuals", () => {
    const withDob = entries.filter((e) => e.type === "individual" && e.remarks.datesOfBirth.length > 0);
    expect(withDob.length).toBeGreaterThan(600);
  });
});
