import { describe, expect, it } from "vitest";
import { AccountSeqCache } from "./account-seq-cache";

const T = "tenant-1";
const write = (partition: number, head: number, seqs: Record<string, number>, tenantId = T) => ({
  tenantId,
  partition,
  head,
  seqs: new Map(Object.entries(seqs)),
});

describe("AccountSeqCache", () => {
  it("knows an account's seq only after a commit that wrote it", () => {
    const cache = new AccountSeqCache();
    const pairs = [
      { account: "a", partition: 0 },
      { account: "b", partition: 1 },
    ];
    expect(cache.uncached(T, pairs)).toEqual(["a", "b"]);
    cache.committed([write(0, 10, { a: 5 })]);
    expect(cache.uncached(T, pairs)).toEqual(["b"]);
    expect(cache.seq(T, 0, "a")).toBe(5);
    // Another tenant's partition 0 is another partition.
    expect(cache.uncached("tenant-2", pairs)).toEqual(["a", "b"]);
  });

  it.each([
    ["head unchanged: nobody else wrote", 10, [], 5],
    [
      "head moved on: another writer, caught up from the cached head",
      12,
      [{ partition: 0, afterInputId: 10 }],
      5,
    ],
    ["head went back: the log was rebuilt, forgotten", 3, [], undefined],
    ["head moved too far to catch up: forgotten", 10 + 60_000, [], undefined],
  ])("%s", (_label, head, behind, seq) => {
    const cache = new AccountSeqCache();
    cache.committed([write(0, 10, { a: 5 })]);
    expect(cache.behind(T, new Map([[0, head]]))).toEqual(behind);
    expect(cache.seq(T, 0, "a")).toBe(seq);
  });

  it("a partition it has never written is not behind (its accounts are read as uncached)", () => {
    const cache = new AccountSeqCache();
    expect(cache.behind(T, new Map([[4, 99]]))).toEqual([]);
  });

  it("catching up takes newer seqs of known accounts and the new head, and leaves unknown accounts uncached", () => {
    const cache = new AccountSeqCache();
    cache.committed([write(0, 10, { a: 5, b: 9 })]);
    cache.catchUp(
      T,
      [{ partition: 0, head: 14 }],
      [
        { partition: 0, account: "a", seq: 8 },
        // A stale update another writer stored: lower than the known seq, which stays.
        { partition: 0, account: "b", seq: 2 },
        { partition: 0, account: "c", seq: 3 },
      ],
    );
    expect([cache.seq(T, 0, "a"), cache.seq(T, 0, "b"), cache.seq(T, 0, "c")]).toEqual([8, 9, undefined]);
    expect(cache.behind(T, new Map([[0, 14]]))).toEqual([]);
  });

  it("commits keep the partition's other accounts and take the new head", () => {
    const cache = new AccountSeqCache();
    cache.committed([write(0, 10, { a: 5, b: 7 })]);
    cache.committed([write(0, 14, { a: 9 })]);
    expect([cache.seq(T, 0, "a"), cache.seq(T, 0, "b")]).toEqual([9, 7]);
    expect(cache.behind(T, new Map([[0, 14]]))).toEqual([]);
  });

  it("forgets partitions whose last unit of work failed", () => {
    const cache = new AccountSeqCache();
    cache.committed([write(0, 10, { a: 5 }), write(1, 11, { b: 1 })]);
    cache.forget(T, [0]);
    expect(cache.seq(T, 0, "a")).toBeUndefined();
    expect(cache.seq(T, 1, "b")).toBe(1);
  });

  it("starts a partition afresh past its size limit instead of growing without bound", () => {
    const cache = new AccountSeqCache(3);
    cache.committed([write(0, 10, { a: 1, b: 2 })]);
    cache.committed([write(0, 11, { c: 3, d: 4 })]);
    expect([cache.seq(T, 0, "a"), cache.seq(T, 0, "c"), cache.seq(T, 0, "d")]).toEqual([undefined, 3, 4]);
  });
});
