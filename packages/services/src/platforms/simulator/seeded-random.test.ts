import { describe, expect, it } from "vitest";
import { hashString, mixSeed, mulberry32Next, SeededRandom } from "./seeded-random";

describe("seeded random", () => {
  it("the same seed gives the same sequence and another seed another one", () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 20 },
        function (this: SeededRandom) {
          return this.next();
        },
        new SeededRandom(seed),
      );
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it("draws in [0, 1) with a mean near 1/2 and no short cycle", () => {
    const state = Uint32Array.of(123);
    let sum = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      const x = mulberry32Next(state, 0);
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      seen.add(x);
    }
    expect(sum / 100_000).toBeGreaterThan(0.49);
    expect(sum / 100_000).toBeLessThan(0.51);
    expect(seen.size).toBeGreaterThan(99_990);
  });

  it("state words are independent: drawing for one account does not move another", () => {
    const state = Uint32Array.of(1, 2);
    const before = state[1];
    mulberry32Next(state, 0);
    expect(state[1]).toBe(before);
  });

  it("mixSeed separates parts, so ('ab','c') and ('a','bc') differ, and numbers differ from strings", () => {
    expect(mixSeed("ab", "c")).not.toBe(mixSeed("a", "bc"));
    expect(mixSeed(1, "x")).not.toBe(mixSeed("1", "x"));
    expect(mixSeed(1, "x")).toBe(mixSeed(1, "x"));
    expect(hashString("SIM-1")).not.toBe(hashString("SIM-2"));
  });

  it("weighted never picks a zero weight and follows the weights", () => {
    const r = new SeededRandom(99);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weighted([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.3);
  });
});
