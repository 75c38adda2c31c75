import { AppError } from "../errors";
import { displayMoney, isCurrency } from "../money";
import type { LedgerAccountCode } from "./chart-of-accounts";
import { instantMs } from "./instant";
import type { PendingResolution, Transfer, TransferKind, TransferRefs } from "./transfer";

/*
 * One function per business event, returning the transfers to post. Keys are derived from the
 * business ids only, so a re-delivered event produces the same keys and the ledger applies it once.
 */

const idPattern = /^[A-Za-z0-9_.-]{1,120}$/;

function id(value: string, field: string): string {
  if (typeof value !== "string" || !idPattern.test(value))
    throw new AppError(
      "VALIDATION",
      `${field}: "${String(value)}" must be 1-120 letters, digits, _ . or -.`,
      {
        issues: [{ path: field, message: "must be 1-120 letters, digits, _ . or -" }],
      },
    );
  return value;
}

function attemptNo(value: number, field = "attempt"): number {
  if (!Number.isInteger(value) || value < 1)
    throw new AppError("VALIDATION", `${field}: must be an integer ≥ 1 (got ${value}).`, {
      issues: [{ path: field, message: "must be an integer ≥ 1" }],
    });
  return value;
}

function amountOf(value: bigint, field: string, opts: { allowZero?: boolean } = {}): bigint {
  const ok = typeof value === "bigint" && (opts.allowZero ? value >= 0n : value > 0n);
  if (!ok) {
    const rule = opts.allowZero ? "zero or more" : "greater than zero";
    throw new AppError("VALIDATION", `${field}: must be ${rule} minor units (got ${String(value)}).`, {
      issues: [{ path: field, message: `must be ${rule}` }],
    });
  }
  return value;
}

function checkCommon(currency: string, at: string): void {
  if (!isCurrency(currency))
    throw new AppError("VALIDATION", `currency: "${currency}" is not an ISO 4217 currency code.`, {
      issues: [{ path: "currency", message: "not an ISO 4217 currency code" }],
    });
  if (instantMs(at) === null)
    throw new AppError("VALIDATION", `at: "${at}" is not an ISO instant like 2026-03-01T09:30:00Z.`, {
      issues: [{ path: "at", message: "not an ISO instant" }],
    });
}

/** Drops undefined refs so that stored and re-built transfers compare equal. */
function cleanRefs(refs: TransferRefs): TransferRefs {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(refs)) if (v !== undefined) out[k] = v;
  return out as TransferRefs;
}

interface Leg {
  key: string;
  debit: LedgerAccountCode;
  credit: LedgerAccountCode;
  amount: bigint;
  kind: TransferKind;
  memo: string;
  refs: TransferRefs;
  twoPhase?: boolean;
  metadata?: Record<string, string>;
}

function transfer(currency: string, at: string, leg: Leg): Transfer {
  return {
    idempotencyKey: leg.key,
    debitAccount: leg.debit,
    creditAccount: leg.credit,
    amount: leg.amount,
    currency,
    kind: leg.kind,
    twoPhase: leg.twoPhase === true,
    status: leg.twoPhase ? "pending" : "posted",
    effectiveAt: at,
    refs: cleanRefs(leg.refs),
    memo: leg.memo,
    metadata: leg.metadata ?? {},
  };
}

/** The idempotency keys, derived from business ids. */
export const ledgerKeys = {
  purchase: (orderId: string) => `order:${id(orderId, "orderId")}:purchase`,
  processorFee: (orderId: string) => `order:${id(orderId, "orderId")}:processor_fee`,
  refund: (refundId: string) => `refund:${id(refundId, "refundId")}`,
  chargeback: (disputeId: string) => `dispute:${id(disputeId, "disputeId")}:chargeback`,
  disputeFee: (disputeId: string) => `dispute:${id(disputeId, "disputeId")}:fee`,
  chargebackReversal: (disputeId: string) => `dispute:${id(disputeId, "disputeId")}:reversal`,
  disputeFeeReturn: (disputeId: string) => `dispute:${id(disputeId, "disputeId")}:fee_return`,
  payoutProfitShare: (payoutId: string) => `payout:${id(payoutId, "payoutId")}:profit_share`,
  payoutPhaseReward: (payoutId: string) => `payout:${id(payoutId, "payoutId")}:phase_reward`,
  payoutFeeRefund: (payoutId: string) => `payout:${id(payoutId, "payoutId")}:fee_refund`,
  payoutAttempt: (payoutId: string, attempt: number) =>
    `payout:${id(payoutId, "payoutId")}:attempt:${attemptNo(attempt)}`,
  commission: (commissionId: string) => `commission:${id(commissionId, "commissionId")}`,
  clawback: (commissionId: string) => `commission:${id(commissionId, "commissionId")}:clawback`,
  affiliatePayoutAttempt: (affiliatePayoutId: string, attempt: number) =>
    `affiliate_payout:${id(affiliatePayoutId, "affiliatePayoutId")}:attempt:${attemptNo(attempt)}`,
  settlement: (settlementId: string) => `settlement:${id(settlementId, "settlementId")}`,
  railFunding: (fundingId: string) => `rail_funding:${id(fundingId, "fundingId")}`,
  reversal: (originalKey: string) => `${originalKey}:reversal`,
};

interface EventBase {
  currency: string;
  /** When the event happened (ISO instant), e.g. the processor event's creation time. */
  at: string;
}

export interface ChallengePurchaseEvent extends EventBase {
  orderId: string;
  paymentId?: string;
  challengeId?: string;
  traderId?: string;
  /** What the buyer paid. */
  gross: bigint;
  /** What the processor kept, when it is already known (it may be posted later with the same key). */
  processorFee?: bigint;
}

/** A challenge purchase: gross revenue into processor clearing, and the processor's fee out of it. */
export function challengePurchasePostings(e: ChallengePurchaseEvent): Transfer[] {
  checkCommon(e.currency, e.at);
  amountOf(e.gross, "gross");
  const refs = {
    orderId: e.orderId,
    paymentId: e.paymentId,
    challengeId: e.challengeId,
    traderId: e.traderId,
  };
  const out = [
    transfer(e.currency, e.at, {
      key: ledgerKeys.purchase(e.orderId),
      debit: "processor_clearing",
      credit: "challenge_fee_revenue",
      amount: e.gross,
      kind: "challenge_purchase",
      memo: `Challenge purchase, order ${e.orderId}`,
      refs,
    }),
  ];
  if (e.processorFee !== undefined && amountOf(e.processorFee, "processorFee", { allowZero: true }) > 0n) {
    if (e.processorFee > e.gross)
      throw new AppError("VALIDATION", "processorFee: cannot exceed the gross amount of the purchase.", {
        issues: [{ path: "processorFee", message: "cannot exceed gross" }],
      });
    out.push(processorFeeTransfer(e.orderId, e.processorFee, e.currency, e.at, refs));
  }
  return out;
}

/** The processor fee on its own, for when the fee is learnt after the payment (same key as above). */
export function processorFeePosting(
  e: EventBase & { orderId: string; paymentId?: string; traderId?: string; fee: bigint },
): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.fee, "fee");
  return processorFeeTransfer(e.orderId, e.fee, e.currency, e.at, {
    orderId: e.orderId,
    paymentId: e.paymentId,
    traderId: e.traderId,
  });
}

function processorFeeTransfer(
  orderId: string,
  fee: bigint,
  currency: string,
  at: string,
  refs: TransferRefs,
) {
  return transfer(currency, at, {
    key: ledgerKeys.processorFee(orderId),
    debit: "processor_fees",
    credit: "processor_clearing",
    amount: fee,
    kind: "processor_fee",
    memo: `Processor fee on order ${orderId}`,
    refs,
  });
}

export interface RefundEvent extends EventBase {
  refundId: string;
  orderId: string;
  paymentId?: string;
  challengeId?: string;
  traderId?: string;
  amount: bigint;
  /** What is still refundable on the order (see `refundableAmount`); a refund above it is refused. */
  refundable: bigint;
}

/** A full or partial refund of a challenge fee through the processor. */
export function refundPostings(e: RefundEvent): Transfer[] {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  amountOf(e.refundable, "refundable", { allowZero: true });
  if (e.amount > e.refundable)
    throw new AppError(
      "VALIDATION",
      `amount: the refund of ${displayMoney(e.amount, e.currency)} exceeds the ${displayMoney(e.refundable, e.currency)} still refundable on order ${e.orderId}.`,
      { issues: [{ path: "amount", message: "exceeds the refundable amount" }] },
    );
  const full = e.amount === e.refundable;
  return [
    transfer(e.currency, e.at, {
      key: ledgerKeys.refund(e.refundId),
      debit: "refunds",
      credit: "processor_clearing",
      amount: e.amount,
      kind: "refund",
      memo: `${full ? "Full" : "Partial"} refund ${e.refundId} of order ${e.orderId}`,
      refs: {
        refundId: e.refundId,
        orderId: e.orderId,
        paymentId: e.paymentId,
        challengeId: e.challengeId,
        traderId: e.traderId,
      },
    }),
  ];
}

export interface ChargebackEvent extends EventBase {
  disputeId: string;
  orderId: string;
  paymentId?: string;
  traderId?: string;
  /** The disputed amount the processor took back. */
  amount: bigint;
  disputeFee?: bigint;
}

/** A chargeback: the disputed amount leaves processor clearing, plus the processor's dispute fee. */
export function chargebackPostings(e: ChargebackEvent): Transfer[] {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  const refs = { disputeId: e.disputeId, orderId: e.orderId, paymentId: e.paymentId, traderId: e.traderId };
  const out = [
    transfer(e.currency, e.at, {
      key: ledgerKeys.chargeback(e.disputeId),
      debit: "chargebacks",
      credit: "processor_clearing",
      amount: e.amount,
      kind: "chargeback",
      memo: `Chargeback ${e.disputeId} on order ${e.orderId}`,
      refs,
    }),
  ];
  if (e.disputeFee !== undefined && amountOf(e.disputeFee, "disputeFee", { allowZero: true }) > 0n)
    out.push(
      transfer(e.currency, e.at, {
        key: ledgerKeys.disputeFee(e.disputeId),
        debit: "dispute_fees",
        credit: "processor_clearing",
        amount: e.disputeFee,
        kind: "dispute_fee",
        memo: `Dispute fee for ${e.disputeId}`,
        refs,
      }),
    );
  return out;
}

export interface ChargebackReversalEvent extends EventBase {
  disputeId: string;
  orderId: string;
  paymentId?: string;
  traderId?: string;
  /** The amount returned to the firm after winning the dispute. */
  amount: bigint;
  /** Some processors also return the dispute fee when the firm wins. */
  disputeFeeReturned?: bigint;
}

/** A dispute won: the chargeback comes back into processor clearing (a new transfer, not an edit). */
export function chargebackReversalPostings(e: ChargebackReversalEvent): Transfer[] {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  const refs = { disputeId: e.disputeId, orderId: e.orderId, paymentId: e.paymentId, traderId: e.traderId };
  const out = [
    transfer(e.currency, e.at, {
      key: ledgerKeys.chargebackReversal(e.disputeId),
      debit: "processor_clearing",
      credit: "chargebacks",
      amount: e.amount,
      kind: "chargeback_reversal",
      memo: `Dispute ${e.disputeId} won: chargeback reversed`,
      refs,
    }),
  ];
  if (
    e.disputeFeeReturned !== undefined &&
    amountOf(e.disputeFeeReturned, "disputeFeeReturned", { allowZero: true }) > 0n
  )
    out.push(
      transfer(e.currency, e.at, {
        key: ledgerKeys.disputeFeeReturn(e.disputeId),
        debit: "processor_clearing",
        credit: "dispute_fees",
        amount: e.disputeFeeReturned,
        kind: "dispute_fee_return",
        memo: `Dispute ${e.disputeId} won: dispute fee returned`,
        refs,
      }),
    );
  return out;
}

export interface PayoutApprovedEvent extends EventBase {
  payoutId: string;
  traderId: string;
  challengeId?: string;
  tradingAccountId?: string;
  /** The amounts of `computePayout`: only these four fields are used. */
  amounts: { traderShare: bigint; phaseProfitShare: bigint; feeRefund: bigint; balanceReduction: bigint };
}

/**
 * A payout approved: the firm now owes the trader. Profit share and phase reward are expenses, the
 * fee refund gives back revenue. The platform balance reduction rides on the profit-share transfer
 * (`metadata.platformBalanceReduction`, minor units) so reconciliation can match the platform side.
 */
export function payoutAccrualPostings(e: PayoutApprovedEvent): Transfer[] {
  checkCommon(e.currency, e.at);
  const a = e.amounts;
  amountOf(a.traderShare, "amounts.traderShare", { allowZero: true });
  amountOf(a.phaseProfitShare, "amounts.phaseProfitShare", { allowZero: true });
  amountOf(a.feeRefund, "amounts.feeRefund", { allowZero: true });
  amountOf(a.balanceReduction, "amounts.balanceReduction", { allowZero: true });
  if (a.traderShare === 0n && a.balanceReduction > 0n)
    throw new AppError(
      "VALIDATION",
      "amounts.traderShare: a payout that reduces the balance must pay a share.",
      {
        issues: [{ path: "amounts.traderShare", message: "zero while the balance is reduced" }],
      },
    );
  if (a.traderShare + a.phaseProfitShare + a.feeRefund === 0n)
    throw new AppError("VALIDATION", `Payout ${e.payoutId} has nothing to pay.`, {
      issues: [{ path: "amounts", message: "all amounts are zero" }],
    });
  const refs = {
    payoutId: e.payoutId,
    traderId: e.traderId,
    challengeId: e.challengeId,
    tradingAccountId: e.tradingAccountId,
  };
  const out: Transfer[] = [];
  if (a.traderShare > 0n)
    out.push(
      transfer(e.currency, e.at, {
        key: ledgerKeys.payoutProfitShare(e.payoutId),
        debit: "trader_payout_expense",
        credit: "trader_payouts_payable",
        amount: a.traderShare,
        kind: "trader_profit_share",
        memo: `Profit share for payout ${e.payoutId}`,
        refs,
        metadata: { platformBalanceReduction: a.balanceReduction.toString() },
      }),
    );
  if (a.phaseProfitShare > 0n)
    out.push(
      transfer(e.currency, e.at, {
        key: ledgerKeys.payoutPhaseReward(e.payoutId),
        debit: "trader_payout_expense",
        credit: "trader_payouts_payable",
        amount: a.phaseProfitShare,
        kind: "trader_phase_reward",
        memo: `Challenge-phase profit share with payout ${e.payoutId}`,
        refs,
      }),
    );
  if (a.feeRefund > 0n)
    out.push(
      transfer(e.currency, e.at, {
        key: ledgerKeys.payoutFeeRefund(e.payoutId),
        debit: "fee_refunds",
        credit: "trader_payouts_payable",
        amount: a.feeRefund,
        kind: "trader_fee_refund",
        memo: `Challenge fee refunded with payout ${e.payoutId}`,
        refs,
      }),
    );
  return out;
}

export interface PayoutAttemptEvent extends EventBase {
  payoutId: string;
  attempt: number;
  traderId: string;
  tradingAccountId?: string;
  /** Everything the trader receives: profit share + phase reward + fee refund. */
  amount: bigint;
}

/**
 * A payout sent to the rail: a pending transfer that reserves the payable until the rail confirms
 * (`payoutPaid`, posted) or fails (`payoutFailed`, voided). A retry is a new attempt number.
 */
export function payoutReservePosting(e: PayoutAttemptEvent): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  return transfer(e.currency, e.at, {
    key: ledgerKeys.payoutAttempt(e.payoutId, e.attempt),
    debit: "trader_payouts_payable",
    credit: "cash_payouts_clearing",
    amount: e.amount,
    kind: "trader_payout",
    twoPhase: true,
    memo: `Payout ${e.payoutId}, attempt ${e.attempt}`,
    refs: {
      payoutId: e.payoutId,
      attempt: e.attempt,
      traderId: e.traderId,
      tradingAccountId: e.tradingAccountId,
    },
  });
}

export function payoutPaid(payoutId: string, attempt: number): PendingResolution {
  return { idempotencyKey: ledgerKeys.payoutAttempt(payoutId, attempt), action: "post" };
}

export function payoutFailed(payoutId: string, attempt: number): PendingResolution {
  return { idempotencyKey: ledgerKeys.payoutAttempt(payoutId, attempt), action: "void" };
}

export interface AffiliateCommissionEvent extends EventBase {
  commissionId: string;
  affiliateId: string;
  traderId?: string;
  orderId?: string;
  amount: bigint;
}

export function affiliateCommissionPosting(e: AffiliateCommissionEvent): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  return transfer(e.currency, e.at, {
    key: ledgerKeys.commission(e.commissionId),
    debit: "affiliate_commission_expense",
    credit: "affiliate_commissions_payable",
    amount: e.amount,
    kind: "affiliate_commission",
    memo: `Commission ${e.commissionId} for affiliate ${e.affiliateId}`,
    refs: {
      commissionId: e.commissionId,
      affiliateId: e.affiliateId,
      traderId: e.traderId,
      orderId: e.orderId,
    },
  });
}

export interface AffiliateClawbackEvent extends AffiliateCommissionEvent {
  /** The commission being clawed back; the clawback cannot exceed it. */
  commissionAmount: bigint;
}

/**
 * Takes back all or part of a commission (refund or chargeback of the referred purchase). If the
 * commission was already paid, the affiliate's payable goes negative: the affiliate owes it back.
 */
export function affiliateClawbackPosting(e: AffiliateClawbackEvent): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  if (e.amount > e.commissionAmount)
    throw new AppError("VALIDATION", "amount: a clawback cannot exceed the commission it takes back.", {
      issues: [{ path: "amount", message: "exceeds the commission" }],
    });
  return transfer(e.currency, e.at, {
    key: ledgerKeys.clawback(e.commissionId),
    debit: "affiliate_commissions_payable",
    credit: "affiliate_commission_expense",
    amount: e.amount,
    kind: "affiliate_clawback",
    memo: `Clawback of commission ${e.commissionId}`,
    refs: {
      commissionId: e.commissionId,
      affiliateId: e.affiliateId,
      traderId: e.traderId,
      orderId: e.orderId,
    },
  });
}

export interface AffiliatePayoutAttemptEvent extends EventBase {
  affiliatePayoutId: string;
  attempt: number;
  affiliateId: string;
  amount: bigint;
}

/** An affiliate payout sent to the rail: pending until paid (posted) or failed (voided), like trader payouts. */
export function affiliatePayoutReservePosting(e: AffiliatePayoutAttemptEvent): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  return transfer(e.currency, e.at, {
    key: ledgerKeys.affiliatePayoutAttempt(e.affiliatePayoutId, e.attempt),
    debit: "affiliate_commissions_payable",
    credit: "cash_payouts_clearing",
    amount: e.amount,
    kind: "affiliate_payout",
    twoPhase: true,
    memo: `Affiliate payout ${e.affiliatePayoutId}, attempt ${e.attempt}`,
    refs: { affiliatePayoutId: e.affiliatePayoutId, attempt: e.attempt, affiliateId: e.affiliateId },
  });
}

export function affiliatePayoutPaid(affiliatePayoutId: string, attempt: number): PendingResolution {
  return { idempotencyKey: ledgerKeys.affiliatePayoutAttempt(affiliatePayoutId, attempt), action: "post" };
}

export function affiliatePayoutFailed(affiliatePayoutId: string, attempt: number): PendingResolution {
  return { idempotencyKey: ledgerKeys.affiliatePayoutAttempt(affiliatePayoutId, attempt), action: "void" };
}

/** The processor pays the firm's balance out to its bank (a Stripe payout). */
export function processorSettlementPosting(
  e: EventBase & { settlementId: string; amount: bigint },
): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  return transfer(e.currency, e.at, {
    key: ledgerKeys.settlement(e.settlementId),
    debit: "operating_cash",
    credit: "processor_clearing",
    amount: e.amount,
    kind: "processor_settlement",
    memo: `Processor settlement ${e.settlementId} to the bank`,
    refs: { settlementId: e.settlementId },
  });
}

/** The firm tops up its payout rails from operating cash. */
export function payoutRailFundingPosting(e: EventBase & { fundingId: string; amount: bigint }): Transfer {
  checkCommon(e.currency, e.at);
  amountOf(e.amount, "amount");
  return transfer(e.currency, e.at, {
    key: ledgerKeys.railFunding(e.fundingId),
    debit: "cash_payouts_clearing",
    credit: "operating_cash",
    amount: e.amount,
    kind: "payout_rail_funding",
    memo: `Payout rails funded (${e.fundingId})`,
    refs: {},
  });
}

/**
 * A correction: a new posted transfer with the legs swapped, never an edit. Only posted transfers
 * are reversed; a pending one is voided instead. Its key is the original key + ":reversal".
 */
export function reversalOf(original: Transfer, e: { at: string; reason: string }): Transfer {
  if (original.status !== "posted")
    throw new AppError(
      "ILLEGAL_TRANSITION",
      `Transfer ${original.idempotencyKey} is ${original.status}: only a posted transfer can be reversed${original.status === "pending" ? "; void it instead" : ""}.`,
    );
  checkCommon(original.currency, e.at);
  if (e.reason.trim() === "")
    throw new AppError("VALIDATION", "reason: say why the transfer is reversed.", {
      issues: [{ path: "reason", message: "required" }],
    });
  return transfer(original.currency, e.at, {
    key: ledgerKeys.reversal(original.idempotencyKey),
    debit: original.creditAccount,
    credit: original.debitAccount,
    amount: original.amount,
    kind: "reversal",
    memo: `Reversal of ${original.idempotencyKey}: ${e.reason}`,
    refs: { ...original.refs, reversesKey: original.idempotencyKey },
    metadata: { reversedKind: original.kind },
  });
}
