import { challenges, dataLayer } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger";
import type { SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { TIME } from "../platforms/simulator/trader-styles";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import {
  fastRulesProgram,
  feedSimulator,
  installTestSimulator,
  provisionedChallenges,
  runChallengeEffects,
  runQueuedJobs,
  TestEvaluators,
} from "../testing/risk-fixtures";
import { setDeskEmergencyStop } from "./risk-actions";
import { RiskScheduler } from "./risk-scheduler";

let t: TenantFixture;
let sim: SimulatorPlatform;
let ids: string[];
let evaluators: TestEvaluators;
const start = Date.UTC(2026, 0, 5, 8);

beforeAll(async () => {
  t = await tenantFixture("actions");
  sim = installTestSimulator(5, start);
  const { programId } = await fastRulesProgram(t);
  ids = await provisionedChallenges(t, programId, 4);
  evaluators = new TestEvaluators(t.tenantId);
  await feedSimulator(sim, t.tenantId, start + 2 * TIME.HOUR);
  await evaluators.drain();
});
afterAll(closeSqlLayer);

const statuses = () =>
  dataLayer().withTenant(t.tenantId, async (db) =>
    Promise.all(ids.map(async (id) => (await challenges.findChallenge(db, id))!)),
  );

describe("the desk emergency stop", () => {
  it("needs risk.act and a reason, then suspends every running account, closes positions and pauses evaluation; lifting it reopens them", async () => {
    const support = await signIn(t, (await staffFixture(t, "support")).email);
    await expect(
      setDeskEmergencyStop(support.principal, "stop", { deskId: t.deskId, reason: "market halt" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const risk = await signIn(t, (await staffFixture(t, "risk")).email);
    await expect(
      setDeskEmergencyStop(risk.principal, "stop", { deskId: t.deskId, reason: "" }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [{ path: "reason" }],
    });
    const before = await statuses();
    const running = before.filter((c) =>
      ["active", "paused", "funded", "awaiting_next_phase"].includes(c.status),
    );
    expect(running.length).toBeGreaterThan(0);

    await setDeskEmergencyStop(risk.principal, "stop", {
      deskId: t.deskId,
      reason: "Exchange outage: stop everything",
    });
    await expect(
      setDeskEmergencyStop(risk.principal, "stop", { deskId: t.deskId, reason: "again please" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await runQueuedJobs(t.tenantId, "risk.desk-emergency-stop")).toBe(1);
    await runChallengeEffects(t.tenantId);
    const stopped = await statuses();
    for (const c of stopped.filter((x) => running.some((r) => r.id === x.id))) {
      expect(c.status).toBe("suspended");
      const account = c.tradingAccounts.find((a) => a.phaseIndex === c.phaseIndex)!;
      expect(sim.simulation.account(account.platformAccountId!).tradingEnabled).toBe(false);
      expect(sim.simulation.account(account.platformAccountId!).openPositions).toBe(0);
    }

    // While stopped, updates are recorded but not evaluated: no decision is made.
    const decisionsBefore = await dataLayer().withTenant(t.tenantId, (db) => db.riskDecision.count());
    await feedSimulator(sim, t.tenantId, start + 6 * TIME.HOUR);
    await evaluators.drain();
    expect(await dataLayer().withTenant(t.tenantId, (db) => db.riskDecision.count())).toBe(decisionsBefore);

    await setDeskEmergencyStop(risk.principal, "lift", { deskId: t.deskId, reason: "Exchange back: reopen" });
    await runQueuedJobs(t.tenantId, "risk.desk-emergency-stop");
    await runChallengeEffects(t.tenantId);
    await evaluators.drain();
    const lifted = await statuses();
    for (const c of lifted.filter((x) => running.some((r) => r.id === x.id))) {
      expect(c.status).not.toBe("suspended");
      const account = c.tradingAccounts.find((a) => a.phaseIndex === c.phaseIndex)!;
      // Trading reopens where the challenge trades again; a paused account stays closed until its
      // next trading day, a passed phase's account stays closed.
      expect(sim.simulation.account(account.platformAccountId!).tradingEnabled).toBe(
        ["active", "funded"].includes(c.status),
      );
    }
    const audit = await dataLayer().withTenant(t.tenantId, (db) =>
      db.auditEvent.findMany({
        where: { action: { in: ["risk.emergency_stop", "risk.emergency_stop_lifted"] } },
      }),
    );
    expect(audit.map((a) => a.action).sort()).toEqual(["risk.emergency_stop", "risk.emergency_stop_lifted"]);
  });
});

describe("the clock scheduler", () => {
  it("delivers the day start to accounts that get no updates, once per due instant", async () => {
    // The market runs on but its updates are not delivered (a silent feed): only the scheduler tells the engine.
    const due = await dataLayer().withTenant(t.tenantId, (db) =>
      db.riskEngineState.findMany({
        where: { engineStatus: { in: ["active", "paused"] }, nextDueMs: { not: null } },
      }),
    );
    expect(due.length).toBeGreaterThan(0);
    const nextDay = Math.min(...due.map((s) => Number(s.nextDueMs)));
    sim.advanceTo(nextDay + TIME.HOUR);
    const scheduler = new RiskScheduler({ log: createLogger("test", "silent") });
    expect(await scheduler.tick()).toBeGreaterThan(0);
    expect(await scheduler.tick()).toBe(0);
    await evaluators.drain();
    const clocks = await dataLayer().withTenant(t.tenantId, (db) =>
      db.riskInput.findMany({ where: { kind: "clock" } }),
    );
    expect(clocks.length).toBeGreaterThan(0);
    const after = await dataLayer().withTenant(t.tenantId, (db) =>
      db.riskEngineState.findMany({ where: { challengeId: { in: clocks.map((c) => c.challengeId) } } }),
    );
    for (const s of after) expect((s.state as { dayStart: number }).dayStart).toBeGreaterThanOrEqual(nextDay);
  });
});
