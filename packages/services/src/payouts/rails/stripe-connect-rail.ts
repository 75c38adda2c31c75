import { AppError } from "@propdesk/domain";
import Stripe from "stripe";
import type { JsonValue, PayoutRail, RailOutcome, RailPayment } from "./payout-rail";

/**
 * Payouts as Stripe Connect transfers from the firm's Stripe balance to the trader's connected
 * account (the connected account then pays out to the trader's bank on its own schedule). The
 * attempt's key is Stripe's idempotency key and also `metadata.propdesk_reference`, which
 * reconciliation reads back from the transfer's balance transaction.
 *
 * Stripe refusing the transfer (invalid request, missing capability, insufficient balance,
 * permissions) fails the attempt; connection errors, rate limits and Stripe API errors are
 * temporary and retried with the same key.
 */
export class StripeConnectRail implements PayoutRail {
  readonly name = "stripe_connect" as const;
  constructor(private readonly client: Stripe) {}

  async send(p: RailPayment): Promise<RailOutcome> {
    const destination = p.destination.stripeAccountId;
    if (!destination)
      return { status: "failed", reason: "The destination has no Stripe connected account.", response: null };
    if (p.amount > BigInt(Number.MAX_SAFE_INTEGER))
      return { status: "failed", reason: "The amount is too large for one Stripe transfer.", response: null };
    try {
      const t = await this.client.transfers.create(
        {
          amount: Number(p.amount),
          currency: p.currency.toLowerCase(),
          destination,
          description: p.description,
          transfer_group: `payout_${p.payoutId}`,
          metadata: {
            propdesk_reference: p.idempotencyKey,
            payout_id: p.payoutId,
            attempt: String(p.attempt),
          },
        },
        { idempotencyKey: p.idempotencyKey },
      );
      return {
        status: "paid",
        railReference: t.id,
        response: {
          id: t.id,
          amount: t.amount,
          currency: t.currency,
          destination: typeof t.destination === "string" ? t.destination : (t.destination?.id ?? null),
          balance_transaction:
            typeof t.balance_transaction === "string"
              ? t.balance_transaction
              : (t.balance_transaction?.id ?? null),
          created: t.created,
        } satisfies JsonValue,
      };
    } catch (e) {
      if (e instanceof Stripe.errors.StripeIdempotencyError)
        throw new AppError(
          "INTERNAL",
          `Stripe refused the idempotency key ${p.idempotencyKey}: ${e.message}`,
          {
            cause: e,
          },
        );
      if (
        e instanceof Stripe.errors.StripeInvalidRequestError ||
        e instanceof Stripe.errors.StripePermissionError ||
        e instanceof Stripe.errors.StripeCardError
      )
        return {
          status: "failed",
          reason: `Stripe refused the transfer: ${e.message}`,
          response: { type: e.type, code: e.code ?? null, message: e.message },
        };
      throw new AppError(
        "EXTERNAL_FAILURE",
        `Stripe could not be reached for the transfer: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }
}
