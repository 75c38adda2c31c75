import { challenges, dataLayer, payouts } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { type TenantFixture, tenantFixture } from "../testing/fixtures";
import { type FundedTrader, fastPayoutTerms, fundedTradersFixture } from "../testing/payout-fixtures";
import { feedSimulator, TestEvaluators } from "../testing/risk-fixtures";
import { applyScalingIfDue } from "./payout-platform";
import { payoutPreviews } from "./payout-requests";

let t: TenantFixture;
let sim: SimulatorPlatform;
let funded: FundedTrader;

beforeAll(async () => {
  t = await tenantFixture("scaling");
  const f = await fundedTradersFixture(t, {
    wanted: 1,
    traders: 8,
    seed: 21,
    payoutTerms: {
      ...fastPayoutTerms,
      splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromScalingLevel: 1 }],
      scaling: {
        everyMonths: 1,
        minProfitPct: "0.01",
        minPayouts: 0,
        stepPctOfOriginal: 25,
        maxSize: "120000.00",
      },
    },
  });
  sim = f.sim;
  funded = f.funded[0]!;
}, 180_000);
afterAll(closeSqlLayer);

describe("scaling plans on a funded simulated account", () => {
  it("grow the account by a step of the original size after the period, up to the cap, and raise the split", async () => {
    const account = await dataLayer().withTenant(t.tenantId, (db) =>
      challenges.findTradingAccount(db, funded.tradingAccountId),
    );
    const before = sim.simulation.account(account!.platformAccountId!).balance;
    // Not yet: the review period (one month from funding) has not passed on the platform's clock.
    expect(await applyScalingIfDue(t.tenantId, funded.challengeId)).toBeNull();
    const later = new Date(sim.now + 40 * 86_400_000);
    const step = await applyScalingIfDue(t.tenantId, funded.challengeId, later);
    expect(step).toMatchObject({
      level: 1,
      previousSize: 10_000_000n,
      newSize: 12_000_000n,
      increase: 2_000_000n,
      traderPctBefore: "80",
      traderPctAfter: "90",
    });
    expect(sim.simulation.account(account!.platformAccountId!).balance).toBe(before + 2_000_000n);
    // Once per level, whatever the number of reviews; the cap stops further steps.
    expect(await applyScalingIfDue(t.tenantId, funded.challengeId, later)).toBeNull();
    expect(
      await applyScalingIfDue(t.tenantId, funded.challengeId, new Date(later.getTime() + 40 * 86_400_000)),
    ).toBeNull();
    const steps = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listScalingSteps(db, funded.challengeId),
    );
    expect(steps).toHaveLength(1);
    // The platform reports the new balance; the risk pipeline takes it in.
    await feedSimulator(sim, t.tenantId, sim.now + 5 * 60_000, 60_000);
    await new TestEvaluators(t.tenantId).drain();
    // The next payout uses the new split and the raised baseline: the profit is unchanged.
    const [preview] = await payoutPreviews(funded.trader, { rulesAt: later });
    expect(preview).toMatchObject({ traderPct: "90", eligible: true });
    expect(preview!.lines.find((l) => l.code === "profit_since_baseline")?.label).toContain("120,000.00 USD");
    const notices = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listTraderNotices(db, funded.trader.traderId, 10),
    );
    expect(notices.find((n) => n.kind === "scaled")?.message).toMatch(
      /scaled to 120,000.00 USD; your split is now 90 %/,
    );
  });
});
