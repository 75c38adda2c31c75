import { AppError } from "@propdesk/domain";
import Stripe from "stripe";
import { env } from "../../env/env";

/**
 * Where the Stripe SDK sends requests: Stripe itself, or (tests, the offline demo) a local
 * stand-in named by `STRIPE_API_BASE` (e.g. http://127.0.0.1:3507). Production refuses a base
 * other than Stripe's, so a misconfiguration can never send live keys elsewhere.
 */
let override: string | null | undefined;

/** Tests point the SDK at their own stand-in (null: back to the environment). */
export function setStripeApiBase(base: string | null): void {
  override = base;
}

export function stripeApiBase(): { host: string; port: number; protocol: "http" | "https" } | null {
  const base = override === undefined ? process.env.STRIPE_API_BASE : (override ?? undefined);
  if (!base) return null;
  const url = new URL(base);
  if (env().PROPDESK_ENV === "production" && url.hostname !== "api.stripe.com")
    throw new AppError(
      "PRECONDITION_FAILED",
      "STRIPE_API_BASE must not point away from Stripe in production.",
    );
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: Number(url.port || (protocol === "http" ? 80 : 443)), protocol };
}

/** The official SDK for one firm's secret key. */
export function stripeClient(secretKey: string): Stripe {
  const base = stripeApiBase();
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "PropDesk" },
    ...(base ?? {}),
  });
}

/** Signature verification needs no key; one SDK instance serves every firm. */
let verifier: Stripe | undefined;
export function stripeWebhooks(): Stripe["webhooks"] {
  verifier ??= new Stripe("sk_test_signature_verification_only", { telemetry: false });
  return verifier.webhooks;
}

/** How far a webhook's signed timestamp may be from now (Stripe's default tolerance). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A Stripe API failure as our one error type, with Stripe's message (never the key). */
export function stripeFailure(e: unknown, doing: string): AppError {
  if (e instanceof Stripe.errors.StripeError) {
    const code =
      e.type === "StripeAuthenticationError" || e.type === "StripeInvalidRequestError"
        ? "PRECONDITION_FAILED"
        : "EXTERNAL_FAILURE";
    return new AppError(code, `Stripe refused to ${doing}: ${e.message}`, { cause: e });
  }
  return new AppError("EXTERNAL_FAILURE", `Stripe could not be reached to ${doing}.`, { cause: e });
}
