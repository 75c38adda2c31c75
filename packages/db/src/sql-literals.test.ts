import { describe, expect, it } from "vitest";
import { inlineParams, sqlLiteral } from "./sql-literals";

describe("sqlLiteral", () => {
  it.each([
    ["null", null, "NULL"],
    ["undefined", undefined, "NULL"],
    ["a number", 42, "'42'"],
    ["a negative fraction", -1.5, "'-1.5'"],
    ["a bigint beyond 2^53", 2n ** 60n, "'1152921504606846976'"],
    ["a boolean", true, "'true'"],
    ["a quote", "it's", "'it''s'"],
    ["SQL after a quote", "x'; DROP TABLE desks; --", "'x''; DROP TABLE desks; --'"],
    ["a backslash (escape string, doubled)", "a\\'b", "E'a\\\\''b'"],
    ["a buffer", Buffer.from([0xde, 0xad]), "E'\\\\xdead'"],
    ["an array, as pg writes it (its backslash doubled)", ["a", null, 'q"'], `E'{"a",NULL,"q\\\\""}'`],
    ["an object, as JSON", { a: "it's" }, `'{"a":"it''s"}'`],
  ])("%s", (_label, value, literal) => {
    expect(sqlLiteral(value)).toBe(literal);
  });

  it("refuses a NUL character (PostgreSQL cannot store it; a literal must not be cut short)", () => {
    expect(() => sqlLiteral("a\0'; DROP TABLE desks; --")).toThrow(/NUL character/);
  });
});

describe("inlineParams", () => {
  it.each([
    ["placeholders", "SELECT $1, $2::int", ["a", 2], "SELECT 'a', '2'::int"],
    ["$10 is not $1 followed by 0", "SELECT $10", Array.from({ length: 10 }, (_, i) => i + 1), "SELECT '10'"],
    ["a placeholder used twice", "SELECT $1 = $1", [1], "SELECT '1' = '1'"],
    ["not inside a string", "SELECT '$1', $1", ["x"], "SELECT '$1', 'x'"],
    ["not inside a string with a doubled quote", "SELECT 'a''$1', $1", ["x"], "SELECT 'a''$1', 'x'"],
    ["not inside an escape string", "SELECT E'\\'$1', $1", ["x"], "SELECT E'\\'$1', 'x'"],
    ["not inside a quoted identifier", 'SELECT 1 AS "$1", $1', ["x"], `SELECT 1 AS "$1", 'x'`],
    ["not inside a line comment", "SELECT $1 -- $2\n", ["x"], "SELECT 'x' -- $2"],
    ["not inside a block comment", "SELECT /* $2 /* $3 */ */ $1", ["x"], "SELECT /* $2 /* $3 */ */ 'x'"],
    [
      "not inside a dollar quote",
      "SELECT $f$ $1 $f$, $$ $2 $$, $1",
      ["x"],
      "SELECT $f$ $1 $f$, $$ $2 $$, 'x'",
    ],
    ["not part of an identifier", "SELECT a$1 FROM t WHERE b = $1", ["x"], "SELECT a$1 FROM t WHERE b = 'x'"],
    ["a trailing semicolon", "SELECT $1;  ", [1], "SELECT '1'"],
    ["a value that looks like a placeholder", "SELECT $1, $2", ["$2", "y"], "SELECT '$2', 'y'"],
  ])("%s", (_label, text, params, expected) => {
    expect(inlineParams(text, params)).toBe(expected);
  });

  it.each([
    ["a missing value", "SELECT $2", [1], /no value for parameter \$2/],
    ["$0", "SELECT $0", [1], /no value for parameter \$0/],
    ["two statements", "SELECT 1; SELECT 2", [], /one statement/],
    ["an unterminated string", "SELECT 'a", [], /unterminated quoted string/],
    ["an unterminated comment", "SELECT /* a", [], /unterminated comment/],
  ])("refuses %s", (_label, text, params, message) => {
    expect(() => inlineParams(text, params)).toThrow(message);
  });
});
