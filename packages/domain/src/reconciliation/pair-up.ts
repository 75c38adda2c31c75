/*
 * The matching core shared by reconciliation and the parallel run. Deterministic: the result does
 * not depend on the order of the inputs.
 */

export interface Item<T> {
  value: T;
  id: string;
  refs: readonly string[];
  /** Records can only match within the same group (category and currency, or currency). */
  group: string;
  /** Narrower key for the amount-and-date fallback. */
  fallbackGroup: string;
  amount: bigint;
  ms: number;
}

export interface Paired<L, R> {
  pairs: { l: Item<L>; r: Item<R>; by: "reference" | "amount_and_date" }[];
  leftOnly: Item<L>[];
  rightOnly: Item<R>[];
}

const byTimeThenId = (a: Item<unknown>, b: Item<unknown>) =>
  a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Pairs two record sets: first by a shared reference (the left's references against the right's
 * reference and id) within the same group, then the rest by equal amount within `windowMs`, the
 * closest date winning. Ties are broken by date then id, so the result does not depend on input order.
 */
export function pairUp<L, R>(left: Item<L>[], right: Item<R>[], windowMs: number): Paired<L, R> {
  left.sort(byTimeThenId);
  right.sort(byTimeThenId);
  // Flags by position in the sorted arrays: cheaper than sets of objects at 100k records.
  const usedR = new Uint8Array(right.length);
  const matchedL = new Uint8Array(left.length);
  const pairs: Paired<L, R>["pairs"] = [];
  const byRef = new Map<string, number[]>();
  right.forEach((r, i) => {
    r.refs.forEach((ref, k) => {
      if (ref === "" || r.refs.indexOf(ref) < k) return;
      const key = `${r.group}\u0000${ref}`;
      const list = byRef.get(key);
      if (list) list.push(i);
      else byRef.set(key, [i]);
    });
  });
  left.forEach((l, j) => {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (const ref of l.refs) {
      const list = byRef.get(`${l.group}\u0000${ref}`);
      if (!list) continue;
      for (const i of list) {
        if (usedR[i]) continue;
        const d = Math.abs(right[i]!.ms - l.ms);
        if (d < bestD || (d === bestD && right[i]!.id < right[best]!.id)) {
          best = i;
          bestD = d;
        }
      }
    }
    if (best >= 0) {
      usedR[best] = 1;
      matchedL[j] = 1;
      pairs.push({ l, r: right[best]!, by: "reference" });
    }
  });
  // The fallback: buckets of equal amount, kept in time order (right is sorted).
  const byAmount = new Map<string, number[]>();
  right.forEach((r, i) => {
    if (usedR[i]) return;
    const key = `${r.fallbackGroup}\u0000${r.amount}`;
    const list = byAmount.get(key);
    if (list) list.push(i);
    else byAmount.set(key, [i]);
  });
  const buckets = new Map<string, SortedBucket>();
  left.forEach((l, j) => {
    if (matchedL[j]) return;
    const key = `${l.fallbackGroup}\u0000${l.amount}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      const idx = byAmount.get(key);
      if (!idx) return;
      bucket = new SortedBucket(
        idx.map((i) => right[i]!.ms),
        idx.map((i) => right[i]!.id),
        idx,
      );
      buckets.set(key, bucket);
    }
    const i = bucket.takeClosest(l.ms, windowMs);
    if (i >= 0) {
      usedR[i] = 1;
      matchedL[j] = 1;
      pairs.push({ l, r: right[i]!, by: "amount_and_date" });
    }
  });
  return {
    pairs,
    leftOnly: left.filter((_, j) => !matchedL[j]),
    rightOnly: right.filter((_, i) => !usedR[i]),
  };
}

/**
 * Records of one amount sorted by time; taking one removes it. Disjoint-set skip pointers find the
 * nearest record still free on each side in near-constant time, so thousands of equal prices
 * (every $99 challenge) stay fast.
 */
class SortedBucket {
  private readonly next: Int32Array;
  private readonly prev: Int32Array;

  constructor(
    private readonly ms: number[],
    private readonly ids: string[],
    private readonly refs: number[],
  ) {
    // next[i]: the first free position ≥ i (n when none); prev[i + 1]: the last free position ≤ i (-1 when none).
    this.next = Int32Array.from({ length: ms.length + 1 }, (_, i) => i);
    this.prev = Int32Array.from({ length: ms.length + 1 }, (_, i) => i - 1);
  }

  private findNext(i: number): number {
    let root = i;
    while (this.next[root] !== root) root = this.next[root]!;
    while (this.next[i] !== root) {
      const n = this.next[i]!;
      this.next[i] = root;
      i = n;
    }
    return root;
  }

  private findPrev(i: number): number {
    let slot = i + 1;
    let root = slot;
    while (this.prev[root] !== root - 1) root = this.prev[root]! + 1;
    while (slot !== root) {
      const n = this.prev[slot]! + 1;
      this.prev[slot] = root - 1;
      slot = n;
    }
    return root - 1;
  }

  /** Removes and returns (as the caller's index) the free record closest to `at` within the window, or -1. */
  takeClosest(at: number, windowMs: number): number {
    const ms = this.ms;
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ms[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    const after = this.findNext(lo);
    const before = this.findPrev(lo - 1);
    let pick: number;
    if (after < ms.length && before >= 0) {
      const da = ms[after]! - at;
      const db = at - ms[before]!;
      pick = da < db || (da === db && this.ids[after]! < this.ids[before]!) ? after : before;
    } else if (after < ms.length) pick = after;
    else if (before >= 0) pick = before;
    else return -1;
    if (Math.abs(ms[pick]! - at) > windowMs) return -1;
    this.next[pick] = pick + 1;
    this.prev[pick + 1] = pick - 1;
    return this.refs[pick]!;
  }
}
