/**
 * Seeded pseudo-random numbers for the simulator: mulberry32 (32-bit state, fast, good enough for
 * behaviour, not for cryptography). Each simulated account owns one 32-bit state word, so accounts
 * draw independently of each other and the state fits in a Uint32Array that snapshots as JSON.
 */

/** Advances state word `i` and returns a float in [0, 1). */
export function mulberry32Next(state: Uint32Array, i: number): number {
  const a = (state[i]! + 0x6d2b79f5) | 0;
  state[i] = a;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** 32-bit hash of a string (FNV-1a followed by murmur3's finaliser for avalanche). */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed derived from several parts: `mixSeed(seed, "account", id)`. */
export function mixSeed(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = hashString(`${typeof p}:${p}|`, h);
  return h;
}

/** A standalone generator over one state word, for code outside the hot loop. */
export class SeededRandom {
  private readonly state: Uint32Array;

  constructor(seed: number) {
    this.state = Uint32Array.of(seed >>> 0);
  }

  next(): number {
    return mulberry32Next(this.state, 0);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    // Rounding left x at >= 0: fall back to the last index that can be drawn at all.
    let last = weights.length - 1;
    while (last > 0 && !(weights[last]! > 0)) last--;
    return last;
  }

  get seed(): number {
    return this.state[0]!;
  }
}
