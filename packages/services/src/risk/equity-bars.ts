import type { riskPipeline } from "@propdesk/db";

/**
 * One-minute equity bars of a trading account for one hour of platform time, built in memory from
 * its account updates and written (upserted whole) at each checkpoint: open/high/low/close of
 * equity, the closing balance and the floors at the end of the minute. A floor array is empty when
 * the phase has no such rule.
 */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export class HourBarBuffer implements riskPipeline.HourBars {
  minutes: number[] = [];
  equityOpen: number[] = [];
  equityHigh: number[] = [];
  equityLow: number[] = [];
  equityClose: number[] = [];
  balance: number[] = [];
  dailyFloor: number[] = [];
  maxLossFloor: number[] = [];
  dirty = false;

  constructor(
    readonly tradingAccountId: string,
    readonly hourMs: number,
  ) {}

  static from(row: riskPipeline.HourBars): HourBarBuffer {
    const b = new HourBarBuffer(row.tradingAccountId, row.hourMs);
    b.minutes = row.minutes.slice();
    b.equityOpen = row.equityOpen.slice();
    b.equityHigh = row.equityHigh.slice();
    b.equityLow = row.equityLow.slice();
    b.equityClose = row.equityClose.slice();
    b.balance = row.balance.slice();
    b.dailyFloor = row.dailyFloor.slice();
    b.maxLossFloor = row.maxLossFloor.slice();
    return b;
  }

  /** Adds an update at `t` (within this hour; an earlier minute than the last joins the last). */
  add(
    t: number,
    equity: number,
    balance: number,
    dailyFloor: number | null,
    maxLossFloor: number | null,
  ): void {
    // A floor known only from now on (the phase started after the account's first updates).
    if (dailyFloor !== null && this.dailyFloor.length === 0 && this.minutes.length > 0)
      this.dailyFloor = this.minutes.map(() => dailyFloor);
    if (maxLossFloor !== null && this.maxLossFloor.length === 0 && this.minutes.length > 0)
      this.maxLossFloor = this.minutes.map(() => maxLossFloor);
    let minute = Math.floor((t - this.hourMs) / MINUTE);
    const n = this.minutes.length;
    if (n > 0 && minute < this.minutes[n - 1]!) minute = this.minutes[n - 1]!;
    if (n > 0 && this.minutes[n - 1] === minute) {
      const i = n - 1;
      if (equity > this.equityHigh[i]!) this.equityHigh[i] = equity;
      if (equity < this.equityLow[i]!) this.equityLow[i] = equity;
      this.equityClose[i] = equity;
      this.balance[i] = balance;
      if (dailyFloor !== null && this.dailyFloor.length === n) this.dailyFloor[i] = dailyFloor;
      if (maxLossFloor !== null && this.maxLossFloor.length === n) this.maxLossFloor[i] = maxLossFloor;
    } else {
      // Floor arrays stay aligned with the bars or stay empty (no such rule in this phase).
      const withDaily = dailyFloor !== null && this.dailyFloor.length === n;
      const withMax = maxLossFloor !== null && this.maxLossFloor.length === n;
      this.minutes.push(minute);
      this.equityOpen.push(equity);
      this.equityHigh.push(equity);
      this.equityLow.push(equity);
      this.equityClose.push(equity);
      this.balance.push(balance);
      if (withDaily) this.dailyFloor.push(dailyFloor);
      else if (this.dailyFloor.length === n && n > 0) this.dailyFloor.push(this.dailyFloor[n - 1]!);
      if (withMax) this.maxLossFloor.push(maxLossFloor);
      else if (this.maxLossFloor.length === n && n > 0) this.maxLossFloor.push(this.maxLossFloor[n - 1]!);
    }
    this.dirty = true;
  }
}

export const hourOf = (t: number) => Math.floor(t / HOUR) * HOUR;
