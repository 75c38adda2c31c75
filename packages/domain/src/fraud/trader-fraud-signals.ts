import type { ChargebackRecord } from "./chargeback-history";
import { chargebackHistorySignal } from "./chargeback-history";
import type { CopyTradingOptions, TradeOpenedEvent } from "./copy-trading";
import { detectCopyAndHedgeTrading } from "./copy-trading";
import { disposableEmailSignal } from "./disposable-email";
import type { FraudSignal } from "./fraud-signal";
import { sortSignals } from "./fraud-signal";
import type { PaymentRecord, SharedIdentifierOptions, SignInRecord } from "./shared-identifiers";
import { detectSharedIdentifiers } from "./shared-identifiers";

export interface TraderFraudInputs {
  traderId: string;
  email?: string;
  /**
   * Sign-ins, payments and trade events of this trader and of the traders they could overlap
   * with (the caller loads, e.g., every sign-in from this trader's IPs and devices).
   */
  signIns?: readonly SignInRecord[];
  payments?: readonly PaymentRecord[];
  trades?: readonly TradeOpenedEvent[];
  chargebacks?: readonly ChargebackRecord[];
}

export interface TraderFraudOptions {
  sharedIdentifiers?: Omit<SharedIdentifierOptions, "traderIds">;
  copyTrading?: Omit<CopyTradingOptions, "traderIds">;
  disposableEmail?: { extraDomains?: readonly string[]; allowDomains?: readonly string[] };
}

/**
 * Every fraud signal about one trader, most severe first: what the trader page and a payout
 * review show. Each signal carries its reason sentence and evidence.
 */
export function fraudSignalsForTrader(
  inputs: TraderFraudInputs,
  opts: TraderFraudOptions = {},
): FraudSignal<unknown>[] {
  const only = [inputs.traderId];
  const signals: FraudSignal<unknown>[] = [
    ...detectSharedIdentifiers(
      { signIns: inputs.signIns ?? [], payments: inputs.payments ?? [] },
      { ...opts.sharedIdentifiers, traderIds: only },
    ),
    ...detectCopyAndHedgeTrading(inputs.trades ?? [], { ...opts.copyTrading, traderIds: only }),
  ];
  if (inputs.email !== undefined) {
    const s = disposableEmailSignal(inputs.traderId, inputs.email, opts.disposableEmail);
    if (s) signals.push(s);
  }
  const cb = chargebackHistorySignal(inputs.traderId, inputs.chargebacks ?? []);
  if (cb) signals.push(cb);
  return sortSignals(signals);
}
