import { describe, expect, it } from "vitest";
import { isUsDaylightTime, sourceClockToUtc } from "./source-clock";

const wall = (iso: string) => Date.parse(`${iso}Z`);
const iso = (ms: number) => new Date(ms).toISOString();

describe("sourceClockToUtc", () => {
  it.each([
    ["ny-close winter is UTC+2", "2026-02-16T02:07:00", "2026-02-16T00:07:00.000Z"],
    ["ny-close summer is UTC+3", "2026-05-28T17:00:00", "2026-05-28T14:00:00.000Z"],
    ["ny-close Friday before the March change", "2026-03-06T23:59:00", "2026-03-06T21:59:00.000Z"],
    [
      "ny-close Monday after the March change (2026-03-08)",
      "2026-03-09T01:00:00",
      "2026-03-08T22:00:00.000Z",
    ],
    ["ny-close after the November change (2026-11-01)", "2026-11-02T01:00:00", "2026-11-01T23:00:00.000Z"],
  ])("%s", (_l, local, expected) => {
    expect(iso(sourceClockToUtc(wall(local), { kind: "ny-close" }))).toBe(expected);
  });

  it.each([
    ["HistData EST", -300, "2026-07-01T17:00:00", "2026-07-01T22:00:00.000Z"],
    ["UTC-03:30", -210, "2022-01-09T18:30:00", "2022-01-09T22:00:00.000Z"],
    ["UTC+02:00", 120, "2026-01-01T00:00:00", "2025-12-31T22:00:00.000Z"],
  ])("fixed offset %s", (_l, offsetMinutes, local, expected) => {
    expect(iso(sourceClockToUtc(wall(local), { kind: "fixed", offsetMinutes }))).toBe(expected);
  });

  it("utc passes through", () => {
    expect(sourceClockToUtc(1_000, { kind: "utc" })).toBe(1_000);
  });

  it.each([
    ["2026-03-08 01:59 New York is standard time", "2026-03-08T01:59:00", false],
    ["2026-03-08 02:00 New York is daylight time", "2026-03-08T02:00:00", true],
    ["2021-11-07 01:59 is daylight time", "2021-11-07T01:59:00", true],
    ["2021-11-07 02:00 is standard time", "2021-11-07T02:00:00", false],
    ["January", "2022-01-15T12:00:00", false],
  ])("%s", (_l, local, expected) => {
    expect(isUsDaylightTime(wall(local))).toBe(expected);
  });
});
