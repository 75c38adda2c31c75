import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { csvField, parseCsv, toCsv } from "./csv";

const fields = (text: string, delimiter?: string) => parseCsv(text, { delimiter }).map((r) => r.fields);

describe("parseCsv (RFC 4180)", () => {
  it.each([
    [
      "plain",
      "a,b,c\r\n1,2,3\r\n",
      [
        ["a", "b", "c"],
        ["1", "2", "3"],
      ],
    ],
    [
      "LF line ends, no final break",
      "a,b\n1,2",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    ["quoted delimiter", 'a,"b,c"\n', [["a", "b,c"]]],
    ["doubled quotes", '"say ""hi""",x\n', [['say "hi"', "x"]]],
    ["line break inside quotes", '"two\r\nlines",x\n', [["two\r\nlines", "x"]]],
    ["empty fields", "a,,c,\n", [["a", "", "c", ""]]],
    ["blank lines skipped", "a\n\n\nb\n", [["a"], ["b"]]],
    ["a lone quoted empty field is a record", '""\n', [[""]]],
    ["byte order mark dropped", "\uFEFFid,amount\n", [["id", "amount"]]],
    ["spaces kept", " a , b \n", [[" a ", " b "]]],
  ])("%s", (_label, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it("reads semicolon-separated files", () => {
    expect(fields('a;"b;c"\n', ";")).toEqual([["a", "b;c"]]);
  });

  it("records carry the line they start on, counting breaks inside quotes", () => {
    expect(parseCsv('h\n"x\ny"\nz\n').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it.each([
    ["an unterminated quote", 'a\n"open,b\nc\n', "CSV line 2: a quoted field is never closed."],
    ["text after a closing quote", '"a"b,c\n', "CSV line 1: unexpected text after a closing quote."],
    [
      "a quote inside an unquoted field",
      'ok\nab"c\n',
      "CSV line 2: a quote inside an unquoted field; quote the whole field.",
    ],
  ])("refuses %s with its line", (_label, text, message) => {
    try {
      parseCsv(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toBe(message);
    }
  });
});

describe("toCsv and csvField", () => {
  it.each([
    ["plain", "abc", "abc"],
    ["comma", "a,b", '"a,b"'],
    ["quote", 'a"b', '"a""b"'],
    ["line feed", "a\nb", '"a\nb"'],
    ["carriage return", "a\rb", '"a\rb"'],
    ["empty", "", ""],
  ])("%s", (_label, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    ["formula", "=SUM(A1)", "'=SUM(A1)"],
    ["plus", "+1", "'+1"],
    ["minus", "-12.50", "'-12.50"],
    ["at sign", "@cmd", "'@cmd"],
    ["ordinary text", "payout:p1", "payout:p1"],
  ])("guards a spreadsheet %s when asked", (_label, value, expected) => {
    expect(csvField(value, { guardFormula: true })).toBe(expected);
  });

  it("ends every row with CRLF", () => {
    expect(
      toCsv([
        ["a", "b"],
        ["1", "x,y"],
      ]),
    ).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it("round-trips any table of strings", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.string({ unit: fc.constantFrom("a", " ", ",", '"', "\r", "\n", "é", ";") }), {
            minLength: 1,
            maxLength: 5,
          }),
          {
            maxLength: 8,
          },
        ),
        (rows) => {
          expect(fields(toCsv(rows))).toEqual(rows);
        },
      ),
    );
  });
});
