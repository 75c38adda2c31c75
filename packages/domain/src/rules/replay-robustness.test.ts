import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { replayScenario } from "./replay-scenario";

/**
 * Whatever a scenario contains, replay either answers or refuses with a VALIDATION AppError (which
 * the CLI turns into exit 2 and one line): never a crash, which would be exit 1.
 */

const here = dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(
  readFileSync(join(here, "fixtures", "spec-examples", "ftmo-daily-loss-200k.json"), "utf8"),
) as unknown;

type Path = (string | number)[];

/** Every path to a value inside a JSON document. */
function paths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push(...paths(x, [...at, k]));
  return out;
}

function replaceAt(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string | number, unknown>;
  let node = copy;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

const allPaths = paths(example);
const junk = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    null,
    "",
    "-0",
    "1e5",
    "NaN",
    -1,
    0,
    1.5,
    1e21,
    "2026-13-01T00:00:00Z",
    "Mars/Base",
    "99:99",
    [],
  ),
);

describe("replay robustness", () => {
  it("any value at any place gives a result or a VALIDATION error, never a crash", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), junk, (path, value) => {
        try {
          const r = replayScenario(replaceAt(example, path, value));
          expect(JSON.parse(JSON.stringify(r))).toEqual(r);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe("VALIDATION");
          expect((e as AppError).message).not.toContain("\n");
        }
      }),
      { numRuns: 1500 },
    );
  });
});
