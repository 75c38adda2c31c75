import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { account, phase, program } from "./test-scenarios";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../../..");
const fixtures = join(here, "fixtures", "spec-examples");
const work = mkdtempSync(join(tmpdir(), "replay-cli-"));

/** Runs the contract command exactly as the outside checks do. */
function replay(file: string, cwd = repoRoot) {
  // npm sets INIT_CWD to the directory it was started from; --prefix finds the root's scripts.
  const r = spawnSync("npm", ["--prefix", repoRoot, "run", "--silent", "replay", "--", file], {
    cwd,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function scenarioFile(name: string, content: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** stderr lines that are ours (npm itself may warn about the machine's npmrc). */
const ownLines = (stderr: string) => stderr.split("\n").filter((l) => l !== "" && !l.startsWith("npm warn"));

describe("npm run --silent replay", { timeout: 60_000 }, () => {
  it.each(["ftmo-daily-loss-200k", "topstep-trailing-eod-lock-50k", "trailing-closed-lock-100k"])(
    "prints the expected result of %s and exits 0",
    (name) => {
      const r = replay(join(fixtures, `${name}.json`));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(
        JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), "utf8")),
      );
      expect(ownLines(r.stderr)).toEqual([]);
    },
  );

  it("resolves a relative path against INIT_CWD (the caller's directory)", () => {
    const r = replay("topstep-trailing-eod-lock-50k.json", fixtures);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).state.maxLossFloor).toBe("50000.00");
  });

  it.each([
    [
      "a negative pct",
      {
        program: program({}, [
          phase({ dailyLoss: { pct: -5, amountBase: "initial", reference: "balance", kind: "hard" } }),
        ]),
        events: [],
      },
      "program.phases[0].dailyLoss.pct",
    ],
    [
      "unsorted events",
      {
        program: program(),
        events: [account("2026-01-05T10:00:00Z", "100.00"), account("2026-01-05T09:00:00Z", "100.00")],
      },
      "events[1].t",
    ],
    [
      "an unknown event type",
      { program: program(), events: [{ t: "2026-01-05T10:00:00Z", type: "deposit" }] },
      "events[0].type",
    ],
    ["a bad timezone", { program: program({ timezone: "Mars/Olympus" }), events: [] }, "program.timezone"],
  ])("refuses %s: exit 2, one line naming the field, nothing on stdout", (_label, content, field) => {
    const r = replay(scenarioFile("bad.json", content));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = ownLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(field);
  });

  it.each([
    ["a missing file", join(work, "nope.json")],
    ["a file that is not JSON", scenarioFile("broken.json", "{ not json")],
  ])("refuses %s with exit 2", (_label, file) => {
    const r = replay(file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(ownLines(r.stderr)).toHaveLength(1);
  });
});
