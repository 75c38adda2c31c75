/**
 * The demo firm's payout side (constants only, shared by the demo seed, the local stand-ins and
 * the browser tests): its funded trader, the wallet on that trader's list, and the key of the
 * local crypto custody stand-in (`CRYPTO_STANDIN_PORT`).
 */
export const payoutDemo = {
  trader: { email: "funded@atlas.localhost", name: "Frank Funded" },
  wallet: { chain: "tron", asset: "USDT", address: "TDemoFundedWa11etAddressXyz1234567" },
  cryptoApiKey: "ck_test_propdeskdemo_payouts_0001",
  programSlug: "express-funded-25k",
} as const;

/** Where the demo firm's crypto custody provider (the local stand-in) listens. */
export function demoCryptoUrl(): string {
  const port = Number(process.env.CRYPTO_STANDIN_PORT ?? Number(process.env.PORT ?? 3000) + 12);
  return `http://127.0.0.1:${port}`;
}
