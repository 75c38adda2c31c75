import { AppError } from "../errors";

/** One record of a CSV file with the (1-based) line it starts on, for error messages. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses RFC 4180 CSV: fields separated by `delimiter`, records by CRLF or LF, fields optionally
 * in double quotes (a quote inside is doubled, and quoted fields may span lines). A UTF-8 BOM and a
 * final line break are ignored; blank lines are skipped. Malformed quoting is refused with its line.
 */
export function parseCsv(text: string, opts: { delimiter?: string } = {}): CsvRecord[] {
  const delim = opts.delimiter ?? ",";
  if (delim.length !== 1 || delim === '"' || delim === "\n" || delim === "\r")
    throw new AppError(
      "VALIDATION",
      `delimiter: "${delim}" must be one character other than a quote or line break.`,
    );
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedField = false;
  const endField = () => {
    fields.push(field);
    field = "";
    quotedField = false;
  };
  const endRecord = () => {
    const wasQuoted = quotedField;
    endField();
    // A blank line is no record; a line holding just "" is one empty field.
    if (!(fields.length === 1 && fields[0] === "" && !wasQuoted)) out.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' && field === "" && !quotedField) {
      // A quoted field: read to the closing quote.
      const startLine = line;
      i += 1;
      for (;;) {
        if (i >= s.length)
          throw new AppError("VALIDATION", `CSV line ${startLine}: a quoted field is never closed.`, {
            issues: [{ path: `line.${startLine}`, message: "unterminated quoted field" }],
          });
        const q = s[i]!;
        if (q === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === "\n") line += 1;
        field += q;
        i += 1;
      }
      quotedField = true;
      const next = s[i];
      if (next !== undefined && next !== delim && next !== "\r" && next !== "\n")
        throw new AppError("VALIDATION", `CSV line ${line}: unexpected text after a closing quote.`, {
          issues: [{ path: `line.${line}`, message: "text after a closing quote" }],
        });
      continue;
    }
    if (c === delim) {
      endField();
      i += 1;
      continue;
    }
    if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && s[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (c === '"')
      throw new AppError(
        "VALIDATION",
        `CSV line ${line}: a quote inside an unquoted field; quote the whole field.`,
        {
          issues: [{ path: `line.${line}`, message: "quote inside an unquoted field" }],
        },
      );
    field += c;
    i += 1;
  }
  if (field !== "" || fields.length > 0 || quotedField) endRecord();
  return out;
}

// Cells a spreadsheet would run as a formula; exported text from outside sources must not.
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV field: quoted when it contains the delimiter, a quote, CR or LF (quotes doubled).
 * With `guardFormula`, text that a spreadsheet would run as a formula gets a leading apostrophe.
 */
export function csvField(value: string, opts: { delimiter?: string; guardFormula?: boolean } = {}): string {
  const delim = opts.delimiter ?? ",";
  const v = opts.guardFormula && formulaStart.test(value) ? `'${value}` : value;
  return v.includes(delim) || v.includes('"') || v.includes("\n") || v.includes("\r")
    ? `"${v.replaceAll('"', '""')}"`
    : v;
}

/** Rows to CSV text with CRLF line ends (RFC 4180), a final CRLF included. */
export function toCsv(rows: readonly (readonly string[])[], opts: { delimiter?: string } = {}): string {
  // A row of one empty field is written as "" so that it does not read back as a blank line.
  const line = (r: readonly string[]) =>
    r.length === 1 && r[0] === "" ? '""' : r.map((f) => csvField(f, opts)).join(opts.delimiter ?? ",");
  return rows.map((r) => `${line(r)}\r\n`).join("");
}
