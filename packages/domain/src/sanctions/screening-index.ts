import type { NameToken } from "./name-normalize";
import { skeletonKey, tokenizeName } from "./name-normalize";
import type { AliasKind, SanctionsEntry } from "./sanctions-entry";
import { deletions } from "./string-distance";

/** One screenable name: an entry's primary name or one of its aliases, tokenised once. */
export interface IndexedName {
  entry: number;
  /** -1 for the primary name, else the index in `entry.aliases`. */
  alias: number;
  text: string;
  kind: "primary" | AliasKind;
  quality?: "good" | "low";
  person: boolean;
  tokens: NameToken[];
  /** Token key ids, parallel to `tokens` (-1 for initials). */
  ids: Int32Array;
  /** Tokens that are neither initials nor particles. */
  significant: number;
}

export interface ScreeningIndex {
  /** An opaque label of the list version the index was built from (the loader's sha256). */
  version: string;
  entries: readonly SanctionsEntry[];
  names: IndexedName[];
  keys: string[];
  keyId: Map<string, number>;
  /** ln(names / names containing the key): rare tokens weigh more than "muhammad". */
  idf: Float64Array;
  maxIdf: number;
  /** Key id -> ids of the names containing it (particles included). */
  postings: Int32Array[];
  /**
   * Written forms of the list tokens (the ASCII word and its transliteration fold), each mapped
   * to its key id. Typos are looked up on these, not on canonical keys: "Moharmad" is one edit
   * from "mohammad", not from the canonical "muhamad".
   */
  surfaces: string[];
  surfaceKey: Int32Array;
  /** Deletion neighbourhood: a surface and each surface with one letter deleted -> surface ids. */
  deletes: Map<string, number[]>;
  /** Consonant skeleton -> key ids, for keys long enough to make the skeleton specific. */
  skeletons: Map<string, number[]>;
  stats: { entries: number; names: number; keys: number; skippedNames: number };
}

/** Keys shorter than this are never typo-matched (short tokens need exact matches). */
export const TYPO_MIN_LENGTH = 5;
/** Skeleton matches only for keys at least this long, with a skeleton of at least 4 letters. */
export const SKELETON_MIN_LENGTH = 6;

function push(map: Map<string, number[]>, k: string, v: number): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [v]);
  else if (list[list.length - 1] !== v) list.push(v);
}

/**
 * Builds the screening index once per list version: every primary name and alias tokenised,
 * an inverted index on normalised token keys (blocking), a deletion-neighbourhood index for
 * one-typo lookups and a skeleton index. Weak (low-quality) aliases of a single token are left
 * out: on their own they are nicknames ("HAJI ABDULLAH" -> "abdullah") that would flag anyone.
 */
export function buildScreeningIndex(
  entries: readonly SanctionsEntry[],
  version = "unversioned",
): ScreeningIndex {
  const names: IndexedName[] = [];
  const keyId = new Map<string, number>();
  const keys: string[] = [];
  const postingLists: number[][] = [];
  const surfaceId = new Map<string, number>();
  const surfaces: string[] = [];
  const surfaceKeys: number[] = [];
  let skippedNames = 0;
  const addSurface = (surface: string, key: number) => {
    if (surfaceId.has(surface)) return;
    surfaceId.set(surface, surfaces.length);
    surfaces.push(surface);
    surfaceKeys.push(key);
  };

  const add = (
    entry: number,
    alias: number,
    text: string,
    kind: IndexedName["kind"],
    quality: IndexedName["quality"],
    tokens: NameToken[],
    person: boolean,
  ) => {
    const significant = tokens.filter((t) => !t.initial && !t.particle).length;
    if (significant === 0 || (quality === "low" && significant < 2)) {
      skippedNames++;
      return;
    }
    const nameId = names.length;
    const ids = new Int32Array(tokens.length);
    tokens.forEach((t, i) => {
      if (t.initial) {
        ids[i] = -1;
        return;
      }
      let id = keyId.get(t.key);
      if (id === undefined) {
        id = keys.length;
        keyId.set(t.key, id);
        keys.push(t.key);
        postingLists.push([]);
      }
      ids[i] = id;
      addSurface(t.text, id);
      addSurface(t.fold, id);
      const list = postingLists[id]!;
      if (list[list.length - 1] !== nameId) list.push(nameId);
    });
    const n: IndexedName = { entry, alias, text, kind, person, tokens, ids, significant };
    if (quality !== undefined) n.quality = quality;
    names.push(n);
  };

  entries.forEach((e, ei) => {
    const person = e.type === "individual";
    const seen = new Set<string>();
    const primaryTokens = tokenizeName(
      e.primaryName,
      e.primaryNameParts ? { person, parts: e.primaryNameParts } : { person },
    );
    seen.add(primaryTokens.map((t) => t.key).join(" "));
    add(ei, -1, e.primaryName, "primary", undefined, primaryTokens, person);
    e.aliases.forEach((a, ai) => {
      const tokens = tokenizeName(a.name, a.parts ? { person, parts: a.parts } : { person });
      // Aliases that normalise to a name already indexed for this entry add nothing.
      const sig = tokens.map((t) => t.key).join(" ");
      if (seen.has(sig)) return;
      seen.add(sig);
      add(ei, ai, a.name, a.kind, a.quality, tokens, person);
    });
  });

  const total = names.length;
  const idf = new Float64Array(keys.length);
  let maxIdf = 0;
  const postings = postingLists.map((list, id) => {
    idf[id] = Math.log(total / list.length);
    if (idf[id]! > maxIdf) maxIdf = idf[id]!;
    return Int32Array.from(list);
  });

  const deletes = new Map<string, number[]>();
  surfaces.forEach((f, sid) => {
    if (f.length < TYPO_MIN_LENGTH - 1) return;
    push(deletes, f, sid);
    if (f.length >= TYPO_MIN_LENGTH) for (const d of deletions(f)) push(deletes, d, sid);
  });
  const skeletons = new Map<string, number[]>();
  keys.forEach((k, id) => {
    if (k.length < SKELETON_MIN_LENGTH) return;
    const s = skeletonKey(k);
    if (s.length >= 4) push(skeletons, s, id);
  });

  return {
    version,
    entries,
    names,
    keys,
    keyId,
    idf,
    maxIdf,
    postings,
    surfaces,
    surfaceKey: Int32Array.from(surfaceKeys),
    deletes,
    skeletons,
    stats: { entries: entries.length, names: names.length, keys: keys.length, skippedNames },
  };
}
