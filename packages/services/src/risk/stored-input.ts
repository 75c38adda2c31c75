import type { riskPipeline } from "@propdesk/db";
import type { EngineState } from "@propdesk/domain/rules";
import type { RiskInput, RiskInputKind } from "./risk-input";

/** A `risk_inputs` row as the evaluator and the replay read it, turned into a `RiskInput`. */
export function toRiskInput(r: riskPipeline.StoredInputRow): RiskInput {
  const details = (r.details ?? null) as {
    state?: EngineState;
    inputId?: number;
    idx?: number;
  } | null;
  return {
    inputId: Number(r.input_id),
    challengeId: r.challenge_id,
    tradingAccountId: r.trading_account_id,
    phaseIndex: r.phase_index,
    kind: r.kind as RiskInputKind,
    t: Number(r.t_ms),
    balance: r.balance === null ? 0 : Number(r.balance),
    equity: r.equity === null ? 0 : Number(r.equity),
    openPositions: r.open_positions ?? 0,
    amount: r.amount === null ? 0 : Number(r.amount),
    tradeId: r.trade_id ?? "",
    symbol: r.symbol ?? "",
    side: (r.side as "buy" | "sell" | null) ?? null,
    lots: r.lots,
    stopLoss: r.stop_loss,
    restoreState: r.kind === "restore" ? (details?.state ?? null) : null,
    restoreOf:
      r.kind === "restore" && details?.inputId !== undefined
        ? { inputId: details.inputId, idx: details.idx ?? 0 }
        : null,
    receivedAtMs: Number(r.received_at_ms),
  };
}
