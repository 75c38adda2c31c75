import { NAME_VARIANT_GROUPS } from "./name-variants";
import type { PersonNameParts } from "./sanctions-entry";

// Letters NFKD does not decompose to ASCII. Cyrillic follows the common English-language
// (BGN/PCGN-like) scheme passports and news use; Greek follows ELOT 743 without digraph rules.
const CHAR_MAP: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  ø: "o",
  œ: "oe",
  đ: "d",
  ð: "d",
  ł: "l",
  þ: "th",
  ı: "i",
  ħ: "h",
  ŧ: "t",
  ŋ: "ng",
  ſ: "s",
  ĸ: "k",
  ə: "a",
  ƒ: "f",
  "’": "",
  "‘": "",
  ʼ: "",
  ʻ: "",
  ʿ: "",
  ʾ: "",
  "´": "",
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  і: "i",
  є: "ye",
  ґ: "g",
  ў: "u",
  ђ: "dj",
  ј: "j",
  љ: "lj",
  њ: "nj",
  ћ: "c",
  џ: "dz",
  ѓ: "gj",
  ќ: "kj",
  ѕ: "dz",
  α: "a",
  β: "v",
  γ: "g",
  δ: "d",
  ε: "e",
  ζ: "z",
  η: "i",
  θ: "th",
  ι: "i",
  κ: "k",
  λ: "l",
  μ: "m",
  ν: "n",
  ξ: "x",
  ο: "o",
  π: "p",
  ρ: "r",
  σ: "s",
  ς: "s",
  τ: "t",
  υ: "y",
  φ: "f",
  χ: "ch",
  ψ: "ps",
  ω: "o",
};

// Composed letters whose diacritic is part of the letter in transliteration; mapped before NFKD
// strips the mark (й would otherwise become и -> "i", ї -> "i").
const PRE_NFKD: Record<string, string> = { й: "y", ё: "e", ї: "yi" };

/**
 * Lower-cases, strips accents, transliterates Cyrillic and Greek, drops apostrophes (OFAC writes
 * the Arabic ayn as one: "'ALI") and turns any other punctuation, hyphens included, into spaces.
 * Scripts without a mapping (Arabic, CJK) are dropped: the lists carry Latin forms of those names.
 */
export function foldToAscii(raw: string): string {
  let s = raw.toLowerCase();
  if (!/^\p{ASCII}*$/u.test(s)) {
    s = s
      .replace(/[йёї]/g, (c) => PRE_NFKD[c] ?? c)
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      // Greek digraphs (ELOT 743): ου is u, αυ and ευ are av and ev.
      .replace(/ου/g, "ou")
      .replace(/αυ/g, "av")
      .replace(/ευ/g, "ev");
    let out = "";
    for (const ch of s) {
      if (ch.charCodeAt(0) < 128) out += ch;
      else out += CHAR_MAP[ch] ?? " ";
    }
    s = out;
  }
  return s
    .replace(/['`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * Folds spelling differences that transliteration produces everywhere (x/ks, ph/f, q/k, w/v,
 * ou/u, oo/u, ee/i, y/i, initial ye/e, dj/j, th/t, a final h after a vowel, doubled letters), so that
 * "Youssef" and "Yusef" or "Aliyev" and "Aliev" share a key. Applied to list and query alike.
 */
export function foldToken(t: string): string {
  let s = t;
  if (s.length < 2) return s;
  s = s
    .replace(/x/g, "ks")
    .replace(/ph/g, "f")
    .replace(/ck/g, "k")
    .replace(/q/g, "k")
    .replace(/w/g, "v")
    .replace(/dzh/g, "j")
    .replace(/dj/g, "j")
    .replace(/sch/g, "sh")
    .replace(/tch/g, "ch")
    .replace(/th/g, "t")
    .replace(/ou/g, "u")
    .replace(/oo/g, "u")
    .replace(/ee/g, "i")
    .replace(/y/g, "i")
    // Russian initial "Ye" is written "E" just as often (Yevgeny/Evgeny, Yelena/Elena).
    .replace(/^ie/, "e")
    .replace(/([aeiou])h$/, "$1")
    .replace(/(.)\1+/g, "$1");
  return s;
}

const VARIANT_KEY = new Map<string, string>();
for (const group of NAME_VARIANT_GROUPS) {
  const canonical = foldToken(foldToAscii(group[0]!));
  for (const spelling of group) VARIANT_KEY.set(foldToken(foldToAscii(spelling)), canonical);
}

/** The canonical key of a folded token when it is a known spelling of a frequent name. */
export function variantKey(folded: string): string | undefined {
  return VARIANT_KEY.get(folded);
}

/** First letter plus the consonants, doubled ones collapsed: a coarse key for vowel-only differences. */
export function skeletonKey(key: string): string {
  if (key.length === 0) return key;
  let out = key[0]!;
  for (let i = 1; i < key.length; i++) {
    const c = key[i]!;
    if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") continue;
    if (out[out.length - 1] !== c) out += c;
  }
  return out;
}

/**
 * Particles (articles, "son of", "father of", "servant of", nobiliary) are optional tokens:
 * "Al-Shanti", "Al Shanti", "Alshanti" and "Shanti" all match, because the particle "al" is a token
 * of its own that costs nothing when missing and is matched only exactly. A word is a particle when
 * another word of the same name part follows it; the same word standing alone (the given name in
 * "JASHARI, Abdul") is an ordinary token.
 */
export const PARTICLES: ReadonlySet<string> = new Set([
  "al",
  "el",
  "ul",
  "bin",
  "ibn",
  "bint",
  "ben",
  "abu",
  "abou",
  "abd",
  "abdul",
  "abdel",
  "abdal",
  "abdol",
  "abdu",
  "van",
  "von",
  "der",
  "den",
  "de",
  "da",
  "di",
  "do",
  "dos",
  "das",
  "del",
  "della",
  "du",
  "la",
  "le",
  "y",
]);
// Glued forms: "alshanti", "elhassan", "abdulaziz", "abderrahmane", "abubakar". An article glues
// only before a consonant ("Alexander" stays whole); the rest must be a name of 4+ letters.
const GLUED_ARTICLE = /^(al|el)([^aeiou].{3,})$/;
const GLUED_ABD = /^(abdul|abdel|abdal|abdol|abdur|abder|abdar|abdu|abd|abu|abou)(.{4,})$/;

/**
 * Legal forms and generic company words are optional in entity names, like particles in people's
 * names: "Sberbank" matches "JOINT STOCK COMPANY SBERBANK" and "Sberbank PJSC".
 */
const LEGAL_FORMS = new Set([
  "llc",
  "llp",
  "lp",
  "ltd",
  "limited",
  "liability",
  "inc",
  "incorporated",
  "corp",
  "corporation",
  "co",
  "company",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "sl",
  "gmbh",
  "ag",
  "kg",
  "plc",
  "bv",
  "nv",
  "ab",
  "oy",
  "jsc",
  "ojsc",
  "cjsc",
  "pjsc",
  "ooo",
  "oao",
  "zao",
  "pao",
  "ao",
  "tov",
  "fze",
  "fzco",
  "fzc",
  "fzllc",
  "dmcc",
  "joint",
  "stock",
  "open",
  "closed",
  "public",
  "private",
  "the",
  "of",
  "and",
  "obshchestvo",
  "ogranichennoi",
  "ogranichennoy",
  "otvetstvennostyu",
  "aktsionernoe",
  "zakrytoe",
  "otkrytoe",
  "publichnoe",
  "tovarishchestvo",
]);

/** "S.A." and "A.B.C." fold to single letters: in entity names a run of them is one word. */
function joinLetterRuns(words: string[]): string[] {
  const out: string[] = [];
  let run = "";
  for (const w of words) {
    if (w.length === 1) {
      run += w;
      continue;
    }
    if (run !== "") out.push(run);
    run = "";
    out.push(w);
  }
  if (run !== "") out.push(run);
  return out;
}

/** Titles and generational suffixes: not part of a person's name for matching. */
const PERSON_STOPWORDS = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "prof",
  "jr",
  "sr",
  "ii",
  "iii",
  "haji",
  "hajji",
  "alhaji",
  "mullah",
  "mulla",
  "maulavi",
  "mawlawi",
  "maulana",
  "mawlana",
  "qari",
]);

export type TokenRole = "surname" | "first" | "middle" | "unknown";

export interface NameToken {
  /** The word folded to ASCII: what "exact" compares. */
  text: string;
  /** `text` after the transliteration fold, before the variant table (typo lookups use both). */
  fold: string;
  /** The matching key: the canonical spelling of a known name, else the transliteration fold. */
  key: string;
  skeleton: string;
  role: TokenRole;
  /** An optional particle ("al", "abd", "van"): free when missing, matched only exactly. */
  particle: boolean;
  /** A single letter ("J." in "SMITH, J."): matches only the first letter of a token. */
  initial: boolean;
}

const tokenKeyCache = new Map<string, { fold: string; key: string; skeleton: string }>();

function keyOf(text: string): { fold: string; key: string; skeleton: string } {
  let hit = tokenKeyCache.get(text);
  if (hit === undefined) {
    const fold = foldToken(text);
    const key = variantKey(fold) ?? fold;
    hit = { fold, key, skeleton: skeletonKey(key) };
    // Names repeat a lot; a bounded memo keeps bulk screening cheap without growing forever.
    if (tokenKeyCache.size > 200_000) tokenKeyCache.clear();
    tokenKeyCache.set(text, hit);
  }
  return hit;
}

function makeToken(text: string, role: TokenRole, particle: boolean): NameToken {
  const { fold, key, skeleton } = keyOf(text);
  return { text, fold, key, skeleton, role, particle, initial: text.length === 1 && !particle };
}

/** Tokens of one name part (a surname, the given names, or a whole unsplit name). */
function partTokens(
  words: string[],
  roleAt: (i: number, n: number) => TokenRole,
  entity = false,
): NameToken[] {
  const raw: { text: string; particle: boolean }[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const followed = i + 1 < words.length;
    if (entity && LEGAL_FORMS.has(w) && words.length > 1) {
      raw.push({ text: w, particle: true });
      continue;
    }
    // "y" joins Spanish surnames ("Garcia y Lopez"); as a first word it is an initial.
    if (PARTICLES.has(w) && followed && !(w === "y" && i === 0)) {
      raw.push({ text: w, particle: true });
      continue;
    }
    if (w.length > 4 && variantKey(foldToken(w)) === undefined) {
      const glued = GLUED_ARTICLE.exec(w) ?? GLUED_ABD.exec(w);
      if (glued) {
        raw.push({ text: glued[1]!, particle: true });
        raw.push({ text: glued[2]!, particle: false });
        continue;
      }
    }
    raw.push({ text: w, particle: false });
  }
  // A name made only of optional words ("OPEN JOINT STOCK COMPANY") keeps them all.
  if (raw.length > 0 && raw.every((r) => r.particle)) for (const r of raw) r.particle = false;
  const significant = raw.filter((r) => !r.particle);
  let k = 0;
  return raw.map((r) => {
    const role = r.particle
      ? roleAt(Math.min(k, significant.length - 1), significant.length)
      : roleAt(k++, significant.length);
    return makeToken(r.text, role, r.particle);
  });
}

/**
 * Normalises a name into tokens for matching. With `parts` (surname known) the surname's tokens
 * get the role "surname", the first given name "first" and the rest "middle"; a person's name
 * without parts is taken positionally (first token first, last token surname). Entities get
 * "unknown" roles throughout.
 */
export function tokenizeName(
  name: string,
  opts: { person: boolean; parts?: Pick<PersonNameParts, "surname" | "given"> },
): NameToken[] {
  const { person, parts } = opts;
  const split = (t: string) => foldToAscii(t).split(" ").filter(Boolean);
  if (person && parts) {
    let given = split(parts.given);
    let surname = split(parts.surname);
    // Titles go from both parts ("NOORULLAH, Haji" is the person Noorullah), unless nothing is left.
    const g = given.filter((w) => !PERSON_STOPWORDS.has(w));
    const s = surname.filter((w) => !PERSON_STOPWORDS.has(w));
    if (g.length + s.length > 0) {
      given = g;
      surname = s;
    }
    return [
      ...partTokens(given, (i) => (i === 0 ? "first" : "middle")),
      ...partTokens(surname, () => "surname"),
    ];
  }
  let words = split(name);
  if (person) {
    const kept = words.filter((w) => !PERSON_STOPWORDS.has(w));
    if (kept.length > 0) words = kept;
  } else words = joinLetterRuns(words);
  const roleAt = (i: number, n: number): TokenRole =>
    !person || n < 2 ? "unknown" : i === 0 ? "first" : i === n - 1 ? "surname" : "middle";
  return partTokens(words, roleAt, !person);
}
