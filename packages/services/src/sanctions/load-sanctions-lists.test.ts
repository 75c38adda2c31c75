import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@propdesk/domain";
import { afterAll, describe, expect, it } from "vitest";
import { dataDir, loadSanctionsLists } from "./load-sanctions-lists";

const source = join(dataDir(), "sanctions");
const scratch = mkdtempSync(join(tmpdir(), "propdesk-sanctions-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("loadSanctionsLists", () => {
  it("loads all five files into one entry list with a version", async () => {
    const now = new Date("2025-05-01T12:00:00Z");
    const loaded = await loadSanctionsLists({ now: () => now });
    expect(loaded.version.files.map((f) => [f.name, f.role])).toEqual([
      ["ofac_add.csv", "add"],
      ["ofac_alt.csv", "alt"],
      ["ofac_cons_prim.csv", "cons"],
      ["ofac_sdn_2024-05-03.csv", "sdn"],
      ["un_consolidated_2025-04-19.xml", "un"],
    ]);
    expect(loaded.version.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.version.loadedAt).toBe("2025-05-01T12:00:00.000Z");
    const byList = (id: string) => loaded.entries.filter((e) => e.listId === id).length;
    expect(byList("ofac_cons")).toBe(443);
    expect(byList("un")).toBe(877);
    expect(byList("ofac_sdn")).toBe(14_965 + loaded.stats.aliasOnlyEntries);
  });

  it("gives the same version hash for the same files and a new one when a list changes", async () => {
    const dir = join(scratch, "copy");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
    const original = await loadSanctionsLists();
    const copy = await loadSanctionsLists({ dir });
    expect(copy.version.sha256).toBe(original.version.sha256);

    writeFileSync(
      join(dir, "ofac_cons_prim.csv"),
      '1,"NEW ENTITY",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
    );
    const reloaded = await loadSanctionsLists({ dir });
    expect(reloaded.version.sha256).not.toBe(original.version.sha256);
    expect(reloaded.entries.some((e) => e.primaryName === "NEW ENTITY")).toBe(true);
  });

  it("refuses a directory without any list", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty, { recursive: true });
    await expect(loadSanctionsLists({ dir: empty })).rejects.toBeInstanceOf(AppError);
  });

  it("refuses a missing directory", async () => {
    await expect(loadSanctionsLists({ dir: join(scratch, "nope") })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });
});
