import { describe, expect, it } from "vitest";
import { HourBarBuffer, hourOf } from "./equity-bars";

describe("one-minute equity bars", () => {
  const hour = Date.UTC(2026, 0, 5, 9);

  it("aggregates the updates of each minute into open, high, low and close, with the floors at the close", () => {
    const b = new HourBarBuffer("acc", hour);
    b.add(hour + 5_000, 100, 100, 90, 80);
    b.add(hour + 20_000, 104, 100, 90, 80);
    b.add(hour + 50_000, 97, 100, 90, 80);
    b.add(hour + 3 * 60_000 + 1, 99, 99, 91, 80);
    expect(b).toMatchObject({
      minutes: [0, 3],
      equityOpen: [100, 99],
      equityHigh: [104, 99],
      equityLow: [97, 99],
      equityClose: [97, 99],
      balance: [100, 99],
      dailyFloor: [90, 91],
      maxLossFloor: [80, 80],
      dirty: true,
    });
    expect(hourOf(hour + 59 * 60_000)).toBe(hour);
  });

  it("keeps floor arrays empty for a rule the phase does not have, and fills them once one appears", () => {
    const b = new HourBarBuffer("acc", hour);
    b.add(hour, 100, 100, null, null);
    b.add(hour + 60_000, 101, 100, null, 80);
    expect(b.dailyFloor).toEqual([]);
    expect(b.maxLossFloor).toEqual([80, 80]);
  });

  it("adds an update stamped before the last minute to the last minute", () => {
    const b = new HourBarBuffer("acc", hour);
    b.add(hour + 5 * 60_000, 100, 100, null, null);
    b.add(hour + 2 * 60_000, 95, 100, null, null);
    expect(b.minutes).toEqual([5]);
    expect(b.equityLow).toEqual([95]);
  });

  it("resumes from a stored row", () => {
    const b = new HourBarBuffer("acc", hour);
    b.add(hour, 100, 100, 90, 80);
    const again = HourBarBuffer.from(b);
    again.add(hour + 10_000, 110, 100, 90, 80);
    expect(again.equityHigh).toEqual([110]);
    expect(b.equityHigh).toEqual([100]);
  });
});
