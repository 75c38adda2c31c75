/** The lists PropDesk screens against. */
export type SanctionsListId = "ofac_sdn" | "ofac_cons" | "un";

export type SanctionsEntryType = "individual" | "entity" | "vessel" | "aircraft";

/**
 * Which part of a person's name is the surname. OFAC writes individuals as "LAST, First Middle",
 * so the split is exact there; UN records give FIRST_NAME..FOURTH_NAME in order and carry no
 * surname field, so for them the last field is taken as the surname (positional, not asserted).
 */
export interface PersonNameParts {
  surname: string;
  given: string;
  /** "Jr.", "Sr." and the like, kept apart so they do not count as a name token. */
  suffix?: string;
  source: "ofac_comma" | "un_fields";
}

export type AliasKind = "aka" | "fka" | "nka";

export interface SanctionsAlias {
  /** As written in the list, kept verbatim for the evidence shown to compliance. */
  name: string;
  kind: AliasKind;
  /** UN "Good"/"Low"; OFAC weak a.k.a.s found in the remarks are "low"; OFAC alt.csv leaves it unset. */
  quality?: "good" | "low";
  parts?: PersonNameParts;
}

export interface SanctionsAddress {
  address: string | null;
  city: string | null;
  country: string | null;
}

/**
 * A date of birth as the list gives it: an exact day, a month, a year, or a range of years.
 * `text` is the original wording; `yearFrom..yearTo` is always set when a year is known.
 */
export interface DateOfBirth {
  text: string;
  yearFrom?: number;
  yearTo?: number;
  month?: number;
  day?: number;
  approximate?: boolean;
}

export interface SanctionsRemarks {
  /** The list's free-text remarks (OFAC Remarks column, UN COMMENTS1), or null. */
  text: string | null;
  datesOfBirth: DateOfBirth[];
  /** Nationalities and citizenships, as country names written by the list. */
  nationalities: string[];
  placesOfBirth: string[];
}

export interface SanctionsEntry {
  listId: SanctionsListId;
  /** OFAC ent_num or UN DATAID, as a string. */
  entryId: string;
  type: SanctionsEntryType;
  primaryName: string;
  primaryNameParts?: PersonNameParts;
  aliases: SanctionsAlias[];
  programs: string[];
  addresses: SanctionsAddress[];
  remarks: SanctionsRemarks;
  /** UN reference number (e.g. "TAi.005") or OFAC title, when present. */
  reference?: string;
  /** Anything a reviewer should know about how this record was assembled. */
  notes?: string[];
}
