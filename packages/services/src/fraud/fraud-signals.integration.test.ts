import { challenges, dataLayer, trades } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { startCheckout } from "../checkout/start-checkout";
import { complianceStatus } from "../compliance/compliance-status";
import { programFixture, traderFixture } from "../testing/challenge-fixtures";
import {
  type CommerceHarness,
  catalogueFixture,
  commerceHarness,
  drainJobs,
} from "../testing/commerce-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { standInCards } from "../testing/stripe-standin";
import { decideFraudFlag, fraudFlagQueue, traderFraudFlags } from "./fraud-review";

let t: TenantFixture;
let h: CommerceHarness;
let programId: string;
beforeAll(async () => {
  t = await tenantFixture("fraud");
  h = await commerceHarness(t);
  programId = (await programFixture(t, "two-step-cfd")).programId;
});
afterAll(async () => {
  await h.close();
});

const flagsOf = (traderId: string) =>
  dataLayer().withTenant(t.tenantId, (db) =>
    db.fraudFlag.findMany({ where: { traderId }, orderBy: { kind: "asc" } }),
  );
const settle = async () => {
  await h.stripe.idle();
  await drainJobs(t.tenantId, {
    only: ["payments.process-stripe-event", "fraud.evaluate-trader", "compliance.screen-subject"],
  });
};

describe("fraud signals from the database", () => {
  it("two traders from one IP and browser are flagged, each naming the other; the flags clear nobody else", async () => {
    const a = await traderFixture(t, "a", { ip: "198.51.100.7", deviceId: "dev-shared-0000000000000" });
    const b = await traderFixture(t, "b", { ip: "198.51.100.7", deviceId: "dev-shared-0000000000000" });
    const c = await traderFixture(t, "c", { ip: "203.0.113.99", deviceId: "dev-alone-00000000000000" });
    await settle();
    const fa = await flagsOf(a.traderId);
    expect(fa.map((f) => [f.kind, f.severity])).toEqual([
      ["shared_device", "high"],
      ["shared_ip", "medium"],
    ]);
    expect(fa[1]!.reason).toBe(
      `Signed in with the IP address 198.51.100.7 also used by trader ${b.traderId}.`,
    );
    expect(fa[0]!.relatedTraderIds).toEqual([b.traderId]);
    expect((await flagsOf(b.traderId)).map((f) => f.kind)).toEqual(["shared_device", "shared_ip"]);
    expect(await flagsOf(c.traderId)).toEqual([]);
    const status = await dataLayer().withTenant(t.tenantId, (db) => complianceStatus(db, a.traderId));
    expect(status.openFraudFlags.map((f) => f.kind).sort()).toEqual(["shared_device", "shared_ip"]);
  });

  it("a card used by two traders and a disposable e-mail domain are flagged", async () => {
    const { product } = await catalogueFixture(t, programId);
    const x = await traderFixture(t, "x", { ip: "192.0.2.10", deviceId: "dev-x-0000000000000000000" });
    const y = await traderFixture(t, "y", {
      ip: "192.0.2.11",
      deviceId: "dev-y-0000000000000000000",
      email: `y-${Date.now()}@mailinator.com`,
    });
    await settle();
    for (const trader of [x, y]) {
      const started = await startCheckout(
        trader.principal,
        { productId: product.id },
        { returnBase: "http://x" },
      );
      h.stripe.pay(started.checkoutUrl!.split("/").pop()!, { card: { number: standInCards.mastercard } });
    }
    await settle();
    const fx = await flagsOf(x.traderId);
    expect(fx.map((f) => f.kind)).toEqual(["shared_payment_method"]);
    expect(fx[0]!.reason).toMatch(/^Paid with the payment method \S+ also used by trader /);
    const fy = await flagsOf(y.traderId);
    expect(fy.map((f) => [f.kind, f.severity])).toEqual([
      ["disposable_email", "medium"],
      ["shared_payment_method", "high"],
    ]);
  });

  it("copy trading and hedging between accounts of different traders, from the trades table", async () => {
    const owner = await signIn(t, t.owner.email);
    const [p, q, r] = [await traderFixture(t, "p"), await traderFixture(t, "q"), await traderFixture(t, "r")];
    const accountFor = async (traderId: string) => {
      const { challenge } = await assignChallenge(owner.principal, {
        traderId,
        programId,
        reason: "fraud fixture",
      });
      return dataLayer()
        .withTenant(t.tenantId, (db) =>
          challenges.createTradingAccount(db, {
            challengeId: challenge.id,
            phaseIndex: 0,
            platform: "simulator",
            currency: "USD",
            initialBalance: 10_000_000n,
          }),
        )
        .then((acc) => ({ acc, challengeId: challenge.id }));
    };
    const [ap, aq, ar] = [
      await accountFor(p.traderId),
      await accountFor(q.traderId),
      await accountFor(r.traderId),
    ];
    const t0 = Date.now() - 3_600_000;
    const rows: trades.TradeEventRow[] = [];
    const open = (a: typeof ap, id: string, side: "buy" | "sell", tMs: number, lots = "1.00") =>
      rows.push({
        tradingAccountId: a.acc.id,
        challengeId: a.challengeId,
        kind: "trade_opened",
        tradeId: id,
        symbol: "EURUSD",
        side,
        lots,
        price: "1.08000",
        stopLoss: null,
        takeProfit: null,
        profit: null,
        tMs,
        currency: "USD",
      });
    for (let i = 0; i < 6; i++) {
      open(ap, `p${i}`, "buy", t0 + i * 60_000);
      open(aq, `q${i}`, "buy", t0 + i * 60_000 + 2_000); // q copies p two seconds later
      open(ar, `r${i}`, "sell", t0 + i * 60_000 + 1_000, "0.90"); // r hedges against p
    }
    await sqlLayer().withTenant(t.tenantId, (sql) => trades.applyTradeEvents(sql, rows));
    // The worker's hourly scan queues an evaluation for everyone who traded.
    const { scanRecentTrading } = await import("../compliance/compliance-schedulers");
    const { createLogger } = await import("../logging/logger");
    await scanRecentTrading(createLogger("test", "silent"), new Date(t0 - 60_000));
    await drainJobs(t.tenantId, { only: ["fraud.evaluate-trader"] });
    const fp = (await flagsOf(p.traderId)).filter((f) => f.kind === "copy_trading" || f.kind === "hedging");
    expect(fp.map((f) => [f.kind, f.severity, f.relatedTraderIds])).toEqual([
      ["copy_trading", "medium", [q.traderId]],
      ["hedging", "high", [r.traderId]],
    ]);
    expect(fp[1]!.reason).toBe(
      `6 trades on EURUSD opened in the opposite direction within 10 s of trader ${r.traderId}'s, with sizes within 80% of each other (fires from 5).`,
    );
  });

  it("compliance dismisses a flag with a note; it stays dismissed until it gets worse", async () => {
    const a = await traderFixture(t, "d1", { ip: "198.51.100.200" });
    await traderFixture(t, "d2", { ip: "198.51.100.200" });
    await settle();
    const compliance = await signIn(t, (await staffFixture(t, "compliance")).email);
    const queue = await fraudFlagQueue(compliance.principal, {});
    const flag = queue.rows.find((r) => r.trader.id === a.traderId && r.kind === "shared_ip")!;
    await expect(
      decideFraudFlag(compliance.principal, flag.id, { decision: "dismiss", note: "" }),
    ).rejects.toThrow(/note/);
    await decideFraudFlag(compliance.principal, flag.id, {
      decision: "dismiss",
      note: "Same university campus network.",
    });
    await traderFixture(t, "d3", { ip: "198.51.100.200" });
    await settle();
    const after = (await traderFraudFlags(compliance.principal, a.traderId)).flags.find(
      (f) => f.kind === "shared_ip",
    )!;
    expect(after).toMatchObject({ status: "open", reviewNote: "Same university campus network." });
    expect(after.related).toHaveLength(2);
  });
});
