import { challenges, dataLayer } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { TIME } from "../platforms/simulator/trader-styles";
import { type TenantFixture, tenantFixture } from "../testing/fixtures";
import {
  fastRulesProgram,
  feedSimulator,
  installTestSimulator,
  provisionedChallenges,
  runChallengeEffects,
  TestEvaluators,
} from "../testing/risk-fixtures";
import { getAccountStanding } from "./account-standing";
import { challengeReplay } from "./challenge-replay";

let t: TenantFixture;
let sim: SimulatorPlatform;
let ids: string[];
const start = Date.UTC(2026, 0, 5, 8);

beforeAll(async () => {
  t = await tenantFixture("pipeline");
  sim = installTestSimulator(11, start);
  const { programId } = await fastRulesProgram(t);
  ids = await provisionedChallenges(t, programId, 10);
});
afterAll(closeSqlLayer);

describe("the live risk pipeline on simulated traders", () => {
  it("breaches fail challenges and act on the platform, soft losses pause, passes open the next phase, and every decision replays", async () => {
    const evaluators = new TestEvaluators(t.tenantId);
    for (let day = 1; day <= 3; day++) {
      for (let h = 1; h <= 24; h += 3) {
        await feedSimulator(sim, t.tenantId, start + (day - 1) * TIME.DAY + h * TIME.HOUR, TIME.HOUR);
        await evaluators.drain();
        await runChallengeEffects(t.tenantId);
      }
    }
    const rows = await dataLayer().withTenant(t.tenantId, async (db) => ({
      decisions: await db.riskDecision.findMany({}),
      list: await Promise.all(ids.map((id) => challenges.findChallenge(db, id))),
      actions: await db.platformAction.findMany({}),
    }));
    const types = new Set(rows.decisions.map((d) => d.type));
    expect(types).toContain("breached");
    expect(types).toContain("paused");
    expect(types).toContain("warning");

    for (const c of rows.list) {
      const mine = rows.decisions.filter((d) => d.challengeId === c!.id);
      const breach = mine.find((d) => d.type === "breached");
      if (breach) {
        expect(c!.status, c!.reference).toBe("failed");
        expect(breach.lifecycleEventSeq).not.toBeNull();
        const account = c!.tradingAccounts.find((a) => a.id === breach.tradingAccountId)!;
        expect(account.tradingEnabled).toBe(false);
        expect(sim.simulation.account(account.platformAccountId!).tradingEnabled).toBe(false);
        const done = rows.actions
          .filter((a) => a.tradingAccountId === account.id && a.status === "succeeded")
          .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
        expect(done.map((a) => a.action)).toContain("close_all_positions");
        expect(done.filter((a) => a.action === "set_trading_enabled").at(-1)!.request).toMatchObject({
          enabled: false,
        });
      }
      if (mine.some((d) => d.type === "phase_passed")) {
        expect(c!.phaseIndex).toBeGreaterThanOrEqual(1);
        expect(c!.tradingAccounts.length).toBeGreaterThanOrEqual(2);
      }
    }

    for (const id of ids) {
      const replay = await challengeReplay(t.tenantId, id);
      expect(replay.matches, `replay of ${id}`).toBe(true);
      expect(replay.rows.length).toBe(rows.decisions.filter((d) => d.challengeId === id).length);
    }

    const active = rows.list.find((c) => c!.status === "active")!;
    const standing = await dataLayer().withTenant(t.tenantId, (db) =>
      getAccountStanding(db, active.tradingAccounts[active.phaseIndex]!.id),
    );
    expect(standing.status).toBe("active");
    expect(standing.lastUpdateAt).not.toBeNull();
    expect(standing.dayProfits.length).toBeGreaterThanOrEqual(2);
    expect(standing.dayProfits.at(-1)!.open).toBe(true);
  });
});
