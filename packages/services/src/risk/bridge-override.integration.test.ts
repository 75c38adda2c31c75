import { challenges, dataLayer } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChallengeEvent, assignChallenge } from "../challenges/challenge-lifecycle";
import { acceptBridgeDelivery } from "../ingest/bridge-delivery";
import { openUnitOfWork, programFixture, traderFixture } from "../testing/challenge-fixtures";
import { type ConnectorStandIn, startConnectorStandIn } from "../testing/connector-standin";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { runChallengeEffects, signedDelivery, TestEvaluators } from "../testing/risk-fixtures";
import { createBridgeKey, saveBridgeSettings, setDeskPlatform } from "./bridge-admin";
import { challengeReplay } from "./challenge-replay";
import { overrideBreach } from "./risk-actions";

let t: TenantFixture;
let connector: ConnectorStandIn;
let webhookSecret: string | null = null;
let key: { keyId: string; secret: string };
let challengeId: string;
let account: string;
const t0 = Date.now();
const at = (s: number) => new Date(t0 + s * 1000).toISOString();
const update = (seq: number, equity: string, openPositions = 1) => ({
  type: "account",
  account,
  seq,
  t: at(seq),
  balance: "50000.00",
  equity,
  openPositions,
});

beforeAll(async () => {
  t = await tenantFixture("bridge");
  const owner = await signIn(t, t.owner.email);
  connector = await startConnectorStandIn(() => webhookSecret);
  webhookSecret = (await saveBridgeSettings(owner.principal, { webhookUrl: connector.url, timeoutMs: 2000 }))
    .secret;
  key = await createBridgeKey(owner.principal, { label: "test connector" });
  await setDeskPlatform(owner.principal, { deskId: t.deskId, platform: "bridge" });
  const { programId } = await programFixture(t, "futures-combine-50k");
  const trader = await traderFixture(t);
  ({
    challenge: { id: challengeId },
  } = await assignChallenge(owner.principal, {
    traderId: trader.traderId,
    programId,
    reason: "bridge test",
  }));
  await runChallengeEffects(t.tenantId);
  const c = await dataLayer().withTenant(t.tenantId, (db) => challenges.findChallenge(db, challengeId));
  account = c!.tradingAccounts[0]!.platformAccountId!;
});
afterAll(async () => {
  await connector.close();
  await closeSqlLayer();
});

async function waitFor(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("a challenge on a bridged platform", () => {
  it("is opened through the connector's signed webhook", async () => {
    expect(account).toMatch(/^MT5-\d+$/);
    expect(connector.actions.map((a) => a.action)).toEqual(["provision_account", "get_account_snapshot"]);
    expect(connector.actions.every((a) => a.signatureOk)).toBe(true);
    const c = await dataLayer().withTenant(t.tenantId, (db) => challenges.findChallenge(db, challengeId));
    expect(c!.status).toBe("active");
  });

  it("breaches on the update that crosses the floor, acts at once on the platform, and an override restores it so that the replay still matches", async () => {
    const evaluators = new TestEvaluators(t.tenantId, { fastPath: true });
    const first = await acceptBridgeDelivery(
      signedDelivery(key.keyId, key.secret, [
        update(1, "50000.00", 0),
        {
          type: "trade_opened",
          account,
          seq: 2,
          t: at(2),
          tradeId: "T-1",
          symbol: "ES",
          side: "buy",
          lots: "2",
          price: "5012.25",
          stopLoss: null,
        },
        update(3, "50250.00"),
      ]),
    );
    expect(first).toMatchObject({ accepted: 3, duplicates: 0, stale: 0, rejected: [] });
    await evaluators.drain();
    await acceptBridgeDelivery(signedDelivery(key.keyId, key.secret, [update(4, "47400.00")]));
    await evaluators.drain();

    // The breach is committed with its transition, and the platform is acted on at once.
    const failed = await dataLayer().withTenant(t.tenantId, async (db) => ({
      c: await challenges.findChallenge(db, challengeId),
      decisions: await db.riskDecision.findMany({ where: { challengeId } }),
    }));
    expect(failed.c!.status).toBe("failed");
    expect(failed.decisions.map((d) => [d.type, d.rule])).toEqual([["breached", "max_loss"]]);
    await waitFor(() => connector.actions.filter((a) => a.action !== "get_account_snapshot").length >= 3);
    const acted = connector.actions.filter(
      (a) => a.action === "close_all_positions" || a.action === "set_trading_enabled",
    );
    // Disabled first, so the trader cannot open a position between the close and the disable.
    expect(acted.map((a) => [a.action, a.enabled, a.account])).toEqual([
      ["set_trading_enabled", false, account],
      ["close_all_positions", undefined, account],
    ]);
    // The outbox job behind it finds the actions done and repeats nothing.
    await runChallengeEffects(t.tenantId);
    expect(connector.actions.filter((a) => a.action === "close_all_positions")).toHaveLength(1);

    // A trader's update after the breach is recorded but changes nothing.
    await acceptBridgeDelivery(signedDelivery(key.keyId, key.secret, [update(5, "47300.00", 0)]));
    await evaluators.drain();

    // The risk desk overrides it with a reason.
    const risk = await signIn(t, (await staffFixture(t, "risk")).email);
    await expect(overrideBreach(risk.principal, { challengeId, reason: "x" })).rejects.toMatchObject({
      code: "VALIDATION",
      issues: [{ path: "reason", message: expect.stringContaining("at least 5 characters") }],
    });
    const restored = await overrideBreach(risk.principal, {
      challengeId,
      reason: "Bad tick from the price feed at the open",
    });
    expect(restored).toMatchObject({ restoredTo: "active", rule: "max_loss" });
    await runChallengeEffects(t.tenantId);
    expect(connector.actions.filter((a) => a.action === "set_trading_enabled").map((a) => a.enabled)).toEqual(
      [false, true],
    );
    await expect(
      overrideBreach(risk.principal, { challengeId, reason: "once more please" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });

    // The engine resumes from before the breaching update; the next update is evaluated normally.
    await acceptBridgeDelivery(signedDelivery(key.keyId, key.secret, [update(6, "50100.00")]));
    await evaluators.drain();
    const after = await dataLayer().withTenant(t.tenantId, async (db) => ({
      c: await challenges.findChallenge(db, challengeId),
      state: await db.riskEngineState.findUnique({
        where: { tenantId_challengeId: { tenantId: t.tenantId, challengeId } },
      }),
      audit: await db.auditEvent.findMany({
        where: { targetId: challengeId, action: "challenge.breach_overridden" },
      }),
      decisions: await db.riskDecision.findMany({ where: { challengeId } }),
    }));
    expect(after.c!.status).toBe("active");
    expect(after.state).toMatchObject({ engineStatus: "active", equity: 5_010_000n });
    expect(after.audit).toHaveLength(1);
    expect(after.audit[0]!.after).toMatchObject({ reason: "Bad tick from the price feed at the open" });
    expect(after.decisions.filter((d) => d.overriddenAt !== null)).toHaveLength(1);

    const replay = await challengeReplay(t.tenantId, challengeId);
    expect(replay.restores).toEqual([{ inputId: expect.any(Number), matches: true }]);
    expect(replay.matches).toBe(true);
  });

  it("a decision made while another unit of work holds the challenge waits for it and takes the next event seq", async () => {
    const owner = await signIn(t, t.owner.email);
    const { programId } = await programFixture(t, "futures-combine-50k");
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: (await traderFixture(t)).traderId,
      programId,
      reason: "concurrent commit test",
    });
    await runChallengeEffects(t.tenantId);
    const opened = await dataLayer().withTenant(t.tenantId, (db) =>
      challenges.findChallenge(db, challenge.id),
    );
    const other = opened!.tradingAccounts[0]!.platformAccountId!;
    const warnings: string[] = [];
    const evaluators = new TestEvaluators(t.tenantId, {
      fastPath: true,
      log: pino({ level: "warn" }, { write: (line: string) => warnings.push(line) }),
    });
    const delivery = (seq: number, equity: string) =>
      signedDelivery(key.keyId, key.secret, [{ ...update(seq, equity, 0), account: other }]);
    await acceptBridgeDelivery(delivery(1, "50000.00"));
    await evaluators.drain();

    // A staff emergency stop is being written (its event taken, not yet committed) when the
    // breaching update is evaluated.
    const staffWork = await openUnitOfWork(t.tenantId, (db) =>
      applyChallengeEvent(db, challenge.id, {
        type: "emergency_stop",
        cause: { type: "staff", userId: owner.principal.userId, reason: "checking the account" },
      }),
    );
    await acceptBridgeDelivery(delivery(2, "47400.00"));
    const draining = evaluators.drain();
    await new Promise((r) => setTimeout(r, 300));
    await staffWork.commit();
    await draining;

    // Committed at the first try: no collision on the seq, no retry.
    expect(warnings).toEqual([]);
    expect(evaluators.evaluators.some((e) => e.failed)).toBe(false);
    const after = await dataLayer().withTenant(t.tenantId, async (db) => ({
      events: await db.challengeEvent.findMany({
        where: { challengeId: challenge.id },
        orderBy: { seq: "asc" },
      }),
      decisions: await db.riskDecision.findMany({ where: { challengeId: challenge.id } }),
    }));
    const [stop, breach] = after.events.slice(-2);
    expect([stop!.kind, stop!.type, breach!.kind, breach!.type]).toEqual([
      "lifecycle",
      "emergency_stop",
      "engine",
      "breached",
    ]);
    expect(breach!.seq).toBe(stop!.seq + 1);
    // The breach is recorded; the suspended challenge is not failed by it.
    expect(after.decisions.map((d) => [d.type, d.engineEventSeq, d.lifecycleEventSeq])).toEqual([
      ["breached", breach!.seq, null],
    ]);
  });
});
