import { AppError, type ErrorIssue } from "../errors";
import { parseCsv } from "./csv";

/** Which header (or any of several spellings) holds each of our fields. Matching ignores case and spaces around. */
export type CsvHeaderMap<F extends string> = Record<F, string | readonly string[]>;

export interface CsvTableRow<F extends string> {
  /** 1-based data row number (the header is row 0). */
  row: number;
  /** 1-based line in the file where the row starts. */
  line: number;
  /** The cell of a mapped field, trimmed; "" for an optional column that is absent. */
  get(field: F): string;
  /** The file's header for a field, for error messages. */
  header(field: F): string;
}

const MAX_ISSUES = 100;

/** Collects precise problems (row, column) and throws them together. */
export class CsvIssues {
  readonly issues: ErrorIssue[] = [];
  constructor(private readonly what: string) {}

  add(row: { row: number; line: number }, column: string, message: string): void {
    if (this.issues.length < MAX_ISSUES)
      this.issues.push({
        path: `rows.${row.row}.${column}`,
        message: `line ${row.line}, column "${column}": ${message}`,
      });
    else this.truncated = true;
  }

  private truncated = false;

  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const more = this.truncated ? ` (only the first ${MAX_ISSUES} are listed)` : "";
    throw new AppError(
      "VALIDATION",
      `${this.what} has ${this.issues.length} problem${this.issues.length === 1 ? "" : "s"}${more}; first: ${this.issues[0]!.message}.`,
      { issues: this.issues },
    );
  }
}

const norm = (h: string) => h.trim().toLowerCase();

/**
 * Reads a CSV file with a header row and maps its columns onto our fields. Missing required
 * columns are refused at once, naming the headers that were expected and those that were found.
 */
export function readCsvTable<F extends string>(
  text: string,
  columns: CsvHeaderMap<F>,
  opts: { delimiter?: string; optional?: readonly NoInfer<F>[]; what?: string } = {},
): CsvTableRow<F>[] {
  const what = opts.what ?? "The CSV file";
  const records = parseCsv(text, { delimiter: opts.delimiter });
  const head = records[0];
  if (!head)
    throw new AppError("VALIDATION", `${what} is empty: it needs a header row.`, {
      issues: [{ path: "header", message: "missing header row" }],
    });
  const found = head.fields.map(norm);
  const index = new Map<F, number>();
  const headers = new Map<F, string>();
  const issues: ErrorIssue[] = [];
  for (const field of Object.keys(columns) as F[]) {
    const spec = columns[field];
    const names: readonly string[] = typeof spec === "string" ? [spec] : (spec as readonly string[]);
    const at = names.map((n) => found.indexOf(norm(n))).find((i) => i >= 0);
    if (at === undefined) {
      if (!opts.optional?.includes(field))
        issues.push({
          path: `header.${field}`,
          message: `no column ${names.map((n) => `"${n}"`).join(" or ")} for ${field}`,
        });
      headers.set(field, names[0]!);
      continue;
    }
    index.set(field, at);
    headers.set(field, head.fields[at]!.trim());
  }
  if (issues.length > 0)
    throw new AppError(
      "VALIDATION",
      `${what}: ${issues.map((i) => i.message).join("; ")} (the header has ${head.fields.map((h) => `"${h}"`).join(", ")}).`,
      { issues },
    );
  return records.slice(1).map((r, k) => ({
    row: k + 1,
    line: r.line,
    get: (f: F) => {
      const i = index.get(f);
      return i === undefined ? "" : (r.fields[i] ?? "").trim();
    },
    header: (f: F) => headers.get(f)!,
  }));
}
