/**
 * What PropDesk asks of a trading platform (MT5, cTrader, DXtrade through a bridge, or the built-in
 * simulator). Money is integer minor units of the account currency (`bigint`).
 *
 * Every action takes a caller-supplied `idempotencyKey`: calling it again with the same key has one
 * effect and returns the first result, so the worker can retry blindly after a timeout. Reusing a
 * key for different arguments fails with `AppError("IDEMPOTENCY_MISMATCH")`. Keys are global to the
 * platform (use e.g. the outbox id), not per account.
 *
 * Updates (balance/equity, trades, balance adjustments) flow the other way in the wire format of
 * `platform-update.ts`: pushed by a bridge over signed HTTP, or pulled from the simulator with
 * `advanceTo(time)`.
 *
 * Errors: unknown account `NOT_FOUND`; bad input `VALIDATION` with issue paths; the platform
 * refusing or failing `EXTERNAL_FAILURE` (adapters over a network retry before raising it).
 */
export interface TradingPlatform {
  /** Short name recorded with each call ("simulator", "mt5-bridge"). */
  readonly name: string;

  provisionAccount(input: ProvisionAccountInput): Promise<ProvisionedAccount>;

  /** Enabling or disabling an already enabled/disabled account is not an error. */
  setTradingEnabled(platformAccountId: string, enabled: boolean, opts: ActionOptions): Promise<void>;

  /** Closes every open position at market; `realizedProfit` is net of commission and swap. */
  closeAllPositions(platformAccountId: string, opts: ActionOptions): Promise<CloseAllResult>;

  getAccountSnapshot(platformAccountId: string): Promise<AccountSnapshot>;

  /** Credits (positive) or debits (negative: a payout withdrawal) the account balance. */
  adjustBalance(platformAccountId: string, input: AdjustBalanceInput): Promise<BalanceAdjustmentResult>;

  /**
   * Balance adjustments made through `adjustBalance` with `period.from <= at < period.to`, oldest
   * first; `"all"` lists every account's (reconciliation reads this). The initial deposit made by
   * `provisionAccount` is not an adjustment.
   */
  listBalanceAdjustments(platformAccountId: string | "all", period: Period): Promise<BalanceAdjustment[]>;
}

export interface ActionOptions {
  idempotencyKey: string;
  /** Why, for the platform's audit log ("daily loss breached", "staff: jane@firm"). */
  reason: string;
}

export interface ProvisionAccountInput {
  idempotencyKey: string;
  /** Our trading-account id; the platform stores it as the account's external reference. */
  reference: string;
  /** ISO 4217 code of the account currency. */
  currency: string;
  /** Starting balance, minor units. */
  balance: bigint;
  /** Display name on the platform ("Acme 100K Challenge - J. Doe"). */
  label: string;
}

export interface ProvisionedAccount {
  platformAccountId: string;
  /** What the trader types into the terminal. */
  login: string;
}

export interface CloseAllResult {
  closed: number;
  realizedProfit: bigint;
}

export interface AccountSnapshot {
  balance: bigint;
  equity: bigint;
  openPositions: number;
  tradingEnabled: boolean;
  currency: string;
  /** Platform time of the snapshot. */
  at: Date;
}

export interface AdjustBalanceInput {
  idempotencyKey: string;
  /** Minor units, non-zero; negative is a withdrawal. */
  amount: bigint;
  reason: string;
}

export interface BalanceAdjustmentResult {
  adjustmentId: string;
  /** Balance right after the adjustment. */
  balance: bigint;
}

export interface BalanceAdjustment {
  adjustmentId: string;
  platformAccountId: string;
  idempotencyKey: string;
  amount: bigint;
  balanceAfter: bigint;
  currency: string;
  reason: string;
  at: Date;
}

/** Half-open interval `[from, to)`. */
export interface Period {
  from: Date;
  to: Date;
}
