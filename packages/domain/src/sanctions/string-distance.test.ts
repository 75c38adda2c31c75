import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deletions, withinOneEdit } from "./string-distance";

/** Reference optimal string alignment distance (full dynamic programme). */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe("withinOneEdit", () => {
  it.each([
    ["equal", "shanti", "shanti", true],
    ["substitution", "stavridis", "stavrudis", true],
    ["insertion", "habib", "habibb", true],
    ["deletion", "habib", "hbib", true],
    ["adjacent swap", "stavridis", "stavirdis", true],
    ["two substitutions", "karim", "kasin", false],
    ["swap of non-adjacent letters", "abcde", "ebcda", false],
    ["length differs by two", "ali", "alibi", false],
  ])("%s: %s / %s", (_label, a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
    expect(withinOneEdit(b, a)).toBe(expected);
  });

  it("agrees with the full OSA distance on random short strings", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 6 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(withinOneEdit(a, b)).toBe(osa(a, b) <= 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("deletions", () => {
  it("lists each one-letter deletion once", () => {
    expect(deletions("abba").sort()).toEqual(["aba", "abb", "bba"]);
  });
});
