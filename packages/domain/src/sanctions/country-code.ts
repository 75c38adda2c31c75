import { foldToAscii } from "./name-normalize";

// Spellings the lists use that differ from the English names ICU knows.
const ALIASES: Record<string, string> = {
  "korea north": "KP",
  "democratic peoples republic of korea": "KP",
  "korea south": "KR",
  "republic of korea": "KR",
  burma: "MM",
  myanmar: "MM",
  "russian federation": "RU",
  "former soviet union": "RU",
  "syrian arab republic": "SY",
  palestinian: "PS",
  "state of palestine": "PS",
  "west bank": "PS",
  gaza: "PS",
  "north gaza": "PS",
  "northern gaza": "PS",
  "congo democratic republic of the": "CD",
  "democratic republic of the congo": "CD",
  "congo republic of the": "CG",
  "republic of the congo": "CG",
  "cote d ivoire": "CI",
  "cote divoire": "CI",
  "ivory coast": "CI",
  "the gambia": "GM",
  "bahamas the": "BS",
  "united republic of tanzania": "TZ",
  "united kingdom of great britain and northern ireland": "GB",
  "great britain": "GB",
  uk: "GB",
  "united states of america": "US",
  usa: "US",
  turkey: "TR",
  "north macedonia the republic of": "MK",
  "man isle of": "IM",
  "virgin islands british": "VG",
  "cabo verde": "CV",
  "czech republic": "CZ",
  macau: "MO",
  "hong kong": "HK",
  "netherlands antilles": "AN",
  crimea: "UA",
  "iran islamic republic of": "IR",
  "lao peoples democratic republic": "LA",
  "viet nam": "VN",
};

let byName: Map<string, string> | undefined;

function table(): Map<string, string> {
  if (byName) return byName;
  byName = new Map();
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  for (let a = 65; a < 91; a++) {
    for (let b = 65; b < 91; b++) {
      const code = String.fromCharCode(a, b);
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        continue;
      }
      if (name === undefined || name === code) continue;
      byName.set(foldToAscii(name), code);
      // "Myanmar (Burma)", "Macao SAR China": also index the part before the qualifier.
      const short = foldToAscii(name.replace(/\(.*\)|\bSAR\b.*/g, ""));
      if (short !== "" && !byName.has(short)) byName.set(short, code);
    }
  }
  for (const [k, v] of Object.entries(ALIASES)) byName.set(k, v);
  return byName;
}

/**
 * ISO 3166-1 alpha-2 code for a country written as a code ("ir") or a name as the lists write it
 * ("Iran", "Korea, North", "Region: Gaza", "Democratic People's Republic of Korea").
 * Undefined when the text names no country.
 */
export function countryCode(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return ALIASES[trimmed.toLowerCase()] ?? trimmed.toUpperCase();
  let folded = foldToAscii(trimmed);
  folded = folded.replace(/^(region|possibly)\s+/, "");
  return table().get(folded);
}
