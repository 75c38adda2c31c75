import { describe, expect, it } from "vitest";
import { DEMO_SPEED, resumePacedClock, simulatedTimeAt } from "./paced-clock";

describe("paced clock", () => {
  const clock = { simStart: Date.UTC(2026, 0, 5), wallStart: 1_000_000, speed: 60 };
  it.each([
    ["at the anchor", 1_000_000, Date.UTC(2026, 0, 5)],
    ["one wall second is one M1 bar at speed 60", 1_001_000, Date.UTC(2026, 0, 5, 0, 1)],
    ["an hour of wall time is 60 simulated hours", 1_000_000 + 3_600_000, Date.UTC(2026, 0, 7, 12)],
    ["a wall clock behind the anchor does not go back", 999_000, Date.UTC(2026, 0, 5)],
  ])("%s", (_l, wall, sim) => {
    expect(simulatedTimeAt(clock, wall)).toBe(sim);
  });

  it("resumes at a restored simulation's time with the demo speed", () => {
    const c = resumePacedClock(5_000, 9_000);
    expect(c).toEqual({ simStart: 5_000, wallStart: 9_000, speed: DEMO_SPEED });
    expect(simulatedTimeAt(c, 10_000)).toBe(5_000 + 1_000 * DEMO_SPEED);
  });
});
