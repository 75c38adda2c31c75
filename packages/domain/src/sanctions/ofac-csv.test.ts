import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { expectColumns, parseOfacCsv } from "./ofac-csv";

const dataDir = process.env.PROPDESK_DATA_DIR || join(import.meta.dirname, "../../../../../shared/data");
const sanctionsFile = (name: string) => readFileSync(join(dataDir, "sanctions", name), "utf8");

describe("parseOfacCsv", () => {
  it.each([
    ["quoted fields and bare numbers", '36,"AEROCARIBBEAN AIRLINES"\r\n', [["36", "AEROCARIBBEAN AIRLINES"]]],
    ["OFAC null marker with its trailing space", '36,-0- ,"CUBA"\r\n', [["36", null, "CUBA"]]],
    ["comma inside quotes", '173,"ANGLO-CARIBBEAN CO., LTD."\r\n', [["173", "ANGLO-CARIBBEAN CO., LTD."]]],
    ["doubled quote escapes one", '1,"THE ""BEST"" LTD"\r\n', [["1", 'THE "BEST" LTD']]],
    [
      "trailing Ctrl-Z after the last CRLF",
      '1,"A"\r\n2,"B"\r\n\x1a',
      [
        ["1", "A"],
        ["2", "B"],
      ],
    ],
    [
      "no final line break",
      '1,"A"\r\n2,"B"',
      [
        ["1", "A"],
        ["2", "B"],
      ],
    ],
    [
      "LF line ends",
      '1,"A"\n2,-0- \n',
      [
        ["1", "A"],
        ["2", null],
      ],
    ],
    ["empty quoted field is null", '1,""\r\n', [["1", null]]],
    ["trailing comma is an empty last field", "1,\r\n", [["1", null]]],
  ])("%s", (_label, input, expected) => {
    expect(parseOfacCsv(input)).toEqual(expected);
  });

  it("refuses an unterminated quoted field and names the record", () => {
    const err = (() => {
      try {
        parseOfacCsv('1,"A"\r\n2,"B\r\n', "sdn.csv");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).issues[0]?.path).toBe("sdn.csv[1]");
  });

  it("expectColumns reports each malformed record by file and index", () => {
    const rows = parseOfacCsv('1,"A",-0- \r\n2,"B"\r\n');
    expect(() => expectColumns(rows, 3, "alt.csv")).toThrow(AppError);
    try {
      expectColumns(rows, 3, "alt.csv");
    } catch (e) {
      expect((e as AppError).issues).toEqual([{ path: "alt.csv[1]", message: "expected 3 fields, got 2" }]);
    }
  });
});

describe("parseOfacCsv on the real OFAC files", () => {
  it.each([
    ["ofac_sdn_2024-05-03.csv", 14_965, 12],
    ["ofac_alt.csv", 20_260, 5],
    ["ofac_add.csv", 24_776, 6],
    ["ofac_cons_prim.csv", 443, 12],
  ])("%s has %i records of %i fields", (file, records, columns) => {
    const rows = parseOfacCsv(sanctionsFile(file), file);
    expect(rows).toHaveLength(records);
    expect(rows.every((r) => r.length === columns)).toBe(true);
  });

  it("reads the first SDN record with its nulls", () => {
    const [first] = parseOfacCsv(sanctionsFile("ofac_sdn_2024-05-03.csv"));
    expect(first).toEqual([
      "36",
      "AEROCARIBBEAN AIRLINES",
      null,
      "CUBA",
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
