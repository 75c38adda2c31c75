import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { replayScenario } from "./replay-scenario";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "spec-examples");
const repoRoot = resolve(here, "../../../..");
const specDir = process.env.PROPDESK_SPEC_DIR ?? resolve(repoRoot, "../shared/spec");

const names = readdirSync(fixtures)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
  .map((f) => f.replace(/\.json$/, ""));

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as unknown;

describe("the published contract examples", () => {
  it("are all here (three examples)", () => {
    expect(names.sort()).toEqual([
      "ftmo-daily-loss-200k",
      "topstep-trailing-eod-lock-50k",
      "trailing-closed-lock-100k",
    ]);
  });

  it.each(names)("%s reproduces its expected result", (name) => {
    expect(replayScenario(read(fixtures, `${name}.json`))).toEqual(read(fixtures, `${name}.expected.json`));
  });

  // The copies must not drift from the spec the outside checks use.
  it.runIf(existsSync(join(specDir, "examples")))("copies match the spec's examples", () => {
    const published = readdirSync(join(specDir, "examples")).sort();
    expect(published).toEqual(readdirSync(fixtures).sort());
    for (const f of published) expect(read(fixtures, f)).toEqual(read(join(specDir, "examples"), f));
  });
});
