import { AppError } from "@propdesk/domain";
import type {
  DateOfBirth,
  PersonNameParts,
  SanctionsAddress,
  SanctionsAlias,
  SanctionsEntry,
} from "@propdesk/domain/sanctions";
import { XMLParser, XMLValidator } from "fast-xml-parser";

// Elements that repeat in the UN schema; fast-xml-parser would otherwise give an object for one
// occurrence and an array for two.
const REPEATED = new Set([
  "INDIVIDUAL",
  "ENTITY",
  "VALUE",
  "INDIVIDUAL_ALIAS",
  "ENTITY_ALIAS",
  "INDIVIDUAL_ADDRESS",
  "ENTITY_ADDRESS",
  "INDIVIDUAL_DATE_OF_BIRTH",
  "INDIVIDUAL_PLACE_OF_BIRTH",
  "INDIVIDUAL_DOCUMENT",
]);

type XmlNode = Record<string, unknown>;

function text(node: XmlNode | undefined, key: string): string | null {
  const v = node?.[key];
  if (v === undefined || v === null || typeof v === "object") return null;
  const s = String(v).replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}

function nodes(node: XmlNode | undefined, key: string): XmlNode[] {
  const v = node?.[key];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is XmlNode => typeof x === "object" && x !== null);
}

function values(node: XmlNode | undefined, key: string): string[] {
  const holder = node?.[key];
  if (typeof holder !== "object" || holder === null) return [];
  const vs = (holder as XmlNode).VALUE;
  if (!Array.isArray(vs)) return [];
  return vs
    .map((v) => String(v).replace(/\s+/g, " ").trim())
    .filter((v) => v !== "" && v.toLowerCase() !== "na");
}

function parseUnDob(node: XmlNode): DateOfBirth | null {
  const type = text(node, "TYPE_OF_DATE");
  const date = text(node, "DATE");
  const year = text(node, "YEAR");
  const from = text(node, "FROM_YEAR");
  const to = text(node, "TO_YEAR");
  const approximate = type === "APPROXIMATELY" || /approx/i.test(text(node, "NOTE") ?? "");
  let dob: DateOfBirth | null = null;
  const m = date === null ? null : /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (m) {
    const y = Number(m[1]);
    dob = { text: date!, yearFrom: y, yearTo: y, month: Number(m[2]), day: Number(m[3]) };
  } else if (year !== null && /^\d{4}$/.test(year)) {
    dob = { text: year, yearFrom: Number(year), yearTo: Number(year) };
  } else if (from !== null && to !== null && /^\d{4}$/.test(from) && /^\d{4}$/.test(to)) {
    dob = { text: `${from} to ${to}`, yearFrom: Number(from), yearTo: Number(to) };
  }
  if (dob && approximate) dob.approximate = true;
  return dob;
}

function parseAddress(node: XmlNode): SanctionsAddress | null {
  const street = text(node, "STREET");
  const city = [text(node, "CITY"), text(node, "STATE_PROVINCE"), text(node, "ZIP_CODE")]
    .filter(Boolean)
    .join(", ");
  const country = text(node, "COUNTRY");
  if (street === null && city === "" && country === null) return null;
  return { address: street, city: city === "" ? null : city, country };
}

/**
 * UN aliases sometimes carry the original script in brackets ("Amir Khazmat (original script:
 * Амир Хазмат)") or a trailing comma; both are noise for matching and are dropped.
 */
export function cleanUnAliasName(name: string): string {
  return name
    .replace(/\(\s*original script:[^)]*\)/gi, " ")
    .replace(/\([^)]*[^\p{ASCII}][^)]*\)/gu, " ")
    .replace(/\s+/g, " ")
    .replace(/[\s,;]+$/, "")
    .trim();
}

function nameFields(node: XmlNode): string[] {
  return ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
    .map((k) => text(node, k))
    .filter((v): v is string => v !== null);
}

/**
 * Parses the UN Security Council Consolidated List XML into sanctions entries (list "un").
 * Individuals' names are FIRST_NAME..FOURTH_NAME in order; the UN gives no surname field, so the
 * last word is recorded as the surname positionally (`source: "un_fields"`). Aliases keep
 * the UN quality ("Good" / "Low"); entity aliases are a.k.a. or f.k.a.
 */
export function parseUnConsolidatedXml(xml: string): SanctionsEntry[] {
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => REPEATED.has(name),
  });
  // The parser is lenient (it accepts unclosed tags); a truncated download must not pass as a list.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new AppError("VALIDATION", "UN consolidated list: not well-formed XML", {
      issues: [{ path: `un.xml:${valid.err.line}`, message: valid.err.msg }],
    });
  }
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.CONSOLIDATED_LIST as XmlNode | undefined;
  if (root === undefined || typeof root !== "object") {
    throw new AppError("VALIDATION", "UN consolidated list: no CONSOLIDATED_LIST element", {
      issues: [{ path: "un.xml.CONSOLIDATED_LIST", message: "missing root element" }],
    });
  }
  const entries: SanctionsEntry[] = [];
  const individuals = nodes(root.INDIVIDUALS as XmlNode | undefined, "INDIVIDUAL");
  individuals.forEach((ind, i) => {
    const fields = nameFields(ind);
    const id = text(ind, "DATAID");
    if (id === null || fields.length === 0) {
      throw new AppError("VALIDATION", "UN consolidated list: individual without DATAID or name", {
        issues: [
          { path: `un.xml.INDIVIDUALS.INDIVIDUAL[${i}]`, message: "DATAID and FIRST_NAME are required" },
        ],
      });
    }
    const aliases: SanctionsAlias[] = [];
    for (const a of nodes(ind, "INDIVIDUAL_ALIAS")) {
      const raw = text(a, "ALIAS_NAME");
      const name = raw === null ? "" : cleanUnAliasName(raw);
      if (name === "") continue;
      const q = (text(a, "QUALITY") ?? "").toLowerCase();
      const alias: SanctionsAlias = { name, kind: "aka" };
      if (q === "good" || q === "low") alias.quality = q;
      aliases.push(alias);
    }
    const datesOfBirth = nodes(ind, "INDIVIDUAL_DATE_OF_BIRTH")
      .map(parseUnDob)
      .filter((d): d is DateOfBirth => d !== null);
    const placesOfBirth = nodes(ind, "INDIVIDUAL_PLACE_OF_BIRTH")
      .map((p) => [text(p, "CITY"), text(p, "STATE_PROVINCE"), text(p, "COUNTRY")].filter(Boolean).join(", "))
      .filter((p) => p !== "");
    const entry: SanctionsEntry = {
      listId: "un",
      entryId: id,
      type: "individual",
      primaryName: fields.join(" "),
      aliases,
      programs: [text(ind, "UN_LIST_TYPE")].filter((p): p is string => p !== null),
      addresses: nodes(ind, "INDIVIDUAL_ADDRESS")
        .map(parseAddress)
        .filter((a): a is SanctionsAddress => a !== null),
      remarks: {
        text: text(ind, "COMMENTS1"),
        datesOfBirth,
        nationalities: values(ind, "NATIONALITY"),
        placesOfBirth,
      },
    };
    // The UN gives no surname: the last word is taken as one, so that the rest count as given
    // and middle names (missing middle names then cost little, as for OFAC names).
    const words = fields.join(" ").split(/\s+/);
    if (words.length >= 2) {
      const parts: PersonNameParts = {
        surname: words[words.length - 1]!,
        given: words.slice(0, -1).join(" "),
        source: "un_fields",
      };
      entry.primaryNameParts = parts;
    }
    const ref = text(ind, "REFERENCE_NUMBER");
    if (ref !== null) entry.reference = ref;
    entries.push(entry);
  });

  const entities = nodes(root.ENTITIES as XmlNode | undefined, "ENTITY");
  entities.forEach((ent, i) => {
    const id = text(ent, "DATAID");
    const name = nameFields(ent).join(" ");
    if (id === null || name === "") {
      throw new AppError("VALIDATION", "UN consolidated list: entity without DATAID or name", {
        issues: [{ path: `un.xml.ENTITIES.ENTITY[${i}]`, message: "DATAID and FIRST_NAME are required" }],
      });
    }
    const aliases: SanctionsAlias[] = [];
    for (const a of nodes(ent, "ENTITY_ALIAS")) {
      const raw = text(a, "ALIAS_NAME");
      const alias = raw === null ? "" : cleanUnAliasName(raw);
      if (alias === "") continue;
      const q = (text(a, "QUALITY") ?? "").toLowerCase();
      aliases.push({ name: alias, kind: q.startsWith("f.k.a") ? "fka" : "aka" });
    }
    const entry: SanctionsEntry = {
      listId: "un",
      entryId: id,
      type: "entity",
      primaryName: name,
      aliases,
      programs: [text(ent, "UN_LIST_TYPE")].filter((p): p is string => p !== null),
      addresses: nodes(ent, "ENTITY_ADDRESS")
        .map(parseAddress)
        .filter((a): a is SanctionsAddress => a !== null),
      remarks: { text: text(ent, "COMMENTS1"), datesOfBirth: [], nationalities: [], placesOfBirth: [] },
    };
    const ref = text(ent, "REFERENCE_NUMBER");
    if (ref !== null) entry.reference = ref;
    entries.push(entry);
  });
  return entries;
}
