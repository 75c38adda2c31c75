import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataLayer } from "@propdesk/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger";
import { dataDir } from "../sanctions/load-sanctions-lists";
import { SanctionsScreener } from "../sanctions/sanctions-screener";
import { traderFixture } from "../testing/challenge-fixtures";
import { drainJobs, testScreener } from "../testing/commerce-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { complianceStatus } from "./compliance-status";
import { checkSanctionsLists } from "./sanctions-list-watcher";
import {
  decideSanctionsMatch,
  screeningQueue,
  screeningReview,
  setScreeningThreshold,
  setSharedScreener,
} from "./sanctions-screening";

let t: TenantFixture;
beforeAll(async () => {
  setSharedScreener(await testScreener());
  t = await tenantFixture("screen");
});
afterAll(() => setSharedScreener(undefined));

const status = (traderId: string) =>
  dataLayer().withTenant(t.tenantId, (db) => complianceStatus(db, traderId));

async function signUp(name: string) {
  const trader = await traderFixture(t, "s", { name });
  await drainJobs(t.tenantId, { only: ["compliance.screen-subject"] });
  return trader;
}

describe("sanctions screening at sign-up", () => {
  it("puts an altered SDN name in the review queue with the matcher's evidence, without blocking the sign-up", async () => {
    // OFAC consolidated list entry 9641, "AL-SHANTI, Jamileh Abdullah", written the other way round.
    const trader = await signUp("Jamileh Al Shanti");
    const s = await status(trader.traderId);
    expect(s.sanctions).toMatchObject({
      status: "potential_match",
      blocksPurchasesAndPayouts: false,
      screened: true,
    });
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const queue = await screeningQueue(compliance.principal, {});
    const row = queue.rows.find((r) => r.subjectId === trader.traderId)!;
    expect(row.topName).toBe("AL-SHANTI, Jamileh Abdullah");
    const review = await screeningReview(compliance.principal, row.id);
    const match = review.state.pending[0]!.match;
    expect(match).toMatchObject({ listId: "ofac_cons", entryId: "9641" });
    expect(match.tokens.map((tk) => tk.list).sort()).toEqual(expect.arrayContaining(["jamileh", "shanti"]));
    expect(match.missingListTokens.join(" ")).toContain("abdullah");
    expect(review.screenings[0]).toMatchObject({ trigger: "sign_up", potentialMatch: true });
  });

  it("leaves ordinary names clear", async () => {
    for (const name of ["Olivia Thompson", "Lukas Schneider", "Priya Raman"]) {
      const trader = await signUp(name);
      expect((await status(trader.traderId)).sanctions.status).toBe("clear");
    }
  });

  it("a dismissal holds on the next screening; a confirmation blocks purchases and payouts", async () => {
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const a = await signUp("Andrey Vladimirovich Cherezov");
    const reviewOf = async (traderId: string) =>
      (await screeningQueue(compliance.principal, {})).rows.find((r) => r.subjectId === traderId)!;
    const ra = await reviewOf(a.traderId);
    const entryKey = (await screeningReview(compliance.principal, ra.id)).state.pending[0]!.entryKey;
    await expect(
      decideSanctionsMatch(compliance.principal, ra.id, "dismiss", { entryKey, reason: "" }),
    ).rejects.toThrow(/reason/);
    expect((await status(a.traderId)).sanctions.status).toBe("potential_match");
    await decideSanctionsMatch(compliance.principal, ra.id, "dismiss", {
      entryKey,
      reason: "Different date of birth on the passport (1990 vs 1974).",
    });
    expect((await status(a.traderId)).sanctions.status).toBe("clear");
    // Screening again against the same entry content does not re-open the dismissed match.
    await dataLayer().withTenant(t.tenantId, async (db) => {
      const { screenTrader } = await import("./sanctions-screening");
      await screenTrader(db, await testScreener(), a.traderId, "manual");
    });
    expect((await status(a.traderId)).sanctions.status).toBe("clear");

    const b = await signUp("SaLiHu YuSuF aDaMu");
    const rb = await reviewOf(b.traderId);
    const keyB = (await screeningReview(compliance.principal, rb.id)).state.pending[0]!.entryKey;
    await decideSanctionsMatch(compliance.principal, rb.id, "confirm", {
      entryKey: keyB,
      reason: "Same person: DOB and nationality match.",
    });
    expect((await status(b.traderId)).sanctions).toMatchObject({
      status: "confirmed_match",
      blocksPurchasesAndPayouts: true,
    });
  });

  it("screens with the firm's own threshold, which only settings managers change", async () => {
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    await expect(setScreeningThreshold(compliance.principal, { threshold: "0.99" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const owner = await signIn(t, t.owner.email);
    await expect(setScreeningThreshold(owner.principal, { threshold: "0.2" })).rejects.toThrow(
      /threshold.*at least 0.5/,
    );
    await setScreeningThreshold(owner.principal, { threshold: "1" });
    const trader = await signUp("Jamileh Al Shanti");
    expect((await status(trader.traderId)).sanctions.status).toBe("clear");
    await setScreeningThreshold(owner.principal, { threshold: "0.85" });
  });
});

describe("re-screening when the lists change", () => {
  let dir: string;
  afterAll(async () => {
    setSharedScreener(await testScreener());
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a new SDN entry flags an existing trader after the list reload, once per list version", async () => {
    dir = await mkdtemp(join(tmpdir(), "sanctions-"));
    const source = join(dataDir(), "sanctions");
    for (const f of await readdir(source)) await copyFile(join(source, f), join(dir, f));
    setSharedScreener(await SanctionsScreener.load({ dir }));
    const log = createLogger("test", "silent");
    await checkSanctionsLists(log);
    await drainJobs(t.tenantId, { only: ["compliance.rescreen-tenant", "compliance.screen-subject"] });

    const trader = await signUp("Milorad Zarkovic");
    expect((await status(trader.traderId)).sanctions.status).toBe("clear");
    expect((await checkSanctionsLists(log)).queued).not.toContain(t.tenantId);

    const sdn = (await readdir(dir)).find((f) => f.includes("sdn"))!;
    const text = await readFile(join(dir, sdn), "latin1");
    const added = `99999001,"ZARKOVIC, Milorad Petar","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 12 Mar 1961."\r\n`;
    // OFAC's files end with a Ctrl-Z byte; the new row goes before it.
    const eof = String.fromCharCode(0x1a);
    const body = text.endsWith(eof) ? text.slice(0, -1) : text;
    await writeFile(join(dir, sdn), `${body}${added}${eof}`, "latin1");

    const check = await checkSanctionsLists(log);
    expect(check.queued).toContain(t.tenantId);
    await drainJobs(t.tenantId, { only: ["compliance.rescreen-tenant"] });
    const s = await status(trader.traderId);
    expect(s.sanctions.status).toBe("potential_match");
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const row = (await screeningQueue(compliance.principal, {})).rows.find(
      (r) => r.subjectId === trader.traderId,
    )!;
    const review = await screeningReview(compliance.principal, row.id);
    expect(review.screenings[0]).toMatchObject({ trigger: "list_reload", listVersion: check.listVersion });
    expect(review.state.pending[0]!.match.entryId).toBe("99999001");
  });
});
