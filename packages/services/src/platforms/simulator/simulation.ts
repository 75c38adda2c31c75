import { AppError } from "@propdesk/domain";
import { formatScaled } from "../decimal-strings";
import type { PlatformUpdate } from "../platform-update";
import { loadMarket, type Market } from "./market";
import { divRoundHalfAway, profitCents } from "./position-profit";
import { mixSeed, mulberry32Next } from "./seeded-random";
import { drawTraderParams, isTraderStyle, TIME, type TraderStyle, traderStyles } from "./trader-styles";

/**
 * A deterministic market simulation: real bars replayed on simulated time, many simulated traders
 * trading them, and the account updates and trade events a platform would deliver, in the wire
 * format of `platform-update.ts`.
 *
 * Time: each instrument's series is shifted so its first bar opens at `startTime` and keeps its
 * real spacing (nights, weekends and holidays stay gaps); at its end it starts over, one bar later.
 * `advanceTo(t)` processes every bar and heartbeat up to `t` as fast as the CPU allows, so a live
 * demo calls it with a clock running at a chosen pace and tests call it with any time at all.
 *
 * Accounts are USD. Money is integer cents held in JS numbers (exact while below 2^53 cents);
 * conversion to bigint happens only at the API edge. State lives in preallocated typed arrays
 * (struct of arrays) so a step over 10,000 accounts allocates nothing but the updates it emits.
 *
 * Determinism: every account draws from its own seeded generator, processed in insertion order;
 * the same seed, start time, accounts and actions give the same stream, byte for byte.
 */

export interface SimAccountConfig {
  platformAccountId: string;
  /** Starting balance, minor units (cents). */
  balance: bigint;
  currency: string;
  style: TraderStyle;
  /** Symbols of the market this trader trades. */
  instruments: readonly string[];
  tradingEnabled?: boolean;
}

export interface SimulationOptions {
  seed: number | string;
  /** Epoch ms of simulated "now"; every series' first bar is mapped here. */
  startTime: number;
  accounts?: readonly SimAccountConfig[];
  /** Defaults to `loadMarket()`, the five bundled instruments. */
  market?: Market;
  /** An account with nothing happening still gets an update at least this often. Default 5. */
  heartbeatMinutes?: number;
}

export interface SimAccountState {
  platformAccountId: string;
  style: TraderStyle;
  instruments: string[];
  balance: bigint;
  equity: bigint;
  openPositions: number;
  tradingEnabled: boolean;
  currency: "USD";
  at: number;
}

export interface SimulationSnapshot {
  version: 1;
  seed: number | string;
  startTime: number;
  heartbeatMs: number;
  now: number;
  minDue: number | null;
  nextTicket: number;
  marketFingerprint: string;
  cursors: { next: number[]; loop: number[]; cur: number[] };
  accountIds: string[];
  accounts: Record<string, number[]>;
  positions: Record<string, number[]>;
  pending: PlatformUpdate[];
}

/** Position slots per account; no style holds more than 3 at once. */
const MAX_POS = 4;
/** Broker stop-out: positions are closed when equity falls below this share of the used margin. */
const STOP_OUT_LEVEL = 0.5;

const accountColumns = {
  balance: Float64Array,
  equity: Float64Array,
  margin: Float64Array,
  lastUpdate: Float64Array,
  seq: Float64Array,
  dayNo: Float64Array,
  dayStartBalance: Float64Array,
  rng: Uint32Array,
  style: Uint8Array,
  enabled: Uint8Array,
  blown: Uint8Array,
  instMask: Uint32Array,
  posMask: Uint32Array,
  posCount: Uint8Array,
  lastLots: Float64Array,
  lostLast: Uint8Array,
  entryProb: Float64Array,
  riskFrac: Float64Array,
  slAtr: Float64Array,
  tpR: Float64Array,
  maxHoldMs: Float64Array,
  maxPositions: Uint8Array,
  weekendHoldProb: Float64Array,
  leverage: Float64Array,
  dailyStopFrac: Float64Array,
  trendFollowProb: Float64Array,
  cashOutFrac: Float64Array,
} as const;

const positionColumns = {
  inst: Int8Array,
  side: Int8Array,
  lots: Int32Array,
  entry: Int32Array,
  sl: Int32Array,
  tp: Int32Array,
  openTime: Float64Array,
  ticket: Float64Array,
  swap: Float64Array,
  swapDay: Float64Array,
  commission: Float64Array,
  margin: Float64Array,
} as const;

type ColumnSpec = Record<
  string,
  { new (n: number): ArrayLike<number> & { set(a: ArrayLike<number>): void } }
>;
type Columns<S extends ColumnSpec> = { [K in keyof S]: InstanceType<S[K]> & Record<number, number> };

function allocColumns<S extends ColumnSpec>(spec: S, n: number, from?: Columns<S>): Columns<S> {
  const cols = {} as Record<string, ArrayLike<number> & { set(a: ArrayLike<number>): void }>;
  for (const [name, Ctor] of Object.entries(spec)) {
    const arr = new Ctor(n);
    if (from) arr.set(from[name as keyof S] as ArrayLike<number>);
    cols[name] = arr;
  }
  return cols as Columns<S>;
}

function columnsToJson<S extends ColumnSpec>(cols: Columns<S>, n: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const name of Object.keys(cols)) {
    out[name] = Array.from((cols[name as keyof S] as unknown as Float64Array).subarray(0, n));
  }
  return out;
}

const styleCode = new Map<TraderStyle, number>(traderStyles.map((s, i) => [s, i]));
const MARTINGALE = styleCode.get("martingale")!;
const RECKLESS = styleCode.get("reckless")!;

function notFound(id: string): never {
  throw new AppError("NOT_FOUND", `No simulated account "${id}".`, {
    issues: [{ path: "platformAccountId", message: "unknown account" }],
  });
}

export class Simulation {
  readonly market: Market;
  readonly seed: number | string;
  readonly startTime: number;
  readonly heartbeatMs: number;

  private now_: number;
  private n = 0;
  private cap = 0;
  private a: Columns<typeof accountColumns>;
  private p: Columns<typeof positionColumns>;
  private ids: string[] = [];
  private readonly byId = new Map<string, number>();
  private balanceText: (string | undefined)[] = [];
  private pending: PlatformUpdate[] = [];
  private nextTicket = 1_000_001;
  private minDue = Number.POSITIVE_INFINITY;
  private iso = "";

  // Replay cursor per instrument: the next bar to deliver, how many times the series looped,
  // the bar currently "live" (-1 before the first) and the simulated time of the next bar.
  private readonly next: Int32Array;
  private readonly loop: Int32Array;
  private readonly cur: Int32Array;
  private readonly nextT: Float64Array;

  constructor(opts: SimulationOptions) {
    if (!Number.isSafeInteger(opts.startTime)) {
      throw new AppError("VALIDATION", "startTime must be epoch milliseconds.", {
        issues: [{ path: "startTime", message: "must be an integer number of epoch milliseconds" }],
      });
    }
    const hb = opts.heartbeatMinutes ?? 5;
    if (!(hb >= 1 && hb <= 1440)) {
      throw new AppError("VALIDATION", "heartbeatMinutes must be between 1 and 1440.", {
        issues: [{ path: "heartbeatMinutes", message: "must be between 1 and 1440" }],
      });
    }
    this.market = opts.market ?? loadMarket();
    this.seed = opts.seed;
    this.startTime = opts.startTime;
    this.heartbeatMs = Math.round(hb * TIME.MINUTE);
    this.now_ = opts.startTime;
    const k = this.market.instruments.length;
    this.next = new Int32Array(k);
    this.loop = new Int32Array(k);
    this.cur = new Int32Array(k).fill(-1);
    this.nextT = new Float64Array(k).fill(opts.startTime);
    this.a = allocColumns(accountColumns, 0);
    this.p = allocColumns(positionColumns, 0);
    this.grow(Math.max(16, opts.accounts?.length ?? 0));
    opts.accounts?.forEach((acc, i) => {
      this.addAccount(acc, `accounts.${i}`);
    });
  }

  /** Simulated time reached by the last `advanceTo` (actions happen at this time). */
  get now(): number {
    return this.now_;
  }

  get accountCount(): number {
    return this.n;
  }

  accountIds(): string[] {
    return this.ids.slice(0, this.n);
  }

  // ---------------------------------------------------------------- accounts and actions

  addAccount(cfg: SimAccountConfig, path = "account"): void {
    const issues: { path: string; message: string }[] = [];
    const id = cfg.platformAccountId;
    if (typeof id !== "string" || id.length === 0 || id.length > 64)
      issues.push({ path: `${path}.platformAccountId`, message: "must be 1-64 characters" });
    else if (this.byId.has(id)) issues.push({ path: `${path}.platformAccountId`, message: "already exists" });
    if (cfg.currency !== "USD")
      issues.push({ path: `${path}.currency`, message: "the simulator runs USD accounts only" });
    if (typeof cfg.balance !== "bigint" || cfg.balance <= 0n || cfg.balance > 1_000_000_000_000n)
      issues.push({
        path: `${path}.balance`,
        message: "must be positive minor units, at most 10,000,000,000.00",
      });
    if (!isTraderStyle(cfg.style))
      issues.push({ path: `${path}.style`, message: `must be one of ${traderStyles.join(", ")}` });
    let mask = 0;
    if (!Array.isArray(cfg.instruments) || cfg.instruments.length === 0)
      issues.push({ path: `${path}.instruments`, message: "must name at least one instrument" });
    else
      cfg.instruments.forEach((sym, j) => {
        const k = this.market.instruments.findIndex((m) => m.symbol === sym);
        if (k < 0)
          issues.push({ path: `${path}.instruments.${j}`, message: `${String(sym)} is not in the market` });
        else mask |= 1 << k;
      });
    if (issues.length > 0) {
      throw new AppError(
        issues.some((i) => i.message === "already exists") ? "CONFLICT" : "VALIDATION",
        `Invalid simulated account: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        { issues },
      );
    }
    if (this.n === this.cap) this.grow(this.cap * 2);
    const a = this.n++;
    const A = this.a;
    this.ids[a] = id;
    this.byId.set(id, a);
    const balance = Number(cfg.balance);
    A.balance[a] = balance;
    A.equity[a] = balance;
    A.margin[a] = 0;
    A.seq[a] = 0;
    A.dayNo[a] = Math.floor(this.now_ / TIME.DAY);
    A.dayStartBalance[a] = balance;
    A.rng[a] = mixSeed(this.seed, "account", id);
    A.style[a] = styleCode.get(cfg.style)!;
    A.enabled[a] = cfg.tradingEnabled === false ? 0 : 1;
    A.blown[a] = 0;
    A.instMask[a] = mask;
    A.posMask[a] = 0;
    A.posCount[a] = 0;
    A.lastLots[a] = 0;
    A.lostLast[a] = 0;
    const params = drawTraderParams(cfg.style, () => mulberry32Next(A.rng, a));
    A.entryProb[a] = params.entryProb;
    A.riskFrac[a] = params.riskFrac;
    A.slAtr[a] = params.slAtr;
    A.tpR[a] = params.tpR;
    A.maxHoldMs[a] = params.maxHoldMs;
    A.maxPositions[a] = params.maxPositions;
    A.weekendHoldProb[a] = params.weekendHoldProb;
    A.leverage[a] = params.leverage;
    A.dailyStopFrac[a] = params.dailyStopFrac;
    A.trendFollowProb[a] = params.trendFollowProb;
    A.cashOutFrac[a] = params.cashOutFrac;
    this.balanceText[a] = undefined;
    this.iso = new Date(this.now_).toISOString();
    this.emitAccount(a, this.now_, this.pending);
    if (this.now_ + this.heartbeatMs < this.minDue) this.minDue = this.now_ + this.heartbeatMs;
  }

  setTradingEnabled(platformAccountId: string, enabled: boolean): void {
    const a = this.byId.get(platformAccountId) ?? notFound(platformAccountId);
    this.a.enabled[a] = enabled ? 1 : 0;
  }

  /** Closes every position at the current bar's close (bid for longs, ask for shorts). */
  closeAllPositions(platformAccountId: string): { closed: number; realizedProfit: bigint } {
    const a = this.byId.get(platformAccountId) ?? notFound(platformAccountId);
    this.iso = new Date(this.now_).toISOString();
    let closed = 0;
    let profit = 0;
    for (let s = 0; s < MAX_POS; s++) {
      const pi = a * MAX_POS + s;
      if (this.p.inst[pi]! < 0) continue;
      profit += this.closeAtMarket(a, pi, this.pending);
      closed++;
    }
    if (closed > 0) {
      this.revalue(a);
      this.emitAccount(a, this.now_, this.pending);
    }
    return { closed, realizedProfit: BigInt(profit) };
  }

  /**
   * Credits or debits the balance (and so the equity) by `amountCents` and emits a
   * `balance_adjustment` then an `account` update. A withdrawal may not exceed the balance nor
   * the free margin.
   */
  adjustBalance(
    platformAccountId: string,
    amountCents: bigint,
    adjustmentId: string,
    reason: string,
  ): bigint {
    const a = this.byId.get(platformAccountId) ?? notFound(platformAccountId);
    const A = this.a;
    const amount = Number(amountCents);
    if (amountCents === 0n || !Number.isSafeInteger(amount)) {
      throw new AppError("VALIDATION", "amount must be a non-zero number of minor units.", {
        issues: [{ path: "amount", message: "must be non-zero" }],
      });
    }
    this.revalue(a);
    if (amount < 0 && (-amount > A.balance[a]! || -amount > A.equity[a]! - A.margin[a]!)) {
      throw new AppError("PRECONDITION_FAILED", "The withdrawal exceeds the balance or the free margin.", {
        issues: [{ path: "amount", message: "exceeds the balance or the free margin" }],
        details: { balance: A.balance[a], equity: A.equity[a], margin: A.margin[a] },
      });
    }
    A.balance[a] = A.balance[a]! + amount;
    A.equity[a] = A.equity[a]! + amount;
    this.balanceText[a] = undefined;
    this.iso = new Date(this.now_).toISOString();
    A.seq[a] = A.seq[a]! + 1;
    this.pending.push({
      type: "balance_adjustment",
      account: platformAccountId,
      seq: A.seq[a]!,
      t: this.iso,
      adjustmentId,
      amount: formatScaled(amount, 2),
      reason,
    });
    this.emitAccount(a, this.now_, this.pending);
    return BigInt(A.balance[a]!);
  }

  account(platformAccountId: string): SimAccountState {
    const a = this.byId.get(platformAccountId) ?? notFound(platformAccountId);
    this.revalue(a);
    const A = this.a;
    return {
      platformAccountId,
      style: traderStyles[A.style[a]!]!,
      instruments: this.market.instruments
        .filter((m) => (A.instMask[a]! >>> m.index) & 1)
        .map((m) => m.symbol),
      balance: BigInt(A.balance[a]!),
      equity: BigInt(A.equity[a]!),
      openPositions: A.posCount[a]!,
      tradingEnabled: A.enabled[a] === 1,
      currency: "USD",
      at: this.now_,
    };
  }

  /** The live bar of an instrument: its simulated open time and close as bid / ask, or null before the first. */
  quote(symbol: string): { time: number; bid: string; ask: string } | null {
    const k = this.market.instruments.findIndex((m) => m.symbol === symbol);
    if (k < 0) {
      throw new AppError("NOT_FOUND", `No instrument ${symbol} in this market.`, {
        issues: [{ path: "symbol", message: "not in the market" }],
      });
    }
    const bar = this.cur[k]!;
    if (bar < 0) return null;
    const m = this.market.instruments[k]!;
    const s = m.series;
    // When the cursor has just wrapped, the live bar is the last one of the previous loop.
    const loop = this.next[k] === 0 ? this.loop[k]! - 1 : this.loop[k]!;
    const close = s.close[bar]!;
    return {
      time: this.startTime + (s.time[bar]! - s.time[0]!) + loop * m.periodMs,
      bid: formatScaled(close, s.digits),
      ask: formatScaled(close + m.spec.typicalSpreadPoints, s.digits),
    };
  }

  // ---------------------------------------------------------------- the clock

  /**
   * Runs the market up to `time` (inclusive) and returns every update produced since the last
   * call, in time order: first those caused by actions at the previous `now`, then bar by bar.
   *
   * `maxUpdates` bounds the batch for catching up after a pause: processing stops after the
   * simulated instant at which the batch reached it, `now` stays at that instant (below `time`),
   * and the next call carries on. Slicing this way never changes the stream.
   */
  advanceTo(time: number, opts: { maxUpdates?: number } = {}): PlatformUpdate[] {
    const limit = opts.maxUpdates ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(time) || time < this.now_) {
      throw new AppError("VALIDATION", `Simulated time cannot go back (now ${this.now_}, asked ${time}).`, {
        issues: [{ path: "time", message: "must not be earlier than the simulation's now" }],
      });
    }
    const out = this.pending;
    this.pending = [];
    const ins = this.market.instruments;
    const K = ins.length;
    const { next, loop, cur, nextT } = this;
    for (;;) {
      let tBar = Number.POSITIVE_INFINITY;
      for (let k = 0; k < K; k++) if (nextT[k]! < tBar) tBar = nextT[k]!;
      const t = Math.min(tBar, this.minDue);
      if (t > time) break;
      let mask = 0;
      if (tBar === t) {
        for (let k = 0; k < K; k++) {
          if (nextT[k] !== t) continue;
          mask |= 1 << k;
          const m = ins[k]!;
          const s = m.series;
          cur[k] = next[k]!;
          let j = next[k]! + 1;
          if (j === s.length) {
            j = 0;
            loop[k] = loop[k]! + 1;
          }
          next[k] = j;
          nextT[k] = this.startTime + (s.time[j]! - s.time[0]!) + loop[k]! * m.periodMs;
        }
      }
      this.now_ = t;
      this.iso = new Date(t).toISOString();
      this.step(t, mask, out);
      if (out.length >= limit) return out;
    }
    this.now_ = time;
    return out;
  }

  private step(t: number, mask: number, out: PlatformUpdate[]): void {
    const A = this.a;
    const H = this.heartbeatMs;
    const day = Math.floor(t / TIME.DAY);
    let minDue = Number.POSITIVE_INFINITY;
    for (let a = 0; a < this.n; a++) {
      let emit = false;
      if (A.posCount[a]! > 0 && (A.posMask[a]! & mask) !== 0) {
        this.manage(a, mask, day, out);
        emit = true;
      }
      if (A.enabled[a] === 1 && (A.instMask[a]! & mask) !== 0) {
        if (this.decide(a, t, mask, day, out)) emit = true;
      }
      if (emit) {
        this.revalue(a);
        this.emitAccount(a, t, out);
      } else if (t - A.lastUpdate[a]! >= H) {
        this.emitAccount(a, t, out);
      }
      const due = A.lastUpdate[a]! + H;
      if (due < minDue) minDue = due;
    }
    this.minDue = minDue;
  }

  /** Broker side: swaps at each day change, stop-loss / take-profit fills, stop-out. */
  private manage(a: number, mask: number, day: number, out: PlatformUpdate[]): void {
    const P = this.p;
    const ins = this.market.instruments;
    for (let s = 0; s < MAX_POS; s++) {
      const pi = a * MAX_POS + s;
      const k = P.inst[pi]!;
      if (k < 0 || ((mask >>> k) & 1) === 0) continue;
      const m = ins[k]!;
      const side = P.side[pi]!;
      if (day > P.swapDay[pi]!) {
        const perLot = side > 0 ? m.spec.swapLongPerLotCents : m.spec.swapShortPerLotCents;
        P.swap[pi] = P.swap[pi]! + (day - P.swapDay[pi]!) * divRoundHalfAway(perLot * P.lots[pi]!, 100);
        P.swapDay[pi] = day;
      }
      const bar = this.cur[k]!;
      const o = m.series.open[bar]!;
      const h = m.series.high[bar]!;
      const l = m.series.low[bar]!;
      const sl = P.sl[pi]!;
      const tp = P.tp[pi]!;
      let fill = -1;
      if (side > 0) {
        // Longs exit on the bid, which is what the bars are; a gap through the level fills at the open.
        if (sl > 0 && l <= sl) fill = Math.min(o, sl);
        else if (tp > 0 && h >= tp) fill = Math.max(o, tp);
      } else {
        const sp = m.spec.typicalSpreadPoints;
        if (sl > 0 && h + sp >= sl) fill = Math.max(o + sp, sl);
        else if (tp > 0 && l + sp <= tp) fill = Math.min(o + sp, tp);
      }
      if (fill >= 0) this.closePosition(a, pi, fill, out);
    }
    if (this.a.posCount[a]! > 0) {
      this.revalue(a);
      if (this.a.equity[a]! < STOP_OUT_LEVEL * this.a.margin[a]!) {
        for (let s = 0; s < MAX_POS; s++) {
          const pi = a * MAX_POS + s;
          if (P.inst[pi]! >= 0) this.closeAtMarket(a, pi, out);
        }
      }
    }
  }

  /** Trader side: time and weekend exits, then maybe one new position. Returns whether it acted. */
  private decide(a: number, t: number, mask: number, day: number, out: PlatformUpdate[]): boolean {
    const A = this.a;
    const P = this.p;
    const ins = this.market.instruments;
    let acted = false;
    if (day !== A.dayNo[a]) {
      A.dayNo[a] = day;
      A.dayStartBalance[a] = A.balance[a]!;
    }
    if (A.posCount[a]! > 0 && A.cashOutFrac[a]! > 0) {
      this.revalue(a);
      if (A.equity[a]! - A.balance[a]! >= A.cashOutFrac[a]! * A.balance[a]!) {
        for (let s = 0; s < MAX_POS; s++) {
          const pi = a * MAX_POS + s;
          if (P.inst[pi]! >= 0) this.closeAtMarket(a, pi, out);
        }
        acted = true;
      }
    }
    if (A.posCount[a]! > 0) {
      for (let s = 0; s < MAX_POS; s++) {
        const pi = a * MAX_POS + s;
        const k = P.inst[pi]!;
        if (k < 0 || ((mask >>> k) & 1) === 0) continue;
        let exit = t - P.openTime[pi]! >= A.maxHoldMs[a]!;
        if (!exit && ins[k]!.closesAfter[this.cur[k]!] === 1) {
          exit = mulberry32Next(A.rng, a) >= A.weekendHoldProb[a]!;
        }
        if (exit) {
          this.closeAtMarket(a, pi, out);
          acted = true;
        }
      }
    }
    if (A.blown[a] === 1 || A.posCount[a]! >= A.maxPositions[a]!) return acted;
    const stop = A.dailyStopFrac[a]!;
    if (stop < 1 && A.balance[a]! - A.dayStartBalance[a]! <= -stop * A.dayStartBalance[a]!) return acted;
    const avail = A.instMask[a]! & mask;
    for (let k = 0; k < ins.length; k++) {
      if (((avail >>> k) & 1) === 0) continue;
      // Intraday traders open nothing on the last bar before a market close.
      if (A.weekendHoldProb[a] === 0 && ins[k]!.closesAfter[this.cur[k]!] === 1) continue;
      if (mulberry32Next(A.rng, a) >= A.entryProb[a]! * ins[k]!.barMinutes) continue;
      if (this.open(a, k, t, day, out)) return true;
    }
    return acted;
  }

  private open(a: number, k: number, t: number, day: number, out: PlatformUpdate[]): boolean {
    const A = this.a;
    const P = this.p;
    const m = this.market.instruments[k]!;
    const spec = m.spec;
    const bar = this.cur[k]!;
    const close = m.series.close[bar]!;
    const spread = spec.typicalSpreadPoints;
    const side: 1 | -1 =
      mulberry32Next(A.rng, a) < A.trendFollowProb[a]!
        ? (m.trend[bar]! as 1 | -1)
        : (-m.trend[bar]! as 1 | -1);
    const entry = side > 0 ? close + spread : close;
    const atr = m.atr[bar]!;
    const slAtr = A.slAtr[a]!;
    const tpR = A.tpR[a]!;
    let slDist = 0;
    let sl = 0;
    let tp = 0;
    if (slAtr > 0) {
      slDist = Math.max(Math.round(slAtr * atr), 3 * spread, 1);
      sl = entry - side * slDist;
      if (tpR > 0) tp = entry + side * Math.max(Math.round(tpR * slDist), 1);
    } else if (tpR > 0) {
      tp = entry + side * Math.max(Math.round(tpR * atr), 1);
    }
    if (sl < 0 || tp < 0) return false;
    // USD cents per point per 0.01 lot, and per 0.01 lot of notional: sizing only, not money.
    const centsPerPoint = m.valueNum / m.valueDen;
    const notionalPerLot = entry * centsPerPoint;
    const style = A.style[a]!;
    const balance = A.balance[a]!;
    let lots: number;
    let doubled = false;
    if (style === RECKLESS) {
      lots = Math.floor((balance * A.leverage[a]!) / notionalPerLot);
    } else if (style === MARTINGALE && A.lostLast[a] === 1) {
      lots = A.lastLots[a]! * 2;
      doubled = true;
    } else {
      lots = Math.floor((balance * A.riskFrac[a]!) / (slDist * centsPerPoint));
    }
    if (!doubled) lots = Math.min(lots, spec.maxLotsHundredths);
    const margin = Math.ceil((notionalPerLot * lots) / spec.leverage);
    if (lots < 1 || lots > spec.maxLotsHundredths || A.margin[a]! + margin > A.equity[a]!) {
      // A martingale that cannot afford the next double is done: it walks away.
      if (doubled) A.blown[a] = 1;
      return false;
    }
    let pi = a * MAX_POS;
    while (P.inst[pi]! >= 0) pi++;
    P.inst[pi] = k;
    P.side[pi] = side;
    P.lots[pi] = lots;
    P.entry[pi] = entry;
    P.sl[pi] = sl;
    P.tp[pi] = tp;
    P.openTime[pi] = t;
    P.ticket[pi] = this.nextTicket++;
    P.swap[pi] = 0;
    P.swapDay[pi] = day;
    P.commission[pi] = divRoundHalfAway(spec.commissionPerLotCents * lots, 100);
    P.margin[pi] = margin;
    A.posCount[a] = A.posCount[a]! + 1;
    A.posMask[a] = A.posMask[a]! | (1 << k);
    A.margin[a] = A.margin[a]! + margin;
    A.seq[a] = A.seq[a]! + 1;
    out.push({
      type: "trade_opened",
      account: this.ids[a]!,
      seq: A.seq[a]!,
      t: this.iso,
      tradeId: `${P.ticket[pi]}`,
      symbol: m.symbol,
      side: side > 0 ? "buy" : "sell",
      lots: formatScaled(lots, 2),
      price: formatScaled(entry, spec.digits),
      stopLoss: sl > 0 ? formatScaled(sl, spec.digits) : null,
      takeProfit: tp > 0 ? formatScaled(tp, spec.digits) : null,
    });
    return true;
  }

  private closeAtMarket(a: number, pi: number, out: PlatformUpdate[]): number {
    const k = this.p.inst[pi]!;
    const m = this.market.instruments[k]!;
    const close = m.series.close[this.cur[k]!]!;
    return this.closePosition(a, pi, this.p.side[pi]! > 0 ? close : close + m.spec.typicalSpreadPoints, out);
  }

  /** Realises a position at `exit` points; returns the net profit in cents. */
  private closePosition(a: number, pi: number, exit: number, out: PlatformUpdate[]): number {
    const A = this.a;
    const P = this.p;
    const k = P.inst[pi]!;
    const m = this.market.instruments[k]!;
    const side = P.side[pi]! as 1 | -1;
    const lots = P.lots[pi]!;
    const gross = profitCents(side, lots, P.entry[pi]!, exit, m.valueNum, m.valueDen);
    const net = gross - P.commission[pi]! + P.swap[pi]!;
    A.balance[a] = A.balance[a]! + net;
    this.balanceText[a] = undefined;
    A.margin[a] = A.margin[a]! - P.margin[pi]!;
    A.posCount[a] = A.posCount[a]! - 1;
    P.inst[pi] = -1;
    let posMask = 0;
    for (let s = 0; s < MAX_POS; s++) {
      const kk = P.inst[a * MAX_POS + s]!;
      if (kk >= 0) posMask |= 1 << kk;
    }
    A.posMask[a] = posMask;
    if (A.posCount[a] === 0) A.margin[a] = 0;
    A.lastLots[a] = lots;
    A.lostLast[a] = net < 0 ? 1 : 0;
    A.seq[a] = A.seq[a]! + 1;
    out.push({
      type: "trade_closed",
      account: this.ids[a]!,
      seq: A.seq[a]!,
      t: this.iso,
      tradeId: `${P.ticket[pi]}`,
      symbol: m.symbol,
      side: side > 0 ? "buy" : "sell",
      lots: formatScaled(lots, 2),
      price: formatScaled(exit, m.spec.digits),
      profit: formatScaled(net, 2),
    });
    return net;
  }

  /** Equity = balance + floating profit of open positions at the live bar, net of commission and swap. */
  private revalue(a: number): void {
    const A = this.a;
    const P = this.p;
    let equity = A.balance[a]!;
    if (A.posCount[a]! > 0) {
      const ins = this.market.instruments;
      for (let s = 0; s < MAX_POS; s++) {
        const pi = a * MAX_POS + s;
        const k = P.inst[pi]!;
        if (k < 0) continue;
        const m = ins[k]!;
        const side = P.side[pi]! as 1 | -1;
        const close = m.series.close[this.cur[k]!]!;
        const exit = side > 0 ? close : close + m.spec.typicalSpreadPoints;
        equity +=
          profitCents(side, P.lots[pi]!, P.entry[pi]!, exit, m.valueNum, m.valueDen) -
          P.commission[pi]! +
          P.swap[pi]!;
      }
    }
    A.equity[a] = equity;
  }

  private emitAccount(a: number, t: number, out: PlatformUpdate[]): void {
    const A = this.a;
    let balance = this.balanceText[a];
    if (balance === undefined) {
      balance = formatScaled(A.balance[a]!, 2);
      this.balanceText[a] = balance;
    }
    A.seq[a] = A.seq[a]! + 1;
    out.push({
      type: "account",
      account: this.ids[a]!,
      seq: A.seq[a]!,
      t: this.iso,
      balance,
      equity: A.equity[a] === A.balance[a] ? balance : formatScaled(A.equity[a]!, 2),
      openPositions: A.posCount[a]!,
    });
    A.lastUpdate[a] = t;
  }

  private grow(cap: number): void {
    this.a = allocColumns(accountColumns, cap, this.cap > 0 ? this.a : undefined);
    const p = allocColumns(positionColumns, cap * MAX_POS, this.cap > 0 ? this.p : undefined);
    p.inst.fill(-1, this.cap * MAX_POS);
    this.p = p;
    this.cap = cap;
  }

  // ---------------------------------------------------------------- snapshot / restore

  /** The whole state as plain JSON (the price data itself is referenced by fingerprint). */
  snapshot(): SimulationSnapshot {
    return {
      version: 1,
      seed: this.seed,
      startTime: this.startTime,
      heartbeatMs: this.heartbeatMs,
      now: this.now_,
      minDue: Number.isFinite(this.minDue) ? this.minDue : null,
      nextTicket: this.nextTicket,
      marketFingerprint: this.market.fingerprint,
      cursors: { next: Array.from(this.next), loop: Array.from(this.loop), cur: Array.from(this.cur) },
      accountIds: this.ids.slice(0, this.n),
      accounts: columnsToJson(this.a, this.n),
      positions: columnsToJson(this.p, this.n * MAX_POS),
      pending: this.pending.slice(),
    };
  }

  /** Rebuilds a simulation from `snapshot()`; it continues exactly as the original would have. */
  static restore(snap: SimulationSnapshot, opts: { market?: Market } = {}): Simulation {
    if (snap?.version !== 1) {
      throw new AppError("VALIDATION", "Unsupported simulation snapshot.", {
        issues: [{ path: "version", message: "must be 1" }],
      });
    }
    const market = opts.market ?? loadMarket();
    if (market.fingerprint !== snap.marketFingerprint) {
      throw new AppError("PRECONDITION_FAILED", "The snapshot was taken over other price data.", {
        issues: [{ path: "marketFingerprint", message: "does not match the loaded market" }],
      });
    }
    const sim = new Simulation({
      seed: snap.seed,
      startTime: snap.startTime,
      market,
      heartbeatMinutes: snap.heartbeatMs / TIME.MINUTE,
    });
    const n = snap.accountIds.length;
    sim.grow(Math.max(16, n));
    for (const name of Object.keys(accountColumns) as (keyof typeof accountColumns)[]) {
      const values = snap.accounts[name];
      if (values?.length !== n)
        throw new AppError("VALIDATION", `Snapshot column accounts.${name} is malformed.`);
      sim.a[name].set(values);
    }
    for (const name of Object.keys(positionColumns) as (keyof typeof positionColumns)[]) {
      const values = snap.positions[name];
      if (values?.length !== n * MAX_POS)
        throw new AppError("VALIDATION", `Snapshot column positions.${name} is malformed.`);
      sim.p[name].set(values);
    }
    sim.n = n;
    snap.accountIds.forEach((id, a) => {
      sim.ids[a] = id;
      sim.byId.set(id, a);
    });
    sim.now_ = snap.now;
    sim.minDue = snap.minDue ?? Number.POSITIVE_INFINITY;
    sim.nextTicket = snap.nextTicket;
    sim.next.set(snap.cursors.next);
    sim.loop.set(snap.cursors.loop);
    sim.cur.set(snap.cursors.cur);
    market.instruments.forEach((m, k) => {
      const s = m.series;
      sim.nextT[k] = sim.startTime + (s.time[sim.next[k]!]! - s.time[0]!) + sim.loop[k]! * m.periodMs;
    });
    sim.pending = snap.pending.slice();
    return sim;
  }
}

export function createSimulation(opts: SimulationOptions): Simulation {
  return new Simulation(opts);
}

export function restoreSimulation(snap: SimulationSnapshot, opts: { market?: Market } = {}): Simulation {
  return Simulation.restore(snap, opts);
}
