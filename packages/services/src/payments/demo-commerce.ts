import { catalogue, commerceSettings, desks, programs, type TenantDb } from "@propdesk/db";
import { parseMoney } from "@propdesk/domain";
import type { ProgramInput } from "@propdesk/domain/programs";
import { encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";

/**
 * The demo firm's commerce: its Stripe and KYC accounts are the local stand-ins (started by
 * `npm start` and the browser tests when STRIPE_STANDIN_PORT / KYC_STANDIN_PORT are set), every
 * demo program is on sale, with two add-ons and a welcome code. Atlas requires KYC at purchase,
 * Nova before the first payout. These keys exist only in the demo.
 */
export const demoStripe = {
  accountId: "acct_1PropDeskDemoAtlas",
  accountName: "Atlas Trading Group",
  secretKey: "sk_test_propdeskdemoatlas000000000000",
  webhookSecret: "whsec_propdeskdemoatlas00000000000000",
} as const;

export const demoKyc = {
  appToken: "sbx:propdesk-demo-atlas-app-token",
  secretKey: "propdesk-demo-atlas-kyc-secret-key",
  webhookSecret: "propdesk-demo-atlas-kyc-webhook-secret",
  levelName: "basic-kyc-level",
} as const;

export const demoCoupon = "WELCOME10";

const prices: Record<string, string> = {
  "two-step-100k": "549.00",
  "one-step-50k": "299.00",
  "futures-combine-50k": "165.00",
  "instant-25k": "399.00",
};

const last4 = (s: string) => `…${s.slice(-4)}`;

/** Called by the demo seed inside the demo tenant's unit of work. */
export async function seedCommerceDemo(db: TenantDb): Promise<void> {
  const key = env().ENCRYPTION_KEY;
  await commerceSettings.createConnection(db, {
    kind: "payments",
    provider: "stripe",
    mode: "test",
    externalAccountId: demoStripe.accountId,
    label: demoStripe.accountName,
    secretsSealed: encryptSecret(
      JSON.stringify({ secretKey: demoStripe.secretKey, webhookSecret: demoStripe.webhookSecret }),
      key,
    ),
    secretHints: { secretKey: last4(demoStripe.secretKey), webhookSecret: last4(demoStripe.webhookSecret) },
    settings: {},
    connectedByLabel: "demo seed",
  });
  await commerceSettings.createConnection(db, {
    kind: "kyc",
    provider: "sumsub",
    mode: "test",
    externalAccountId: null,
    label: demoKyc.levelName,
    secretsSealed: encryptSecret(JSON.stringify(demoKyc), key),
    secretHints: {
      appToken: last4(demoKyc.appToken),
      secretKey: last4(demoKyc.secretKey),
      webhookSecret: last4(demoKyc.webhookSecret),
    },
    settings: { levelName: demoKyc.levelName },
    connectedByLabel: "demo seed",
  });
  for (const desk of await desks.listDesks(db)) {
    await commerceSettings.upsertDeskCommerceSettings(db, desk.id, {
      kycRequiredAt: desk.slug === "atlas" ? "purchase" : "before_first_payout",
      kycMaxAgeDays: 365,
      updatedByLabel: "demo seed",
    });
    for (const program of await programs.listPrograms(db, [desk.id])) {
      const version = program.versions[0];
      const price = prices[program.slug];
      if (!version || !price) continue;
      const def = version.definition as ProgramInput;
      await catalogue.createProduct(db, {
        deskId: desk.id,
        programId: program.id,
        programVersionId: version.id,
        name: program.name,
        description: program.description,
        accountSize: parseMoney(def.initialBalance, def.currency),
        accountCurrency: def.currency,
        price: parseMoney(price, "USD"),
        currency: "USD",
        sortOrder: 0,
      });
    }
    await catalogue.createAddon(db, {
      deskId: desk.id,
      code: "split-90",
      name: "90% profit split",
      description: "Profit split raised to 90% for you",
      kind: "profit_split",
      params: { traderPct: 90 },
      pricePct: "20",
      sortOrder: 1,
    });
    await catalogue.createAddon(db, {
      deskId: desk.id,
      code: "no-time-limit",
      name: "No time limit",
      description: "No time limit on evaluation phases",
      kind: "no_time_limit",
      params: {},
      pricePct: "10",
      sortOrder: 2,
    });
    await catalogue.createCoupon(db, {
      deskId: desk.id,
      code: demoCoupon,
      description: "10% off a first challenge",
      percentOff: "10",
      amountOff: null,
      currency: null,
      validFrom: null,
      validUntil: null,
      maxRedemptions: 1000,
      maxPerTrader: 1,
      firstPurchaseOnly: false,
      appliesToResets: false,
      productIds: [],
      createdByLabel: "demo seed",
    });
  }
}
