import type { TenantDb } from "../client";
import type { TenantSql } from "../sql-unit-of-work";

/**
 * Trades as the trading platforms reported them (filled by the platform ingest from
 * `trade_opened` / `trade_closed` updates). Lots and prices are the platform's decimal strings;
 * `profit` is the realised profit in minor units (the sum over partial closes), null while open.
 */

/** Trades opened in `[from, to)`, oldest first, across the tenant (fraud signals compare accounts). */
export function listTradesOpenedBetween(db: TenantDb, from: Date, to: Date) {
  return db.trade.findMany({
    where: { openedAt: { gte: from, lt: to } },
    orderBy: [{ openedAt: "asc" }, { platformTradeId: "asc" }],
  });
}

/** Every trade of one trading account, by opening time (trades whose opening was never seen last). */
export function listAccountTrades(db: TenantDb, tradingAccountId: string) {
  return db.trade.findMany({
    where: { tradingAccountId },
    orderBy: [{ openedAt: { sort: "asc", nulls: "last" } }, { platformTradeId: "asc" }],
  });
}

/** The most recent trades of an account (the trader portal and the risk console show these). */
export function listRecentAccountTrades(db: TenantDb, tradingAccountId: string, take: number) {
  return db.trade.findMany({
    where: { tradingAccountId },
    orderBy: [{ openedAt: { sort: "desc", nulls: "first" } }],
    take,
  });
}

export async function tradeTimes(
  db: TenantDb,
  tradingAccountId: string,
): Promise<{ first: Date | null; last: Date | null }> {
  const r = await db.trade.aggregate({
    where: { tradingAccountId },
    _min: { openedAt: true },
    _max: { openedAt: true, closedAt: true },
  });
  const lastOpen = r._max.openedAt;
  const lastClose = r._max.closedAt;
  const times = [lastOpen, lastClose].filter((d): d is Date => d !== null).map((d) => d.getTime());
  const last = times.length > 0 ? new Date(Math.max(...times)) : null;
  return { first: r._min.openedAt, last };
}

export interface TradeEventRow {
  tradingAccountId: string;
  challengeId: string;
  kind: "trade_opened" | "trade_closed";
  tradeId: string;
  symbol: string;
  side: "buy" | "sell";
  lots: string;
  price: string;
  stopLoss: string | null;
  takeProfit: string | null;
  /** Realised profit of this close, minor units (trade_closed only). */
  profit: bigint | null;
  tMs: number;
  currency: string;
}

/**
 * Folds newly accepted trade events into `trades` (called once per event: the ingest passes only
 * updates it inserted for the first time, so a duplicate delivery never counts a close twice). An
 * opening and its closes may arrive in any order; a trade counts as closed once its closed lots
 * reach its lots.
 */
export async function applyTradeEvents(sql: TenantSql, rows: readonly TradeEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const opened = rows.filter((r) => r.kind === "trade_opened");
  const closed = rows.filter((r) => r.kind === "trade_closed");
  if (opened.length > 0) {
    await sql.execute(
      `INSERT INTO trades AS t (tenant_id, trading_account_id, challenge_id, platform_trade_id, symbol, side, lots,
         open_price, stop_loss, take_profit, opened_at, currency)
       SELECT $1, x.a, x.c, x.id, x.sym, x.side, x.lots, x.price, x.sl, x.tp, to_timestamp(x.t / 1000.0), x.cur
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::text[], $11::bigint[], $12::text[]) AS x(a, c, id, sym, side, lots, price, sl, tp, t, cur)
       ON CONFLICT (tenant_id, trading_account_id, platform_trade_id) DO UPDATE SET
         symbol = excluded.symbol, side = excluded.side, lots = excluded.lots, open_price = excluded.open_price,
         stop_loss = excluded.stop_loss, take_profit = excluded.take_profit, opened_at = excluded.opened_at,
         closed_at = CASE WHEN t.closed_lots::numeric >= excluded.lots::numeric THEN t.closed_at END`,
      [
        sql.tenantId,
        opened.map((r) => r.tradingAccountId),
        opened.map((r) => r.challengeId),
        opened.map((r) => r.tradeId),
        opened.map((r) => r.symbol),
        opened.map((r) => r.side),
        opened.map((r) => r.lots),
        opened.map((r) => r.price),
        opened.map((r) => r.stopLoss),
        opened.map((r) => r.takeProfit),
        opened.map((r) => r.tMs),
        opened.map((r) => r.currency),
      ],
    );
  }
  if (closed.length > 0) {
    // All closes in one statement: the closes of one trade in this batch are added up first (lots,
    // profit; the last close's price; the latest time), exactly what applying them one by one gives.
    await sql.execute(
      `INSERT INTO trades AS t (tenant_id, trading_account_id, challenge_id, platform_trade_id, symbol, side,
         close_price, closed_lots, closed_at, profit, currency)
       SELECT $1, x.a, (array_agg(x.c ORDER BY x.ord DESC))[1], x.id, (array_agg(x.sym ORDER BY x.ord DESC))[1],
         (array_agg(x.side ORDER BY x.ord DESC))[1], (array_agg(x.price ORDER BY x.ord DESC))[1],
         sum(x.lots::numeric)::text, to_timestamp(max(x.t) / 1000.0), sum(x.profit),
         (array_agg(x.cur ORDER BY x.ord DESC))[1]
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
         $10::bigint[], $11::text[]) WITH ORDINALITY AS x(a, c, id, sym, side, price, lots, t, profit, cur, ord)
       GROUP BY x.a, x.id
       ON CONFLICT (tenant_id, trading_account_id, platform_trade_id) DO UPDATE SET
         close_price = excluded.close_price,
         closed_lots = (t.closed_lots::numeric + excluded.closed_lots::numeric)::text,
         profit = coalesce(t.profit, 0) + excluded.profit,
         closed_at = CASE WHEN t.lots IS NULL OR t.closed_lots::numeric + excluded.closed_lots::numeric >= t.lots::numeric
           THEN greatest(t.closed_at, excluded.closed_at) END`,
      [
        sql.tenantId,
        closed.map((r) => r.tradingAccountId),
        closed.map((r) => r.challengeId),
        closed.map((r) => r.tradeId),
        closed.map((r) => r.symbol),
        closed.map((r) => r.side),
        closed.map((r) => r.price),
        closed.map((r) => r.lots),
        closed.map((r) => r.tMs),
        closed.map((r) => (r.profit === null ? null : r.profit.toString())),
        closed.map((r) => r.currency),
      ],
    );
  }
}
