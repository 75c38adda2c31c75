import { describe, expect, it } from "vitest";
import { addMonths, instantMs, parseInstant, toIso } from "./instant";

describe("instantMs", () => {
  it.each([
    ["UTC with seconds", "2026-03-01T09:30:00Z", Date.UTC(2026, 2, 1, 9, 30)],
    ["offset", "2026-03-01T10:30+01:00", Date.UTC(2026, 2, 1, 9, 30)],
    ["no offset", "2026-03-01T09:30:00", null],
    ["date only, not allowed", "2026-03-01", null],
    ["Feb 29 in a common year", "2027-02-29T00:00:00Z", null],
    ["Feb 29 in a leap year", "2028-02-29T00:00:00Z", Date.UTC(2028, 1, 29)],
  ])("%s", (_label, value, expected) => {
    expect(instantMs(value)).toBe(expected);
  });

  it("date-only when allowed is UTC midnight", () => {
    expect(instantMs("2026-03-01", { allowDateOnly: true })).toBe(Date.UTC(2026, 2, 1));
  });

  it("parseInstant names the field", () => {
    expect(() => parseInstant("yesterday", "now")).toThrow(/^now: "yesterday" is not an ISO instant/);
  });
});

describe("addMonths clamps to the end of shorter months", () => {
  it.each([
    ["Jan 31 + 1", "2026-01-31T12:00:00.000Z", 1, "2026-02-28T12:00:00.000Z"],
    ["Jan 31 + 1 in a leap year", "2028-01-31T12:00:00.000Z", 1, "2028-02-29T12:00:00.000Z"],
    ["Mar 15 + 3", "2026-03-15T00:00:00.000Z", 3, "2026-06-15T00:00:00.000Z"],
    ["Nov 30 + 3 crosses the year", "2026-11-30T00:00:00.000Z", 3, "2027-02-28T00:00:00.000Z"],
  ])("%s", (_label, from, months, expected) => {
    expect(toIso(addMonths(Date.parse(from), months))).toBe(expected);
  });
});
