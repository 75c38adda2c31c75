import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Item, pairUp } from "./pair-up";

const item = (id: string, amount: number, day: number, refs: string[] = []): Item<string> => ({
  value: id,
  id,
  refs,
  group: "g",
  fallbackGroup: "g",
  amount: BigInt(amount),
  ms: day * 86_400_000,
});

describe("pairUp", () => {
  it("prefers a shared reference over a closer equal amount", () => {
    const r = pairUp(
      [item("L", 5, 10, ["ref"])],
      [item("near", 5, 10), item("far", 7, 20, ["ref"])],
      3 * 86_400_000,
    );
    expect(r.pairs.map((p) => [p.l.id, p.r.id, p.by])).toEqual([["L", "far", "reference"]]);
    expect(r.rightOnly.map((x) => x.id)).toEqual(["near"]);
  });

  it("each fallback match takes the closest free record within the window (greedy, in date order)", () => {
    const side = (prefix: string) =>
      fc
        .array(fc.record({ amount: fc.integer({ min: 1, max: 3 }), day: fc.integer({ min: 0, max: 30 }) }), {
          maxLength: 40,
        })
        .map((xs) => xs.map((x, i) => item(`${prefix}${String(i).padStart(2, "0")}`, x.amount, x.day)));
    fc.assert(
      fc.property(side("l"), side("r"), fc.integer({ min: 0, max: 5 }), (left, right, windowDays) => {
        const windowMs = windowDays * 86_400_000;
        const result = pairUp([...left], [...right], windowMs);
        const chosen = new Map(result.pairs.map((p) => [p.l.id, p.r]));
        const free = new Set(right);
        const sortedLeft = [...left].sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : 1));
        for (const l of sortedLeft) {
          const candidates = [...free].filter(
            (r) => r.amount === l.amount && Math.abs(r.ms - l.ms) <= windowMs,
          );
          const best = Math.min(...candidates.map((r) => Math.abs(r.ms - l.ms)));
          const r = chosen.get(l.id);
          if (candidates.length === 0) expect(r).toBeUndefined();
          else {
            expect(r).toBeDefined();
            expect(r!.amount).toBe(l.amount);
            expect(Math.abs(r!.ms - l.ms)).toBe(best);
            expect(free.has(r!)).toBe(true);
            free.delete(r!);
          }
        }
        expect(result.rightOnly.length + result.pairs.length).toBe(right.length);
      }),
    );
  });
});
