/**
 * A payout rail: how money reaches a trader. Every call carries the attempt's idempotency key
 * (the ledger key of the attempt, `payout:<id>:attempt:<n>`), so calling again after a crash or a
 * timeout is the same payment, never a second one.
 *
 * `send` resolves to what the rail decided; it throws `AppError("EXTERNAL_FAILURE")` when the rail
 * could not be reached or answered with a temporary error (the job retries with the same key).
 */
export type RailName = "stripe_connect" | "crypto" | "bank_wire";
export const railNames: readonly RailName[] = ["stripe_connect", "crypto", "bank_wire"];

export const railLabels: Record<RailName, string> = {
  stripe_connect: "Stripe Connect transfer",
  crypto: "Crypto (stablecoin)",
  bank_wire: "Bank wire",
};

export interface RailDestination {
  id: string;
  rail: string;
  stripeAccountId: string | null;
  chain: string | null;
  asset: string | null;
  address: string | null;
}

export interface RailPayment {
  idempotencyKey: string;
  payoutId: string;
  payoutReference: string;
  attempt: number;
  amount: bigint;
  currency: string;
  destination: RailDestination;
  description: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type RailOutcome =
  | {
      status: "paid";
      railReference: string;
      txHash?: string | undefined;
      chain?: string | undefined;
      address?: string | undefined;
      response: JsonValue;
    }
  | { status: "pending"; railReference: string; response: JsonValue }
  | { status: "failed"; reason: string; railReference?: string | undefined; response: JsonValue };

export interface PayoutRail {
  readonly name: RailName;
  send(payment: RailPayment): Promise<RailOutcome>;
  /** The current state of a payment the rail reported as pending. */
  check?(railReference: string): Promise<RailOutcome>;
}
