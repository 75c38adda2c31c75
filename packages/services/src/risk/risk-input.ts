import type { EngineState } from "@propdesk/domain/rules";

/**
 * One input of a challenge's rules engine as stored in `risk_inputs`: a platform update or a control
 * input. The live evaluator and the replay read the same rows and apply them with the same
 * `evaluateInput`, in `inputId` order.
 */
export type RiskInputKind =
  | "account"
  | "trade_opened"
  | "trade_closed"
  | "balance_adjustment"
  | "clock"
  | "phase_start"
  | "restore"
  | "suspend"
  | "unsuspend";

export const platformInputKinds: ReadonlySet<RiskInputKind> = new Set([
  "account",
  "trade_opened",
  "trade_closed",
  "balance_adjustment",
]);

export interface RiskInput {
  inputId: number;
  challengeId: string;
  tradingAccountId: string;
  /** Phase of the trading account the input concerns. */
  phaseIndex: number;
  kind: RiskInputKind;
  /** Platform time, epoch ms. */
  t: number;
  /** account: balance, equity, open positions (minor units). */
  balance: number;
  equity: number;
  openPositions: number;
  /** trade_closed: realised profit; balance_adjustment: the signed amount. */
  amount: number;
  tradeId: string;
  symbol: string;
  side: "buy" | "sell" | null;
  /** Decimal strings from the platform. */
  lots: string | null;
  stopLoss: string | null;
  /** restore: the engine state to resume from (the state before the overridden decision). */
  restoreState: EngineState | null;
  /** restore: the decision being overridden. */
  restoreOf: { inputId: number; idx: number } | null;
  receivedAtMs: number;
}
