import type {
  SanctionsEntry,
  ScreeningIndex,
  ScreeningMatch,
  ScreeningOptions,
  ScreeningQuery,
  ScreeningResult,
} from "@propdesk/domain/sanctions";
import { buildScreeningIndex, entrySignature, screenName } from "@propdesk/domain/sanctions";
import type { LoadedSanctionsLists, SanctionsListVersion } from "./load-sanctions-lists";
import { loadSanctionsLists } from "./load-sanctions-lists";

export type ScreeningSubjectType = "trader" | "affiliate" | "payee";
export type ScreeningTrigger = "sign_up" | "kyc_approval" | "list_reload" | "manual";

export interface ScreeningSubject {
  subjectType: ScreeningSubjectType;
  subjectId: string;
  fullName: string;
  /** YYYY or YYYY-MM-DD, when known (KYC). */
  dob?: string;
  /** ISO 3166 code or country name (nationality or residence). */
  country?: string;
  /** Screen against entities too (a payee that is a company). */
  isEntity?: boolean;
}

/** What a screening job records: the result, the list version it ran against and why it ran. */
export interface ScreeningRecord extends ScreeningResult {
  subjectType: ScreeningSubjectType;
  subjectId: string;
  trigger: ScreeningTrigger;
  listVersion: string;
  screenedAt: string;
  /** Per match, the entry signature a dismissal is tied to (see `applyScreening`). */
  signatures: Record<string, string>;
}

/**
 * Holds the loaded lists and the screening index built from them, one per list version. Web,
 * worker and bots share one instance per process: building the index takes about a second, a
 * screening well under a millisecond.
 */
export class SanctionsScreener {
  private constructor(
    private lists: LoadedSanctionsLists,
    private index: ScreeningIndex,
    private readonly loadOpts: { dir?: string; now?: () => Date },
  ) {}

  static async load(opts: { dir?: string; now?: () => Date } = {}): Promise<SanctionsScreener> {
    const lists = await loadSanctionsLists(opts);
    return new SanctionsScreener(lists, buildScreeningIndex(lists.entries, lists.version.sha256), opts);
  }

  get version(): SanctionsListVersion {
    return this.lists.version;
  }

  get screeningIndex(): ScreeningIndex {
    return this.index;
  }

  /**
   * Reads the list files again. When their hash changed the index is rebuilt and `true` comes
   * back: every trader, affiliate and payee must then be screened again (trigger "list_reload").
   */
  async reload(): Promise<boolean> {
    const lists = await loadSanctionsLists(this.loadOpts);
    if (lists.version.sha256 === this.lists.version.sha256) return false;
    this.index = buildScreeningIndex(lists.entries, lists.version.sha256);
    this.lists = lists;
    return true;
  }

  screen(query: ScreeningQuery, opts: ScreeningOptions = {}): ScreeningResult {
    return screenName(this.index, query, opts);
  }

  /** Screens a person or company for a job, with the tenant's threshold. */
  screenSubject(
    subject: ScreeningSubject,
    trigger: ScreeningTrigger,
    opts: ScreeningOptions = {},
  ): ScreeningRecord {
    const query: ScreeningQuery = {
      fullName: subject.fullName,
      type: subject.isEntity ? "entity" : "individual",
    };
    if (subject.dob !== undefined) query.dob = subject.dob;
    if (subject.country !== undefined) query.country = subject.country;
    const result = this.screen(query, opts);
    const signatures: Record<string, string> = {};
    for (const m of result.matches) signatures[`${m.listId}:${m.entryId}`] = this.signatureOf(m);
    return {
      ...result,
      subjectType: subject.subjectType,
      subjectId: subject.subjectId,
      trigger,
      listVersion: this.lists.version.sha256,
      screenedAt: (this.loadOpts.now?.() ?? new Date()).toISOString(),
      signatures,
    };
  }

  /** The signature of the entry behind a match, for `applyScreening`. */
  signatureOf = (match: ScreeningMatch): string => {
    if (this.byKey?.index !== this.index) {
      this.byKey = {
        index: this.index,
        map: new Map(this.index.entries.map((e) => [`${e.listId}:${e.entryId}`, e])),
      };
    }
    const entry = this.byKey.map.get(`${match.listId}:${match.entryId}`);
    return entry === undefined ? "" : entrySignature(entry);
  };

  private byKey: { index: ScreeningIndex; map: Map<string, SanctionsEntry> } | undefined;
}
