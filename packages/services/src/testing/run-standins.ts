/**
 * Starts the local Stripe and KYC stand-ins for the offline demo (`npm start`) and the browser
 * tests, with the demo firm's accounts (packages/services/src/payments/demo-commerce.ts) and their
 * webhooks pointed at the web server: `STRIPE_STANDIN_PORT`, `KYC_STANDIN_PORT`, `PORT`.
 * Stripe Connect routes (payouts) are registered on the same Stripe stand-in.
 */
import { demoKyc, demoStripe } from "../payments/demo-commerce";
import { payoutDemo } from "../payouts/payout-demo";
import { CryptoRailStandIn } from "./crypto-rail-standin";
import { KycStandIn } from "./kyc-standin";
import { registerConnectRoutes } from "./stripe-connect-standin";
import { StripeStandIn } from "./stripe-standin";

const webPort = Number(process.env.PUBLIC_PORT ?? process.env.PORT ?? 3000);
const stripePort = Number(process.env.STRIPE_STANDIN_PORT);
const kycPort = Number(process.env.KYC_STANDIN_PORT);
const host = process.env.STANDIN_WEBHOOK_HOST ?? "atlas.localhost";

const stripe = new StripeStandIn();
registerConnectRoutes(stripe);
const account = stripe.addAccount({
  secretKey: demoStripe.secretKey,
  id: demoStripe.accountId,
  name: demoStripe.accountName,
});
stripe.addWebhookEndpoint(account, {
  url: `http://${host}:${webPort}/webhooks/stripe`,
  secret: demoStripe.webhookSecret,
});
// Stripe and the KYC vendor retry a failed webhook for hours or days; here within half a minute,
// and each failure is said on stderr.
const retryDelaysMs = [1_000, 2_000, 4_000, 8_000, 15_000];
const warn = (msg: string, fields: Record<string, unknown>) =>
  console.error(JSON.stringify({ level: "warn", service: "standins", msg, ...fields }));
stripe.retryDelaysMs = retryDelaysMs;
stripe.onDeliveryFailed = (r, attempt) =>
  warn("stripe webhook delivery failed", {
    event: r.type,
    eventId: r.eventId,
    attempt,
    status: r.status,
    error: r.error ?? r.responseBody.slice(0, 300),
  });
await stripe.listen(stripePort);

const kyc = new KycStandIn();
kyc.addAccount({
  ...demoKyc,
  webhookUrl: `http://${host}:${webPort}/webhooks/kyc`,
  name: demoStripe.accountName,
  levels: [demoKyc.levelName],
});
// In the demo a person's documents are approved as soon as they submit them (the browser tests
// switch this off to decide themselves).
kyc.autoReview = process.env.KYC_STANDIN_AUTO_REVIEW === "manual" ? "manual" : { answer: "GREEN" };
kyc.retryDelaysMs = retryDelaysMs;
kyc.onCallbackFailed = (r, attempt) =>
  warn("kyc callback failed", {
    type: r.type,
    applicantId: r.applicantId,
    attempt,
    status: r.status,
    error: r.responseBody.slice(0, 300),
  });
await kyc.listen(kycPort);

// The demo firm's crypto custody provider (payouts in USDT/USDC).
const crypto = new CryptoRailStandIn();
if (process.env.CRYPTO_STANDIN_PORT) {
  crypto.addApiKey(payoutDemo.cryptoApiKey);
  await crypto.listen(Number(process.env.CRYPTO_STANDIN_PORT));
}

console.log(
  JSON.stringify({
    level: "info",
    service: "standins",
    stripe: stripe.url,
    kyc: kyc.url,
    crypto: process.env.CRYPTO_STANDIN_PORT ? crypto.url : null,
    webhooks: `http://${host}:${webPort}`,
  }),
);

const stop = async () => {
  await Promise.allSettled([stripe.close(), kyc.close(), crypto.close()]);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
