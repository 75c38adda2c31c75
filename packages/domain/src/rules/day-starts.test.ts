import { describe, expect, it } from "vitest";
import { DayStartCalendar, isValidTimeZone, nextWeeklyAfter, parseDayStart, ZoneClock } from "./day-starts";
import { account, clock, phase, program, run } from "./test-scenarios";

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

/** The first `n` day starts strictly after `from`. */
function dayStarts(zone: string, dayStart: string, from: string, n: number): string[] {
  const cal = new DayStartCalendar(zone, parseDayStart(dayStart)!);
  const out: string[] = [];
  let t = ms(from);
  for (let i = 0; i < n; i++) {
    t = cal.nextAfter(t);
    out.push(iso(t));
  }
  return out;
}

describe("day starts across daylight-saving changes (2026)", () => {
  it.each([
    // [label, zone, dayStart, from, expected successive day starts]
    [
      "Europe/Prague midnight, spring forward (29 March is 23 h)",
      "Europe/Prague",
      "00:00",
      "2026-03-27T12:00:00Z",
      ["2026-03-27T23:00:00.000Z", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"],
    ],
    [
      "Europe/Prague midnight, fall back (25 October is 25 h)",
      "Europe/Prague",
      "00:00",
      "2026-10-23T12:00:00Z",
      ["2026-10-23T22:00:00.000Z", "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z"],
    ],
    [
      "America/Chicago 17:00 (CME session), spring forward 8 March",
      "America/Chicago",
      "17:00",
      "2026-03-06T12:00:00Z",
      [
        "2026-03-06T23:00:00.000Z",
        "2026-03-07T23:00:00.000Z",
        "2026-03-08T22:00:00.000Z",
        "2026-03-09T22:00:00.000Z",
      ],
    ],
    [
      "America/Chicago 17:00, fall back 1 November",
      "America/Chicago",
      "17:00",
      "2026-10-30T12:00:00Z",
      ["2026-10-30T22:00:00.000Z", "2026-10-31T22:00:00.000Z", "2026-11-01T23:00:00.000Z"],
    ],
    [
      "America/New_York 17:00, spring forward 8 March",
      "America/New_York",
      "17:00",
      "2026-03-07T12:00:00Z",
      ["2026-03-07T22:00:00.000Z", "2026-03-08T21:00:00.000Z"],
    ],
    [
      "America/New_York 17:00, fall back 1 November",
      "America/New_York",
      "17:00",
      "2026-10-31T12:00:00Z",
      ["2026-10-31T21:00:00.000Z", "2026-11-01T22:00:00.000Z"],
    ],
    [
      "Australia/Sydney midnight, DST ends 5 April",
      "Australia/Sydney",
      "00:00",
      "2026-04-03T00:00:00Z",
      ["2026-04-03T13:00:00.000Z", "2026-04-04T13:00:00.000Z", "2026-04-05T14:00:00.000Z"],
    ],
    [
      "Australia/Sydney midnight, DST starts 4 October",
      "Australia/Sydney",
      "00:00",
      "2026-10-02T00:00:00Z",
      ["2026-10-02T14:00:00.000Z", "2026-10-03T14:00:00.000Z", "2026-10-04T13:00:00.000Z"],
    ],
    [
      "Asia/Kolkata midnight (UTC+05:30, no DST)",
      "Asia/Kolkata",
      "00:00",
      "2026-03-28T00:00:00Z",
      ["2026-03-28T18:30:00.000Z", "2026-03-29T18:30:00.000Z"],
    ],
    [
      "Asia/Kolkata 17:00",
      "Asia/Kolkata",
      "17:00",
      "2026-10-31T12:00:00Z",
      ["2026-11-01T11:30:00.000Z", "2026-11-02T11:30:00.000Z"],
    ],
    [
      "UTC midnight",
      "UTC",
      "00:00",
      "2026-03-29T00:00:00Z",
      ["2026-03-30T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    ],
    ["UTC 22:00 (a forex-style close)", "UTC", "22:00", "2026-03-29T22:00:00Z", ["2026-03-30T22:00:00.000Z"]],
  ])("%s", (_label, zone, dayStart, from, expected) => {
    expect(dayStarts(zone, dayStart, from, expected.length)).toEqual(expected);
  });

  it.each([
    // A dayStart inside the gap starts the day at the first valid instant after it (the transition).
    [
      "Europe/Prague 02:30 on 29 March (gap 02:00→03:00)",
      "Europe/Prague",
      "02:30",
      "2026-03-28T12:00:00Z",
      "2026-03-29T01:00:00.000Z",
    ],
    [
      "America/New_York 02:30 on 8 March (gap)",
      "America/New_York",
      "02:30",
      "2026-03-07T12:00:00Z",
      "2026-03-08T07:00:00.000Z",
    ],
    [
      "Australia/Sydney 02:15 on 4 October (gap)",
      "Australia/Sydney",
      "02:15",
      "2026-10-03T12:00:00Z",
      "2026-10-03T16:00:00.000Z",
    ],
    // A dayStart inside the overlap starts at its first occurrence.
    [
      "Europe/Prague 02:30 on 25 October (overlap)",
      "Europe/Prague",
      "02:30",
      "2026-10-24T12:00:00Z",
      "2026-10-25T00:30:00.000Z",
    ],
    [
      "America/New_York 01:30 on 1 November (overlap)",
      "America/New_York",
      "01:30",
      "2026-10-31T12:00:00Z",
      "2026-11-01T05:30:00.000Z",
    ],
    [
      "Australia/Sydney 02:30 on 5 April (overlap)",
      "Australia/Sydney",
      "02:30",
      "2026-04-04T12:00:00Z",
      "2026-04-04T15:30:00.000Z",
    ],
  ])("%s", (_label, zone, dayStart, from, expected) => {
    expect(dayStarts(zone, dayStart, from, 1)).toEqual([expected]);
  });

  it("the overlap's second occurrence does not start another day", () => {
    // 25 Oct, Prague: 02:30 CEST is 00:30Z (a day start), 02:30 CET is 01:30Z (not one).
    const cal = new DayStartCalendar("Europe/Prague", parseDayStart("02:30")!);
    expect(iso(cal.nextAfter(ms("2026-10-25T00:30:00Z")))).toBe("2026-10-26T01:30:00.000Z");
    expect(iso(cal.previousAtOrBefore(ms("2026-10-25T01:45:00Z")))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("previousAtOrBefore includes an instant exactly at a day start", () => {
    const cal = new DayStartCalendar("America/Chicago", 17 * 60);
    expect(iso(cal.previousAtOrBefore(ms("2026-03-08T22:00:00Z")))).toBe("2026-03-08T22:00:00.000Z");
    expect(iso(cal.previousAtOrBefore(ms("2026-03-08T21:59:59.999Z")))).toBe("2026-03-07T23:00:00.000Z");
  });

  it("gives the same answers from a cold and from a warm cache, in any query order", () => {
    const warm = new DayStartCalendar("Europe/Prague", 0);
    const times = [
      "2026-03-29T21:59:59.999Z",
      "2026-01-01T00:00:00Z",
      "2026-03-29T22:00:00Z",
      "2026-10-25T22:59:00Z",
      "2026-03-29T12:00:00Z",
    ].map(ms);
    for (let round = 0; round < 3; round++)
      for (const t of times) {
        const cold = new DayStartCalendar("Europe/Prague", 0);
        expect(warm.nextAfter(t)).toBe(cold.nextAfter(t));
        expect(warm.previousAtOrBefore(t)).toBe(cold.previousAtOrBefore(t));
      }
  });
});

describe("zone helpers", () => {
  it.each([
    ["Europe/Prague", true],
    ["America/Chicago", true],
    ["UTC", true],
    ["Etc/GMT+5", true],
    ["Europe/Atlantis", false],
    ["+01:00", false],
    ["", false],
  ])("isValidTimeZone(%s) = %s", (zone, ok) => {
    expect(isValidTimeZone(zone)).toBe(ok);
  });

  it.each([
    ["00:00", 0],
    ["17:00", 1020],
    ["23:59", 1439],
    ["24:00", null],
    ["7:00", null],
    ["12:60", null],
  ])("parseDayStart(%s) = %s", (value, minutes) => {
    expect(parseDayStart(value)).toBe(minutes);
  });

  it("offsetAt follows the zone (Prague: +1 h in winter, +2 h in summer)", () => {
    const c = new ZoneClock("Europe/Prague");
    expect(c.offsetAt(ms("2026-01-15T12:00:00Z"))).toBe(3_600_000);
    expect(c.offsetAt(ms("2026-07-15T12:00:00Z"))).toBe(7_200_000);
  });

  it("nextWeeklyAfter finds the next Friday 22:00 in New York (strictly after)", () => {
    const c = new ZoneClock("America/New_York");
    // Wednesday 2026-03-04 → Friday 2026-03-06 22:00 EST = 2026-03-07T03:00Z.
    expect(iso(nextWeeklyAfter(c, ms("2026-03-04T12:00:00Z"), 5, 22 * 60))).toBe("2026-03-07T03:00:00.000Z");
    // Exactly at the cut-off: the next one, a week later (after DST: 22:00 EDT = 02:00Z).
    expect(iso(nextWeeklyAfter(c, ms("2026-03-07T03:00:00Z"), 5, 22 * 60))).toBe("2026-03-14T02:00:00.000Z");
  });
});

describe("trading days in replays follow the zone's DST", () => {
  const chicago = program({ timezone: "America/Chicago", dayStart: "17:00" }, [
    phase({ dailyLoss: { amount: "1000.00", reference: "balance", kind: "hard" }, maxLoss: null }),
  ]);

  it.each([
    // In winter the session ends at 23:00Z: 22:30Z is still the old day (floor from 100,000).
    ["winter: 22:30Z is before the 17:00 CST day start", "2026-01-12T22:30:00Z", "99000.00"],
    // In summer it ends at 22:00Z: 22:30Z is the new day (floor from 102,000).
    ["summer: 22:30Z is after the 17:00 CDT day start", "2026-03-09T22:30:00Z", "101000.00"],
  ])("%s", (_label, second, floor) => {
    const first = `${second.slice(0, 10)}T15:00:00Z`;
    const r = run(chicago, [account(first, "102000.00"), clock(second)]);
    expect(r.state.dailyFloor).toBe(floor);
  });

  it("Prague's 23-hour day: 22:00Z on 29 March is already 30 March", () => {
    const prague = program({ timezone: "Europe/Prague" }, [phase({ maxLoss: null })]);
    const r = run(prague, [
      account("2026-03-29T10:00:00Z", "101000.00"),
      account("2026-03-29T22:00:00Z", "101000.00", "95999.99", 1),
    ]);
    expect(r.events[0]).toMatchObject({ type: "breached", rule: "daily_loss", floor: "96000.00" });
  });

  it("Prague's 25-hour day: 22:30Z on 25 October is still 25 October", () => {
    const prague = program({ timezone: "Europe/Prague" }, [phase({ maxLoss: null })]);
    const r = run(prague, [
      account("2026-10-25T10:00:00Z", "101000.00"),
      account("2026-10-25T22:30:00Z", "101000.00", "95999.99", 1),
    ]);
    expect(r.events).toEqual([]);
  });
});
