import { AppError } from "../errors";
import { expectColumns, parseOfacCsv } from "./ofac-csv";
import { parseOfacRemarks } from "./ofac-remarks";
import type {
  AliasKind,
  PersonNameParts,
  SanctionsAddress,
  SanctionsAlias,
  SanctionsEntry,
  SanctionsEntryType,
} from "./sanctions-entry";

const SUFFIX = /^(jr|sr|ii|iii|iv)\.?$/i;

/**
 * Splits an OFAC individual's name, "LAST, First Middle" (sometimes "LAST, First, Jr."), into its
 * surname and given names. Returns undefined when there is no comma (OFAC then gives one string,
 * typically a nickname or a kunya such as "ABU AMIR").
 */
export function splitOfacPersonName(name: string): PersonNameParts | undefined {
  const comma = name.indexOf(",");
  if (comma < 0) return undefined;
  const surname = name.slice(0, comma).trim();
  const rest = name
    .slice(comma + 1)
    .split(",")
    .map((s) => s.trim());
  let suffix: string | undefined;
  if (rest.length > 1 && SUFFIX.test(rest[rest.length - 1]!)) suffix = rest.pop();
  const given = rest.join(" ").trim();
  if (surname === "" || given === "") return undefined;
  return suffix === undefined
    ? { surname, given, source: "ofac_comma" }
    : { surname, given, suffix, source: "ofac_comma" };
}

function parseType(raw: string | null, file: string, row: number): SanctionsEntryType {
  if (raw === null) return "entity";
  if (raw === "individual" || raw === "vessel" || raw === "aircraft") return raw;
  throw new AppError("VALIDATION", `${file}: unknown SDN_Type ${JSON.stringify(raw)}`, {
    issues: [{ path: `${file}[${row}].SDN_Type`, message: `unknown type ${JSON.stringify(raw)}` }],
  });
}

/** "SDGT] [IFSR" is how OFAC's CSV writes a list of programs. */
function parsePrograms(raw: string | null): string[] {
  if (raw === null) return [];
  return raw
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, "").trim())
    .filter((p) => p !== "");
}

function entNum(raw: string | null, file: string, row: number): string {
  if (raw === null || !/^\d+$/.test(raw)) {
    throw new AppError("VALIDATION", `${file}: ent_num must be a number`, {
      issues: [{ path: `${file}[${row}].ent_num`, message: `not a number: ${JSON.stringify(raw)}` }],
    });
  }
  return raw;
}

/** Parses sdn.csv or cons_prim.csv (same 12 columns) into entries without aliases or addresses yet. */
export function parseOfacPrimaryFile(
  text: string,
  listId: "ofac_sdn" | "ofac_cons",
  file = "sdn.csv",
): SanctionsEntry[] {
  const rows = expectColumns(parseOfacCsv(text, file), 12, file);
  return rows.map((r, i) => {
    const name = r[1] ?? null;
    if (name === null) {
      throw new AppError("VALIDATION", `${file}: SDN_Name is empty`, {
        issues: [{ path: `${file}[${i}].SDN_Name`, message: "name is required" }],
      });
    }
    const type = parseType(r[2] ?? null, file, i);
    const { remarks, weakAliases } = parseOfacRemarks(r[11] ?? null);
    const entry: SanctionsEntry = {
      listId,
      entryId: entNum(r[0] ?? null, file, i),
      type,
      primaryName: name,
      aliases: [],
      programs: parsePrograms(r[3] ?? null),
      addresses: [],
      remarks,
    };
    if (type === "individual") {
      const parts = splitOfacPersonName(name);
      if (parts) entry.primaryNameParts = parts;
      for (const a of weakAliases) {
        const p = splitOfacPersonName(a.name);
        if (p) a.parts = p;
      }
    }
    const title = r[4] ?? null;
    if (title !== null) entry.reference = title;
    entry.aliases.push(...weakAliases);
    return entry;
  });
}

export interface OfacAliasRow {
  entryId: string;
  altNum: string;
  kind: AliasKind;
  name: string;
}

/** Parses alt.csv: ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks. */
export function parseOfacAliasFile(text: string, file = "alt.csv"): OfacAliasRow[] {
  const rows = expectColumns(parseOfacCsv(text, file), 5, file);
  const out: OfacAliasRow[] = [];
  rows.forEach((r, i) => {
    const kind = (r[2] ?? "").toLowerCase();
    if (kind !== "aka" && kind !== "fka" && kind !== "nka") {
      throw new AppError("VALIDATION", `${file}: unknown alt_type`, {
        issues: [{ path: `${file}[${i}].alt_type`, message: `unknown alias type ${JSON.stringify(r[2])}` }],
      });
    }
    const name = r[3] ?? null;
    if (name === null) return;
    out.push({ entryId: entNum(r[0] ?? null, file, i), altNum: r[1] ?? "", kind, name });
  });
  return out;
}

export interface OfacAddressRow extends SanctionsAddress {
  entryId: string;
}

/** Parses add.csv: ent_num, add_num, address, city/state/postal, country, add_remarks. */
export function parseOfacAddressFile(text: string, file = "add.csv"): OfacAddressRow[] {
  const rows = expectColumns(parseOfacCsv(text, file), 6, file);
  return rows.map((r, i) => ({
    entryId: entNum(r[0] ?? null, file, i),
    address: r[2] ?? null,
    city: r[3] ?? null,
    country: r[4] ?? null,
  }));
}

export interface OfacFiles {
  sdn?: string;
  cons?: string;
  alt?: string;
  add?: string;
}

export interface OfacBuildStats {
  primaryRecords: number;
  aliasRows: number;
  addressRows: number;
  /** alt.csv rows whose ent_num has no primary record in the files given. */
  aliasRowsWithoutPrimary: number;
  /** Entries made from such alias rows alone (see `aliasOnlyEntries`). */
  aliasOnlyEntries: number;
  addressRowsWithoutPrimary: number;
}

/**
 * OFAC writes individuals' names in mixed case ("KIM, Yong Chol") and entities, vessels and
 * aircraft in capitals; over the 2024 SDN file this tells individuals apart in 99.7% of names.
 */
function inferTypeFromNames(names: string[]): SanctionsEntryType {
  return names.some((n) => /[a-z]/.test(n)) ? "individual" : "entity";
}

/**
 * Joins OFAC's files into entries: aliases and addresses attach by ent_num to the SDN and the
 * consolidated records (OFAC numbers both lists from one sequence, and a few entries sit on both).
 *
 * alt.csv and add.csv may be newer than sdn.csv (as in the shipped data), so some aliases point
 * to designations with no primary record. With `aliasOnlyEntries` (the default) each such ent_num
 * becomes an `ofac_sdn` entry whose first alias stands as its primary name and whose type is
 * inferred from the names' case; a note says so. Screening them is safer than dropping a newer
 * designation; the reviewer sees the note in the evidence.
 */
export function buildOfacEntries(
  files: OfacFiles,
  opts: { aliasOnlyEntries?: boolean } = {},
): { entries: SanctionsEntry[]; stats: OfacBuildStats } {
  const entries: SanctionsEntry[] = [];
  if (files.sdn !== undefined) entries.push(...parseOfacPrimaryFile(files.sdn, "ofac_sdn", "sdn.csv"));
  if (files.cons !== undefined)
    entries.push(...parseOfacPrimaryFile(files.cons, "ofac_cons", "cons_prim.csv"));
  const primaryRecords = entries.length;
  const byId = new Map<string, SanctionsEntry[]>();
  for (const e of entries) {
    const list = byId.get(e.entryId);
    if (list) list.push(e);
    else byId.set(e.entryId, [e]);
  }

  const aliases = files.alt === undefined ? [] : parseOfacAliasFile(files.alt);
  const orphans = new Map<string, OfacAliasRow[]>();
  let aliasRowsWithoutPrimary = 0;
  for (const a of aliases) {
    const targets = byId.get(a.entryId);
    if (!targets) {
      aliasRowsWithoutPrimary++;
      const list = orphans.get(a.entryId);
      if (list) list.push(a);
      else orphans.set(a.entryId, [a]);
      continue;
    }
    for (const e of targets) addAlias(e, a.name, a.kind);
  }

  let aliasOnlyEntries = 0;
  if (opts.aliasOnlyEntries !== false) {
    for (const [id, rows] of orphans) {
      const type = inferTypeFromNames(rows.map((r) => r.name));
      const [first, ...rest] = rows;
      const entry: SanctionsEntry = {
        listId: "ofac_sdn",
        entryId: id,
        type,
        primaryName: first!.name,
        aliases: [],
        programs: [],
        addresses: [],
        remarks: { text: null, datesOfBirth: [], nationalities: [], placesOfBirth: [] },
        notes: [
          "No primary record in the SDN file given (the alias file is newer): the first alias stands as the primary name and the type is inferred from the names' case.",
        ],
      };
      if (type === "individual") {
        const parts = splitOfacPersonName(first!.name);
        if (parts) entry.primaryNameParts = parts;
      }
      for (const r of rest) addAlias(entry, r.name, r.kind);
      entries.push(entry);
      byId.set(id, [entry]);
      aliasOnlyEntries++;
    }
  }

  const addresses = files.add === undefined ? [] : parseOfacAddressFile(files.add);
  let addressRowsWithoutPrimary = 0;
  for (const a of addresses) {
    const targets = byId.get(a.entryId);
    if (!targets) {
      addressRowsWithoutPrimary++;
      continue;
    }
    // Rows with neither street, city nor country carry nothing to screen or show.
    if (a.address === null && a.city === null && a.country === null) continue;
    for (const e of targets) e.addresses.push({ address: a.address, city: a.city, country: a.country });
  }

  return {
    entries,
    stats: {
      primaryRecords,
      aliasRows: aliases.length,
      addressRows: addresses.length,
      aliasRowsWithoutPrimary,
      aliasOnlyEntries,
      addressRowsWithoutPrimary,
    },
  };
}

function addAlias(entry: SanctionsEntry, name: string, kind: AliasKind): void {
  const lower = name.toLowerCase();
  if (entry.primaryName.toLowerCase() === lower) return;
  const existing = entry.aliases.find((x) => x.name.toLowerCase() === lower);
  if (existing) {
    // alt.csv is OFAC's list of strong aliases: it overrides a weak one from the remarks.
    if (existing.quality === "low") delete existing.quality;
    return;
  }
  const alias: SanctionsAlias = { name, kind };
  if (entry.type === "individual") {
    const parts = splitOfacPersonName(name);
    if (parts) alias.parts = parts;
  }
  entry.aliases.push(alias);
}
