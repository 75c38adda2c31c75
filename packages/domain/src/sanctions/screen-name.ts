import { z } from "zod";
import { AppError, formatPath } from "../errors";
import { countryCode } from "./country-code";
import type { NameToken } from "./name-normalize";
import { skeletonKey, tokenizeName } from "./name-normalize";
import type { SanctionsEntry, SanctionsEntryType, SanctionsListId } from "./sanctions-entry";
import type { IndexedName, ScreeningIndex } from "./screening-index";
import { SKELETON_MIN_LENGTH, TYPO_MIN_LENGTH } from "./screening-index";
import { deletions, withinOneEdit } from "./string-distance";

/** Default review threshold; a tenant may set its own (see `screenName`'s `threshold`). */
export const DEFAULT_SCREENING_THRESHOLD = 0.85;

export type TokenMatchKind = "exact" | "variant" | "typo" | "phonetic" | "initial";

/** How much each kind of token match is worth. */
export const TOKEN_SIMILARITY: Record<TokenMatchKind, number> = {
  exact: 1,
  variant: 0.95,
  typo: 0.8,
  phonetic: 0.75,
  initial: 0.5,
};

/**
 * A query token that is itself a name the lists use several times ("Karim", "Tahir", "Yulia") is
 * most likely spelled as meant: its one-edit neighbours ("Kasim", "Dahir", "Ilya") are other
 * names, not typos. Like a spell checker that does not correct dictionary words, such a typo
 * match is worth only this much, unless the two differ only in vowels (then it counts as phonetic).
 */
export const KNOWN_NAME_MIN_NAMES = 3;
export const KNOWN_NAME_NEIGHBOUR_SIMILARITY = 0.6;

/**
 * Scoring constants (see `scoreName`). Missing list tokens cost their weight times the factor of
 * their role: a missing middle name costs little, a missing surname a lot; tokens the query has
 * and the list does not cost a little (the list may not know a middle name).
 */
export const SCORING = {
  missingPenalty: { surname: 1, first: 0.8, middle: 0.2, unknown: 1 },
  /** Middle names' penalty weight is capped: a rare middle name is omitted as often as a common one. */
  middleWeightCap: 6,
  /** People drop all their middle names at once: the total cost of missing middle names is capped. */
  middleTotalCap: 1.5,
  /** One part of a compound surname missing while another matched ("Cano" for "CANO FLORES"). */
  surnamePartPenalty: 0.5,
  extraPenalty: 0.3,
  extraWeightCap: 8,
  /**
   * A partial match (anything missing on either side) needs this much evidence (sum of the matched
   * tokens' idf); below it the score shrinks by sqrt(evidence / minEvidence). Two very common names
   * ("Ahmed" + "Hassan", idf ~4.5 each) are not enough; a rare surname plus a first name is.
   */
  minEvidence: 12,
  lowQualityAliasFactor: 0.9,
};

const querySchema = z.object({
  fullName: z
    .string()
    .trim()
    .min(1, "fullName is required")
    .max(500, "fullName is longer than 500 characters"),
  dob: z
    .string()
    .regex(/^\d{4}(-\d{2}-\d{2})?$/, "dob must be YYYY or YYYY-MM-DD")
    .optional(),
  country: z.string().trim().min(2, "country must be an ISO code or a country name").optional(),
  type: z.enum(["individual", "entity"], { message: "type must be individual or entity" }),
});

export type ScreeningQuery = z.input<typeof querySchema>;

export interface ScreeningOptions {
  /** The tenant's threshold in [0, 1]; matches at or above it are returned. */
  threshold?: number;
  /** Also match an individual's name against entities, vessels and aircraft. */
  includeEntities?: boolean;
  /** Most matches returned, best first (default 10). */
  limit?: number;
}

export interface TokenPairEvidence {
  query: string;
  list: string;
  kind: TokenMatchKind;
  similarity: number;
}

export interface ScoreAdjustment {
  reason: string;
  delta: number;
}

export interface ScreeningMatch {
  listId: SanctionsListId;
  entryId: string;
  entryType: SanctionsEntryType;
  primaryName: string;
  /** The name or alias that matched, verbatim from the list. */
  matchedName: string;
  matchedNameKind: IndexedName["kind"];
  aliasQuality?: "good" | "low";
  /** Final score in [0, 1]: the name score plus date-of-birth and country adjustments. */
  score: number;
  nameScore: number;
  tokens: TokenPairEvidence[];
  /** List tokens nobody matched, with their role (e.g. "abdullah (middle)"). */
  missingListTokens: string[];
  /** Query tokens the list name does not have. */
  extraQueryTokens: string[];
  adjustments: ScoreAdjustment[];
  programs: string[];
  notes?: string[];
}

export interface ScreeningResult {
  query: string;
  threshold: number;
  /** True when at least one match reaches the threshold: the case goes to compliance review. */
  potentialMatch: boolean;
  matches: ScreeningMatch[];
}

interface TokenHit {
  kind: "key" | "typo" | "phonetic";
  sim: number;
}

interface QueryToken {
  token: NameToken;
  hits: Map<number, TokenHit>;
  /** Total postings of the hit keys: how many names this token would pull in. */
  size: number;
}

function lookupToken(index: ScreeningIndex, t: NameToken): QueryToken {
  const hits = new Map<number, TokenHit>();
  const k = t.key;
  const exact = index.keyId.get(k);
  if (exact !== undefined) hits.set(exact, { kind: "key", sim: 1 });
  // Particles are matched exactly (or as a known spelling of the same particle), never by typo.
  if (!t.particle) {
    const known = exact !== undefined && index.postings[exact]!.length >= KNOWN_NAME_MIN_NAMES;
    const skeletonOk = k.length >= SKELETON_MIN_LENGTH && t.skeleton.length >= 4;
    // For a known name, a neighbour differing only in vowels ("Sarhan"/"Serhan") is still a
    // transliteration; one differing in a consonant ("Karim"/"Kasim") is another name.
    const typoSim = (keyId: number) =>
      !known
        ? TOKEN_SIMILARITY.typo
        : skeletonOk && skeletonKey(index.keys[keyId]!) === t.skeleton
          ? TOKEN_SIMILARITY.phonetic
          : KNOWN_NAME_NEIGHBOUR_SIMILARITY;
    const forms = t.fold === t.text ? [t.text] : [t.text, t.fold];
    for (const form of forms) {
      if (form.length < TYPO_MIN_LENGTH - 1) continue;
      const consider = (sids: number[] | undefined) => {
        if (sids === undefined) return;
        for (const sid of sids) {
          const keyId = index.surfaceKey[sid]!;
          if (hits.has(keyId)) continue;
          const other = index.surfaces[sid]!;
          if (Math.max(other.length, form.length) < TYPO_MIN_LENGTH) continue;
          if (withinOneEdit(form, other)) hits.set(keyId, { kind: "typo", sim: typoSim(keyId) });
        }
      };
      consider(index.deletes.get(form));
      if (form.length >= TYPO_MIN_LENGTH) for (const d of deletions(form)) consider(index.deletes.get(d));
    }
    if (skeletonOk) {
      for (const id of index.skeletons.get(t.skeleton) ?? []) {
        if (!hits.has(id)) hits.set(id, { kind: "phonetic", sim: TOKEN_SIMILARITY.phonetic });
      }
    }
  }
  let size = 0;
  for (const id of hits.keys()) size += index.postings[id]!.length;
  return { token: t, hits, size };
}

function tokenLabel(t: NameToken): string {
  return t.text;
}

interface Scored {
  nameScore: number;
  pairs: TokenPairEvidence[];
  missing: string[];
  extra: string[];
  /** Pairs of two full tokens, or a particle and a full token (not two particles, not initials). */
  significantPairs: number;
}

/**
 * Scores one list name against the query tokens.
 *
 * Tokens are aligned one-to-one, best pairs first (order-independent). With w = idf of the list
 * token, the score is
 *   sum(similarity * w over pairs) / (sum(w over pairs) + sum(w * missingPenalty[role]) over
 *   unmatched list tokens + sum(min(w, cap) * extraPenalty) over unmatched query tokens),
 * where missing middle names cost at most SCORING.middleTotalCap together and a missing part of a
 * compound surname costs half when another part matched.
 * Particles weigh nothing when paired with a particle and cost nothing when missing; an initial
 * matched to a name counts as half a missing token; a partial match with little evidence is
 * shrunk (see SCORING.minEvidence).
 */
function scoreName(
  index: ScreeningIndex,
  query: QueryToken[],
  initials: NameToken[],
  name: IndexedName,
): Scored {
  const qTokens: NameToken[] = [...query.map((q) => q.token), ...initials];
  const nq = qTokens.length;
  const ne = name.tokens.length;
  const candidates: { qi: number; ei: number; kind: TokenMatchKind; sim: number; order: number }[] = [];
  for (let qi = 0; qi < nq; qi++) {
    const q = qTokens[qi]!;
    for (let ei = 0; ei < ne; ei++) {
      const e = name.tokens[ei]!;
      let kind: TokenMatchKind | undefined;
      let sim = 0;
      if (q.initial || e.initial) {
        if (q.initial && e.initial) kind = q.text === e.text ? "exact" : undefined;
        else if (!q.particle && !e.particle && (q.initial ? e.text[0] === q.text : q.text[0] === e.text))
          kind = "initial";
      } else {
        const hit = query[qi]!.hits.get(name.ids[ei]!);
        if (hit !== undefined && (hit.kind === "key" || !e.particle)) {
          kind = hit.kind === "key" ? (q.text === e.text ? "exact" : "variant") : hit.kind;
          sim = hit.kind === "key" ? TOKEN_SIMILARITY[kind] : hit.sim;
        }
      }
      if (kind === undefined) continue;
      if (sim === 0) sim = TOKEN_SIMILARITY[kind];
      const w = q.particle && e.particle ? 0 : tokenWeight(index, name, ei);
      candidates.push({ qi, ei, kind, sim, order: sim * w + sim * 1e-3 });
    }
  }
  candidates.sort((a, b) => b.order - a.order);
  const qUsed = new Uint8Array(nq);
  const eUsed = new Uint8Array(ne);
  const pairs: TokenPairEvidence[] = [];
  let matched = 0;
  let denom = 0;
  let evidence = 0;
  let significantPairs = 0;
  let partial = false;
  for (const c of candidates) {
    if (qUsed[c.qi] || eUsed[c.ei]) continue;
    qUsed[c.qi] = 1;
    eUsed[c.ei] = 1;
    const q = qTokens[c.qi]!;
    const e = name.tokens[c.ei]!;
    pairs.push({ query: tokenLabel(q), list: tokenLabel(e), kind: c.kind, similarity: c.sim });
    if (q.particle && e.particle) continue;
    const w = tokenWeight(index, name, c.ei);
    if (c.kind === "initial") {
      denom += missingCost(e, w) / 2;
      partial = true;
      continue;
    }
    matched += c.sim * w;
    denom += w;
    if (!e.initial && !q.initial) {
      evidence += w;
      significantPairs++;
    }
  }
  const missing: string[] = [];
  let middleCost = 0;
  let surnameMatched = false;
  for (let ei = 0; ei < ne; ei++) {
    const e = name.tokens[ei]!;
    if (eUsed[ei] && e.role === "surname" && !e.particle) surnameMatched = true;
  }
  for (let ei = 0; ei < ne; ei++) {
    const e = name.tokens[ei]!;
    if (eUsed[ei] || e.particle) continue;
    const w = tokenWeight(index, name, ei);
    if (e.role === "middle") middleCost += missingCost(e, w);
    else if (e.role === "surname" && surnameMatched) denom += w * SCORING.surnamePartPenalty;
    else denom += missingCost(e, w);
    missing.push(`${tokenLabel(e)} (${e.role})`);
    partial = true;
  }
  denom += Math.min(middleCost, SCORING.middleTotalCap);
  const extra: string[] = [];
  for (let qi = 0; qi < nq; qi++) {
    const q = qTokens[qi]!;
    if (qUsed[qi] || q.particle) continue;
    const id = index.keyId.get(q.key);
    const w = q.initial ? 1 : id === undefined ? index.maxIdf : index.idf[id]!;
    denom += Math.min(w, SCORING.extraWeightCap) * SCORING.extraPenalty;
    extra.push(tokenLabel(q));
    partial = true;
  }
  let nameScore = denom > 0 ? matched / denom : 0;
  if (partial && evidence < SCORING.minEvidence) nameScore *= Math.sqrt(evidence / SCORING.minEvidence);
  if (name.quality === "low") nameScore *= SCORING.lowQualityAliasFactor;
  return { nameScore, pairs, missing, extra, significantPairs };
}

function tokenWeight(index: ScreeningIndex, name: IndexedName, ei: number): number {
  const id = name.ids[ei]!;
  return id < 0 ? 1 : index.idf[id]!;
}

function missingCost(e: NameToken, w: number): number {
  const factor = SCORING.missingPenalty[e.role];
  return e.role === "middle" ? Math.min(w, SCORING.middleWeightCap) * factor : w * factor;
}

/**
 * Date of birth and country move a name score; they never create a match on their own.
 * - DOB (when both sides have one): the same day +0.05; the same year (within a listed range,
 *   +-1 year for approximate dates) +0.02; 1-3 years off every listed date -0.05; more than 3
 *   years off every listed date -0.2 (so an exact name with a clearly different DOB scores 0.8,
 *   under the default threshold: that is how common-name collisions clear themselves).
 * - Country (ISO code or name): a listed nationality, place of birth or address country equal to
 *   it +0.03; listed nationalities that all differ (and no address there) -0.05.
 */
function adjustments(
  entry: SanctionsEntry,
  dob: string | undefined,
  country: string | undefined,
): ScoreAdjustment[] {
  const out: ScoreAdjustment[] = [];
  if (dob !== undefined) {
    const year = Number(dob.slice(0, 4));
    const month = dob.length > 4 ? Number(dob.slice(5, 7)) : undefined;
    const day = dob.length > 4 ? Number(dob.slice(8, 10)) : undefined;
    let best = Number.POSITIVE_INFINITY;
    let sameDay = false;
    for (const d of entry.remarks.datesOfBirth) {
      if (d.yearFrom === undefined || d.yearTo === undefined) continue;
      const slack = d.approximate || d.yearFrom !== d.yearTo ? 1 : 0;
      const off =
        year < d.yearFrom - slack
          ? d.yearFrom - slack - year
          : year > d.yearTo + slack
            ? year - d.yearTo - slack
            : 0;
      if (off < best) best = off;
      if (off === 0 && d.day !== undefined && d.day === day && d.month === month && d.yearFrom === year)
        sameDay = true;
    }
    if (sameDay) out.push({ reason: `date of birth ${dob} is listed`, delta: 0.05 });
    else if (best === 0) out.push({ reason: `year of birth ${year} is listed`, delta: 0.02 });
    else if (best <= 3)
      out.push({ reason: `year of birth ${year} is ${best} year(s) from every listed date`, delta: -0.05 });
    else if (Number.isFinite(best)) {
      out.push({ reason: `year of birth ${year} is more than 3 years from every listed date`, delta: -0.2 });
    }
  }
  if (country !== undefined) {
    const code = countryCode(country);
    if (code !== undefined) {
      const nationalities = entry.remarks.nationalities.map(countryCode).filter((c) => c !== undefined);
      const places = [
        ...entry.remarks.placesOfBirth.map((p) => countryCode(p.split(",").pop() ?? "")),
        ...entry.addresses.map((a) => (a.country === null ? undefined : countryCode(a.country))),
      ].filter((c) => c !== undefined);
      if (nationalities.includes(code) || places.includes(code)) {
        out.push({ reason: `country ${code} appears in the entry`, delta: 0.03 });
      } else if (nationalities.length > 0) {
        out.push({
          reason: `country ${code} differs from listed nationalities ${nationalities.join(", ")}`,
          delta: -0.05,
        });
      }
    }
  }
  return out;
}

export function parseScreeningQuery(input: ScreeningQuery): z.output<typeof querySchema> {
  const parsed = querySchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new AppError("VALIDATION", "Invalid screening query", { issues });
  }
  return parsed.data;
}

// Scratch arrays reused across calls: screening is single-threaded per index.
let stampOf: Int32Array = new Int32Array(0);
let singleOf: Int32Array = new Int32Array(0);
let bitsOf: Int32Array = new Int32Array(0);
let stamp = 0;

/**
 * Screens one name against the index. Returns, best first, every list entry whose score reaches
 * the threshold, each with its evidence: the list and entry, which name or alias matched, the token
 * pairs (exact / variant / typo / phonetic / initial), what is missing on either side, and the
 * DOB and country adjustments applied.
 *
 * Precision rules: a query of two or more tokens needs at least two of them matched in full (one
 * common first name is never enough); a single-token query only meets single-token list names;
 * tokens shorter than five letters match only exactly or as a known variant. Individuals meet
 * individual entries unless `includeEntities`; entities meet entities, vessels and aircraft.
 */
export function screenName(
  index: ScreeningIndex,
  input: ScreeningQuery,
  opts: ScreeningOptions = {},
): ScreeningResult {
  const query = parseScreeningQuery(input);
  const threshold = opts.threshold ?? DEFAULT_SCREENING_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new AppError("VALIDATION", "threshold must be between 0 and 1", {
      issues: [{ path: "threshold", message: "must be a number between 0 and 1" }],
    });
  }
  const limit = opts.limit ?? 10;
  const person = query.type === "individual";
  const tokens = tokenizeName(query.fullName, { person });
  const full = tokens.filter((t) => !t.initial);
  const initials = tokens.filter((t) => t.initial);
  const result: ScreeningResult = { query: query.fullName, threshold, potentialMatch: false, matches: [] };
  if (full.length === 0) return result;
  if (full.length > 30) {
    // Refused rather than cleared: padding a name with words must not switch screening off.
    throw new AppError("VALIDATION", "Invalid screening query", {
      issues: [{ path: "fullName", message: "has more than 30 words" }],
    });
  }

  const looked = full.map((t) => lookupToken(index, t));
  const significantQuery = full.filter((t) => !t.particle).length;
  if (significantQuery === 0) return result;
  const acceptName = (n: IndexedName) => (person ? n.person || opts.includeEntities === true : !n.person);

  if (stampOf.length < index.names.length) {
    stampOf = new Int32Array(index.names.length);
    singleOf = new Int32Array(index.names.length);
    bitsOf = new Int32Array(index.names.length);
    stamp = 0;
  }
  if (++stamp > 0x3fffffff) {
    stampOf.fill(0);
    singleOf.fill(0);
    stamp = 1;
  }
  const candidates: number[] = [];
  // A query with one significant token may meet a list name with one significant token.
  if (significantQuery === 1) {
    const sole = looked.find((q) => !q.token.particle)!;
    for (const id of sole.hits.keys()) {
      for (const n of index.postings[id]!) {
        if (singleOf[n] === stamp) continue;
        singleOf[n] = stamp;
        if (index.names[n]!.significant === 1) candidates.push(n);
      }
    }
  }
  if (looked.length >= 2) {
    // Otherwise two query tokens must match. Such a name matches at least one of all but the
    // largest posting set, so only those are scanned; the largest is checked per candidate.
    const order = looked.map((_, i) => i).sort((a, b) => looked[a]!.size - looked[b]!.size);
    const last = order[order.length - 1]!;
    const touched: number[] = [];
    for (const qi of order) {
      if (qi === last) continue;
      const bit = 1 << Math.min(qi, 30);
      for (const id of looked[qi]!.hits.keys()) {
        for (const n of index.postings[id]!) {
          if (stampOf[n] !== stamp) {
            stampOf[n] = stamp;
            bitsOf[n] = 0;
            touched.push(n);
          }
          bitsOf[n]! |= bit;
        }
      }
    }
    const lastHits = looked[last]!.hits;
    const lastBit = 1 << Math.min(last, 30);
    for (const n of touched) {
      const name = index.names[n]!;
      let bits = bitsOf[n]!;
      for (const id of name.ids) {
        if (id >= 0 && lastHits.has(id)) {
          bits |= lastBit;
          break;
        }
      }
      // Two distinct query tokens matched.
      if ((bits & (bits - 1)) !== 0) candidates.push(n);
    }
  }

  const best = new Map<number, ScreeningMatch>();
  for (const n of candidates) {
    const name = index.names[n]!;
    if (!acceptName(name)) continue;
    const s = scoreName(index, looked, initials, name);
    if (s.significantPairs < (significantQuery === 1 && name.significant === 1 ? 1 : 2)) continue;
    const entry = index.entries[name.entry]!;
    const adj = adjustments(entry, query.dob, query.country);
    let score = s.nameScore;
    for (const a of adj) score += a.delta;
    score = Math.min(1, Math.max(0, score));
    if (score < threshold) continue;
    const prev = best.get(name.entry);
    if (prev !== undefined && prev.score >= score) continue;
    const match: ScreeningMatch = {
      listId: entry.listId,
      entryId: entry.entryId,
      entryType: entry.type,
      primaryName: entry.primaryName,
      matchedName: name.text,
      matchedNameKind: name.kind,
      score: round4(score),
      nameScore: round4(s.nameScore),
      tokens: s.pairs,
      missingListTokens: s.missing,
      extraQueryTokens: s.extra,
      adjustments: adj,
      programs: entry.programs,
    };
    if (name.quality !== undefined) match.aliasQuality = name.quality;
    if (entry.notes !== undefined) match.notes = entry.notes;
    best.set(name.entry, match);
  }
  result.matches = [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  result.potentialMatch = result.matches.length > 0;
  return result;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
