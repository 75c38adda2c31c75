import type { AliasKind, DateOfBirth, SanctionsAlias, SanctionsRemarks } from "./sanctions-entry";

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

interface DatePoint {
  year: number;
  month?: number;
  day?: number;
}

function parseDatePoint(s: string): DatePoint | null {
  const t = s.trim();
  let m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month !== undefined) return { year: Number(m[3]), month, day: Number(m[1]) };
  }
  m = /^([A-Za-z]{3})[a-z]* (\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    if (month !== undefined) return { year: Number(m[2]), month };
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  m = /^(\d{4})$/.exec(t);
  if (m) return { year: Number(m[1]) };
  return null;
}

/**
 * Reads a date of birth as OFAC writes it: "11 Dec 1974", "Dec 1965", "1964", "circa 1955",
 * "1963 to 1965" or "01 Jan 1957 to 31 Dec 1958". Unknown shapes keep only their text.
 */
export function parseDateOfBirth(text: string): DateOfBirth {
  const clean = text.trim().replace(/\.$/, "");
  const dob: DateOfBirth = { text: clean };
  let body = clean;
  const circa = /^(circa|approximately|approx\.?)\s+/i.exec(body);
  if (circa) {
    dob.approximate = true;
    body = body.slice(circa[0].length);
  }
  const range = body.split(/\s+to\s+/i);
  if (range.length === 2) {
    const a = parseDatePoint(range[0]!);
    const b = parseDatePoint(range[1]!);
    if (a && b) {
      dob.yearFrom = a.year;
      dob.yearTo = b.year;
      // A range inside one month is as good as that month.
      if (a.year === b.year && a.month !== undefined && a.month === b.month) dob.month = a.month;
    }
    return dob;
  }
  const p = parseDatePoint(body);
  if (p) {
    dob.yearFrom = p.year;
    dob.yearTo = p.year;
    if (p.month !== undefined) dob.month = p.month;
    if (p.day !== undefined) dob.day = p.day;
  }
  return dob;
}

const WEAK_ALIAS = /^([afn])\.k\.a\.,? '(.*)'$/;

/**
 * Splits an OFAC Remarks cell ("DOB 1962; POB Shati; nationality Iran; a.k.a. 'ABU ALI'.") into
 * the facts screening uses. The a.k.a.s written in remarks are OFAC's "weak" aliases, so they
 * come back with quality "low".
 */
export function parseOfacRemarks(text: string | null): {
  remarks: SanctionsRemarks;
  weakAliases: SanctionsAlias[];
} {
  const remarks: SanctionsRemarks = { text, datesOfBirth: [], nationalities: [], placesOfBirth: [] };
  const weakAliases: SanctionsAlias[] = [];
  if (text === null) return { remarks, weakAliases };
  for (const raw of text.split(";")) {
    const part = raw.trim().replace(/\.$/, "");
    if (part === "") continue;
    const alias = WEAK_ALIAS.exec(part);
    if (alias) {
      const name = alias[2]!.trim();
      if (name !== "") weakAliases.push({ name, kind: `${alias[1]}ka` as AliasKind, quality: "low" });
      continue;
    }
    const fact = /^(?:alt\.\s+)?(DOB|POB|nationality|citizen)\s+(.+)$/.exec(part);
    if (!fact) continue;
    const value = fact[2]!.trim();
    if (fact[1] === "DOB") remarks.datesOfBirth.push(parseDateOfBirth(value));
    else if (fact[1] === "POB") remarks.placesOfBirth.push(value);
    else if (!remarks.nationalities.includes(value)) remarks.nationalities.push(value);
  }
  return { remarks, weakAliases };
}
