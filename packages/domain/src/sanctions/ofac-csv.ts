import { AppError } from "../errors";

/**
 * Parses OFAC's legacy CSV files (sdn.csv, alt.csv, add.csv, cons_prim.csv): no header, every
 * text field double-quoted (a doubled quote escapes one), numbers and nulls bare, `-0- ` for null,
 * CRLF line ends and a trailing Ctrl-Z (0x1A) end-of-file byte. Returns one array per record,
 * with `null` for OFAC's null marker and for empty fields.
 */
export function parseOfacCsv(text: string, file = "csv"): (string | null)[][] {
  let end = text.length;
  // Trailing Ctrl-Z, blank lines and stray spaces are not records.
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x1a && c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x09) break;
    end--;
  }
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let line = 1;
  while (i < end) {
    let value: string | null;
    if (text[i] === '"') {
      let out = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0 || q >= end) {
          throw new AppError("VALIDATION", `${file}: unterminated quoted field on line ${line}`, {
            issues: [{ path: `${file}[${rows.length}]`, message: "unterminated quoted field" }],
          });
        }
        out += text.slice(j, q);
        if (text[q + 1] === '"') {
          out += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      for (const ch of out) if (ch === "\n") line++;
      value = out;
    } else {
      let j = i;
      while (j < end && text[j] !== "," && text[j] !== "\r" && text[j] !== "\n") j++;
      value = text.slice(i, j);
      i = j;
    }
    const trimmed = value.trim();
    row.push(trimmed === "" || trimmed === "-0-" ? null : trimmed);
    // Bare fields may carry trailing spaces after the closing quote: skip to the separator.
    while (i < end && text[i] === " ") i++;
    if (i >= end) break;
    const sep = text[i];
    if (sep === ",") {
      i++;
      if (i >= end) row.push(null);
      continue;
    }
    if (sep === "\r" || sep === "\n") {
      rows.push(row);
      row = [];
      line++;
      i += sep === "\r" && text[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    throw new AppError("VALIDATION", `${file}: unexpected character after field on line ${line}`, {
      issues: [
        { path: `${file}[${rows.length}]`, message: `unexpected ${JSON.stringify(sep)} after a field` },
      ],
    });
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Checks each record has `columns` fields and returns them; errors name the file and record. */
export function expectColumns(rows: (string | null)[][], columns: number, file: string): (string | null)[][] {
  const issues = [];
  for (let r = 0; r < rows.length; r++) {
    const n = rows[r]!.length;
    if (n !== columns)
      issues.push({ path: `${file}[${r}]`, message: `expected ${columns} fields, got ${n}` });
    if (issues.length >= 20) break;
  }
  if (issues.length > 0) {
    throw new AppError("VALIDATION", `${file}: ${issues.length} malformed record(s)`, { issues });
  }
  return rows;
}
