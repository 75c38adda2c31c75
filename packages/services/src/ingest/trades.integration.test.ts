import { dataLayer, trades } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantFixture } from "../testing/fixtures";
import {
  accountsOf,
  deliver,
  fastRulesProgram,
  installTestSimulator,
  provisionedChallenges,
} from "../testing/risk-fixtures";

/** Trades as the platforms report them, for fraud signals and payouts (trades.listTradesOpenedBetween, listAccountTrades). */
let tenantId: string;
let account: string;
let accountId: string;

beforeAll(async () => {
  installTestSimulator();
  const t = await tenantFixture("trades");
  tenantId = t.tenantId;
  const ids = await provisionedChallenges(t, (await fastRulesProgram(t)).programId, 1);
  account = (await accountsOf(tenantId, ids))[0]!;
  accountId = (
    await dataLayer().withTenant(tenantId, (db) =>
      db.tradingAccount.findFirstOrThrow({ where: { challengeId: ids[0]! } }),
    )
  ).id;
});
afterAll(closeSqlLayer);

const at = (min: number) => new Date(Date.UTC(2026, 0, 5, 9, min)).toISOString();
const send = (updates: object[]) => deliver(tenantId, updates as never);

describe("trades", () => {
  it("are filled from trade events, closes in any order and partial closes adding up, each counted once", async () => {
    const base = { account, side: "buy", symbol: "EURUSD" };
    await send([
      {
        ...base,
        type: "trade_opened",
        seq: 10,
        t: at(0),
        tradeId: "A",
        lots: "2.00",
        price: "1.10000",
        stopLoss: "1.09000",
      },
      {
        ...base,
        type: "trade_closed",
        seq: 11,
        t: at(5),
        tradeId: "A",
        lots: "0.50",
        price: "1.10100",
        profit: "50.00",
      },
      // B's close arrives before its opening.
      {
        ...base,
        type: "trade_closed",
        seq: 13,
        t: at(9),
        tradeId: "B",
        side: "sell",
        lots: "1.00",
        price: "1.09900",
        profit: "-20.00",
      },
    ]);
    await send([
      {
        ...base,
        type: "trade_opened",
        seq: 12,
        t: at(7),
        tradeId: "B",
        side: "sell",
        lots: "1.00",
        price: "1.10000",
      },
      {
        ...base,
        type: "trade_closed",
        seq: 14,
        t: at(20),
        tradeId: "A",
        lots: "1.50",
        price: "1.10200",
        profit: "300.00",
      },
    ]);
    // Delivered again: nothing changes.
    await send([
      {
        ...base,
        type: "trade_closed",
        seq: 14,
        t: at(20),
        tradeId: "A",
        lots: "1.50",
        price: "1.10200",
        profit: "300.00",
      },
    ]);
    const [all, window] = await dataLayer().withTenant(tenantId, async (db) => [
      await trades.listAccountTrades(db, accountId),
      await trades.listTradesOpenedBetween(db, new Date(at(6)), new Date(at(30))),
    ]);
    expect(
      all.map((x) => [
        x.platformTradeId,
        x.side,
        x.lots,
        x.closedLots,
        x.profit,
        x.closedAt?.toISOString() ?? null,
      ]),
    ).toEqual([
      ["A", "buy", "2.00", "2.00", 35_000n, at(20)],
      ["B", "sell", "1.00", "1.00", -2_000n, at(9)],
    ]);
    expect(all[0]).toMatchObject({
      openPrice: "1.10000",
      closePrice: "1.10200",
      stopLoss: "1.09000",
      currency: "USD",
    });
    expect(window.map((x) => x.platformTradeId)).toEqual(["B"]);
  });

  it("several closes of one trade in one delivery add up as if they came one by one", async () => {
    const base = { account, side: "buy", symbol: "GBPUSD" };
    const close = (seq: number, min: number, lots: string, price: string, profit: string) => ({
      ...base,
      type: "trade_closed",
      seq,
      t: at(min),
      tradeId: "C",
      lots,
      price,
      profit,
    });
    await send([
      { ...base, type: "trade_opened", seq: 30, t: at(30), tradeId: "C", lots: "3.00", price: "1.25000" },
      close(31, 31, "1.00", "1.25100", "100.00"),
      close(32, 33, "0.50", "1.25300", "150.00"),
    ]);
    const partly = async () =>
      (await dataLayer().withTenant(tenantId, (db) => trades.listAccountTrades(db, accountId))).find(
        (x) => x.platformTradeId === "C",
      )!;
    expect(await partly()).toMatchObject({ closedLots: "1.50", profit: 25_000n, closedAt: null });
    await send([close(33, 35, "1.25", "1.24900", "-100.00"), close(34, 36, "0.25", "1.25000", "0.00")]);
    expect(await partly()).toMatchObject({
      closedLots: "3.00",
      profit: 15_000n,
      closePrice: "1.25000",
      closedAt: new Date(at(36)),
    });
  });
});
