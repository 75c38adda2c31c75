import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyScreening, INITIAL_SANCTIONS_REVIEW } from "@propdesk/domain/sanctions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDir } from "./load-sanctions-lists";
import { SanctionsScreener } from "./sanctions-screener";

const dir = mkdtempSync(join(tmpdir(), "propdesk-screener-"));
let screener: SanctionsScreener;
beforeAll(async () => {
  for (const f of readdirSync(join(dataDir(), "sanctions")))
    copyFileSync(join(dataDir(), "sanctions", f), join(dir, f));
  screener = await SanctionsScreener.load({ dir, now: () => new Date("2025-06-01T08:00:00Z") });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SanctionsScreener", () => {
  it("records a screening with its trigger, list version and entry signatures", () => {
    const record = screener.screenSubject(
      { subjectType: "trader", subjectId: "tr_1", fullName: "Jamileh Al Shanti", country: "PS" },
      "sign_up",
    );
    expect(record).toMatchObject({
      subjectType: "trader",
      subjectId: "tr_1",
      trigger: "sign_up",
      listVersion: screener.version.sha256,
      screenedAt: "2025-06-01T08:00:00.000Z",
      potentialMatch: true,
    });
    expect(record.matches[0]).toMatchObject({ listId: "ofac_cons", entryId: "9641" });
    expect(record.signatures["ofac_cons:9641"]).toContain("AL-SHANTI, Jamileh Abdullah");
    const state = applyScreening(INITIAL_SANCTIONS_REVIEW, record, record.listVersion, screener.signatureOf);
    expect(state.status).toBe("potential_match");
  });

  it("screens a company against entities", () => {
    const record = screener.screenSubject(
      { subjectType: "payee", subjectId: "py_1", fullName: "Banco Nacional de Cuba", isEntity: true },
      "manual",
    );
    expect(record.matches[0]).toMatchObject({ entryId: "306", entryType: "entity" });
  });

  it("reload reports no change for the same files and rebuilds when a list changes", async () => {
    expect(await screener.reload()).toBe(false);
    const before = screener.version.sha256;
    writeFileSync(
      join(dir, "ofac_cons_prim.csv"),
      '9999001,"ZYXWVU, Qwerty","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1970."\r\n\x1a',
    );
    expect(await screener.reload()).toBe(true);
    expect(screener.version.sha256).not.toBe(before);
    const found = screener.screen({ fullName: "Qwerty Zyxwvu", type: "individual" });
    expect(found.matches[0]).toMatchObject({ listId: "ofac_cons", entryId: "9999001" });
    // The consolidated list was replaced: its old entries are gone from the index.
    expect(screener.screen({ fullName: "Jamileh Al Shanti", type: "individual" }).matches).toEqual([]);
  });
});
