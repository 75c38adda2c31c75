/**
 * `npm run --silent replay -- scenario.json`: prints the replay result as JSON on stdout (exit 0).
 * Bad input: one line on stderr naming the field or event index, nothing on stdout, exit 2.
 * Anything unexpected: one line on stderr, exit 1.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isAppError } from "../errors";
import { replayScenario } from "./replay-scenario";

function oneLine(message: string): string {
  return message.replace(/\s+/g, " ").trim();
}

function main(argv: string[]): number {
  const file = argv[0];
  if (file === undefined || argv.length > 1) {
    process.stderr.write("usage: npm run --silent replay -- <scenario.json>\n");
    return 2;
  }
  // npm runs scripts from the repository root; a relative path means the caller's directory.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    process.stderr.write(`error: cannot read ${file}: ${oneLine((e as Error).message)}\n`);
    return 2;
  }
  let input: unknown;
  try {
    // A UTF-8 byte-order mark (some editors write one) is not part of the JSON.
    input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    process.stderr.write(`error: ${file} is not valid JSON: ${oneLine((e as Error).message)}\n`);
    return 2;
  }
  try {
    const result = replayScenario(input);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (isAppError(e) && e.code === "VALIDATION") {
      process.stderr.write(`error: ${oneLine(e.message)}\n`);
      return 2;
    }
    process.stderr.write(`internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
