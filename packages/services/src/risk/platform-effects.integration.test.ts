import { challenges, dataLayer } from "@propdesk/db";
import { beforeAll, describe, expect, it } from "vitest";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { installTestSimulator, runChallengeEffects } from "../testing/risk-fixtures";
import { getAccountStanding } from "./account-standing";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("riskfx");
  installTestSimulator();
});

describe("a challenge that reaches provisioned", () => {
  it("gets its simulator account, starts its phase and queues the engine's phase start, once", async () => {
    const { programId } = await programFixture(t);
    const trader = await traderFixture(t);
    const owner = await signIn(t, t.owner.email);
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "risk test",
    });
    expect(await runChallengeEffects(t.tenantId)).toBeGreaterThanOrEqual(2);
    const after = await dataLayer().withTenant(t.tenantId, async (db) => ({
      c: await challenges.findChallenge(db, challenge.id),
      inputs: await db.riskInput.findMany({ where: { challengeId: challenge.id } }),
      actions: await db.platformAction.findMany({}),
      events: await challenges.listChallengeEvents(db, challenge.id),
    }));
    expect(after.c?.status).toBe("active");
    const account = after.c!.tradingAccounts[0]!;
    expect(account).toMatchObject({
      phaseIndex: 0,
      platform: "simulator",
      status: "active",
      tradingEnabled: true,
    });
    expect(account.platformAccountId).toMatch(/^SIM-\d+$/);
    expect(after.events.map((e) => e.type)).toEqual(["provision", "account_ready", "phase_started"]);
    expect(after.inputs).toMatchObject([{ kind: "phase_start", source: "lifecycle", phaseIndex: 0 }]);
    expect(
      after.actions.filter((a) => a.tradingAccountId === account.id).map((a) => [a.action, a.status]),
    ).toEqual([["provision_account", "succeeded"]]);

    // Running the effects again changes nothing.
    await dataLayer().withPlatform((db) =>
      db.outboxEvent.updateMany({ where: { tenantId: t.tenantId }, data: { dispatchedAt: null } }),
    );
    await runChallengeEffects(t.tenantId);
    const again = await dataLayer().withTenant(t.tenantId, async (db) => ({
      accounts: await db.tradingAccount.count({ where: { challengeId: challenge.id } }),
      inputs: await db.riskInput.count({ where: { challengeId: challenge.id } }),
      events: await db.challengeEvent.count({ where: { challengeId: challenge.id } }),
    }));
    expect(again).toEqual({ accounts: 1, inputs: 1, events: 3 });

    const standing = await dataLayer().withTenant(t.tenantId, (db) => getAccountStanding(db, account.id));
    expect(standing).toMatchObject({
      tradingAccountId: account.id,
      challengeId: challenge.id,
      status: "not_started",
      balance: 10_000_000n,
      initialBalance: 10_000_000n,
      flat: true,
      dayProfits: [],
      floors: { daily: 9_500_000n, maxLoss: 9_000_000n },
    });
  });
});
