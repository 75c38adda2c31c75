import { createRequire } from "node:module";
import { AppError } from "@propdesk/domain";

// pg's own conversion of a JS value to the text it sends as a parameter (arrays, dates, JSON,
// buffers): an inlined value reads back exactly as the same value sent as a parameter would.
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue(value: unknown): string | Buffer | null;
};

/**
 * A value as an SQL literal. Strings are quoted with their quotes doubled, and written as an
 * escape string with doubled backslashes when they hold a backslash (so the text is read back
 * exactly whatever `standard_conforming_strings` says). A quoted literal has PostgreSQL's unknown
 * type until its context resolves it, exactly like a parameter sent without a type, which is how
 * pg sends them.
 */
export function sqlLiteral(value: unknown): string {
  const text = prepareValue(value);
  if (text === null) return "NULL";
  if (Buffer.isBuffer(text)) return `E'\\\\x${text.toString("hex")}'`;
  if (text.includes("\0"))
    throw new AppError("VALIDATION", "A text value holds a NUL character, which PostgreSQL cannot store.");
  const quoted = text.replaceAll("'", "''");
  return text.includes("\\") ? `E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
}

const identifierChar = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarTag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * One statement with its `$n` placeholders replaced by literals of their values, for sending
 * several statements in one simple query (one round trip). Placeholders are found as PostgreSQL's
 * lexer finds them: not inside quoted strings, quoted identifiers, dollar quotes or comments. The
 * text must be one statement (a trailing semicolon is allowed), and every placeholder must have a
 * value.
 */
export function inlineParams(text: string, params: readonly unknown[] = []): string {
  let out = "";
  let i = 0;
  const n = text.length;
  const copyUntil = (end: number) => {
    out += text.slice(i, end);
    i = end;
  };
  const special = /['"\-/$;]/g;
  while (i < n) {
    // Ordinary text up to the next character that may start something.
    special.lastIndex = i;
    const found = special.exec(text);
    if (!found) {
      copyUntil(n);
      break;
    }
    copyUntil(found.index);
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "'") {
      // A string; after E (not part of a longer word) backslash escapes apply, so \' does not end it.
      const escapes = /[eE]/.test(text[i - 1] ?? "") && !identifierChar.test(text[i - 2] ?? "");
      let j = i + 1;
      for (;;) {
        if (j >= n) throw unterminated("quoted string");
        if (escapes && text[j] === "\\") j += 2;
        else if (text[j] === "'" && text[j + 1] === "'") j += 2;
        else if (text[j] === "'") break;
        else j++;
      }
      copyUntil(j + 1);
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw unterminated("quoted identifier");
      copyUntil(end + 1);
    } else if (c === "-" && next === "-") {
      const end = text.indexOf("\n", i);
      copyUntil(end < 0 ? n : end);
    } else if (c === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= n) throw unterminated("comment");
        const pair = text.slice(j, j + 2);
        if (pair === "/*" || pair === "*/") {
          depth += pair === "/*" ? 1 : -1;
          j += 2;
        } else j++;
      }
      copyUntil(j);
    } else if (c === "$" && identifierChar.test(text[i - 1] ?? "")) {
      // Part of an identifier (a$1).
      copyUntil(i + 1);
    } else if (c === "$" && next !== undefined && next >= "0" && next <= "9") {
      let j = i + 1;
      while (j < n && text[j]! >= "0" && text[j]! <= "9") j++;
      const index = Number(text.slice(i + 1, j));
      if (index < 1 || index > params.length)
        throw new AppError("INTERNAL", `There is no value for parameter $${index} (${params.length} given).`);
      out += sqlLiteral(params[index - 1]);
      i = j;
    } else if (c === "$" && dollarTag.test(text.slice(i, i + 64))) {
      const tag = dollarTag.exec(text.slice(i, i + 64))![0];
      const end = text.indexOf(tag, i + tag.length);
      if (end < 0) throw unterminated("dollar-quoted string");
      copyUntil(end + tag.length);
    } else if (c === ";") {
      if (text.slice(i + 1).trim() !== "")
        throw new AppError(
          "INTERNAL",
          "A statement sent with others in one round trip must be one statement.",
        );
      i = n;
    } else copyUntil(i + 1);
  }
  return out.trimEnd();
}

function unterminated(what: string): AppError {
  return new AppError("INTERNAL", `The statement has an unterminated ${what}.`);
}
