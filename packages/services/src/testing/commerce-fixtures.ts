import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dataLayer, outbox } from "@propdesk/db";
import { isAppError } from "@propdesk/domain";
import { createAddon, createCoupon, createProduct } from "../catalogue/catalogue-admin";
import { setSharedScreener } from "../compliance/sanctions-screening";
import { deskForHost } from "../desks/desk-context";
import { jobRegistry } from "../jobs/registry";
import { receiveKycCallback } from "../kyc/kyc-callbacks";
import { connectKyc } from "../kyc/kyc-connection";
import { setKycApiBase } from "../kyc/kyc-provider";
import { createLogger } from "../logging/logger";
import { setStripeApiBase } from "../payments/stripe/stripe-client";
import { connectStripe } from "../payments/stripe/stripe-connection";
import { receiveStripeWebhook } from "../payments/stripe/stripe-webhook";
import { runWithRequestContext } from "../request/request-context";
import { SanctionsScreener } from "../sanctions/sanctions-screener";
import type { TenantFixture } from "./fixtures";
import { signIn } from "./fixtures";
import { KycStandIn } from "./kyc-standin";
import { StripeStandIn } from "./stripe-standin";

const log = createLogger("test", "silent");

/**
 * Runs the tenant's committed, due outbox jobs in this process, oldest first, until none is left
 * (jobs may queue more): what the relay and a worker would do, without Redis in between. Only the
 * named jobs run (default: every registered job); the others stay pending.
 */
export async function drainJobs(
  tenantId: string,
  opts: { only?: readonly string[]; maxRounds?: number } = {},
): Promise<Array<{ name: string; payload: unknown }>> {
  const ran: Array<{ name: string; payload: unknown }> = [];
  for (let round = 0; round < (opts.maxRounds ?? 20); round++) {
    const rows = await dataLayer().withPlatform(async (db) => {
      const pending = await db.outboxEvent.findMany({
        where: {
          tenantId,
          dispatchedAt: null,
          availableAt: { lte: new Date() },
          ...(opts.only ? { jobName: { in: [...opts.only] } } : {}),
        },
        orderBy: { createdAt: "asc" },
      });
      await outbox.markOutboxDispatched(
        db,
        pending.map((r) => ({ tenant_id: r.tenantId, id: r.id })),
      );
      return pending;
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const def = jobRegistry.get(row.jobName);
      if (!def) throw new Error(`drainJobs: unknown job ${row.jobName}`);
      const data = def.schema.parse((row.payload as { data: unknown }).data);
      const { default: handler } = await def.handler();
      await runWithRequestContext({ origin: "test", requestId: randomUUID() }, () =>
        handler(data, { jobId: row.id, tenantId, attempt: 1, log }),
      );
      ran.push({ name: row.jobName, payload: data });
    }
  }
  return ran;
}

let screener: Promise<SanctionsScreener> | undefined;

/** The real lists from the shared data folder, loaded once per test worker. */
export function testScreener(): Promise<SanctionsScreener> {
  screener ??= SanctionsScreener.load();
  return screener;
}

// --- a firm selling challenges through the stand-ins ------------------------------------------

export interface CommerceHarness {
  stripe: StripeStandIn;
  kyc: KycStandIn;
  /** Where the stand-ins deliver: calls the real receive use cases with the raw bytes. */
  receiverUrl: string;
  webhookSecret: string;
  close(): Promise<void>;
}

/**
 * Starts a Stripe and a KYC stand-in and a receiver that hands their signed deliveries to
 * `receiveStripeWebhook` / `receiveKycCallback` (answering 200, or the error's status), and
 * connects the fixture firm to both.
 */
export async function commerceHarness(t: TenantFixture): Promise<CommerceHarness> {
  setSharedScreener(await testScreener());
  const stripe = await new StripeStandIn().listen();
  const kycStandIn = await new KycStandIn().listen();
  setStripeApiBase(stripe.url);
  setKycApiBase(kycStandIn.url);
  const desk = await deskForHost(t.hostname);
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const work =
        req.url === "/stripe"
          ? receiveStripeWebhook(desk, raw, (req.headers["stripe-signature"] as string | undefined) ?? null)
          : receiveKycCallback(desk, raw, {
              digest: (req.headers["x-payload-digest"] as string | undefined) ?? null,
              algorithm: (req.headers["x-payload-digest-alg"] as string | undefined) ?? null,
            });
      work.then(
        (r) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(r));
        },
        (e: unknown) => {
          res.writeHead(isAppError(e) ? e.status : 500);
          res.end((e as Error).message);
        },
      );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const secretKey = `sk_test_${randomUUID().replaceAll("-", "")}`;
  const account = stripe.addAccount({ secretKey, name: `Firm ${t.slug}` });
  const endpoint = stripe.addWebhookEndpoint(account, { url: `${receiverUrl}/stripe` });
  const owner = await signIn(t, t.owner.email);
  await connectStripe(owner.principal, { secretKey, webhookSecret: endpoint.secret });
  const appToken = `sbx:${randomUUID().replaceAll("-", "")}`;
  const kycSecret = randomUUID().replaceAll("-", "");
  const kycWebhookSecret = randomUUID().replaceAll("-", "");
  kycStandIn.addAccount({
    appToken,
    secretKey: kycSecret,
    webhookSecret: kycWebhookSecret,
    webhookUrl: `${receiverUrl}/kyc`,
    name: `Firm ${t.slug}`,
  });
  await connectKyc(owner.principal, {
    appToken,
    secretKey: kycSecret,
    webhookSecret: kycWebhookSecret,
    levelName: "basic-kyc-level",
  });
  return {
    stripe,
    kyc: kycStandIn,
    receiverUrl,
    webhookSecret: endpoint.secret,
    async close() {
      await stripe.close();
      await kycStandIn.close();
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
      setStripeApiBase(null);
      setKycApiBase(null);
      setSharedScreener(undefined);
    },
  };
}

/** A product on the fixture desk, an add-on raising the split and a coupon, created by the owner. */
export async function catalogueFixture(
  t: TenantFixture,
  programId: string,
  opts: { price?: string; coupon?: Record<string, unknown> } = {},
) {
  const owner = await signIn(t, t.owner.email);
  const product = await createProduct(owner.principal, {
    deskId: t.deskId,
    programId,
    name: "Two-Step 100K",
    price: opts.price ?? "549.00",
    currency: "USD",
  });
  const addon = await createAddon(owner.principal, {
    deskId: t.deskId,
    code: `split-${randomUUID().slice(0, 4)}`,
    name: "90% profit split",
    kind: "profit_split",
    traderPct: "90",
    pricePct: "20",
  });
  const coupon = await createCoupon(owner.principal, {
    deskId: t.deskId,
    code: `WELCOME${randomUUID().slice(0, 4).toUpperCase()}`,
    discountType: "percent",
    percentOff: "10",
    ...opts.coupon,
  });
  return { product, addon, coupon, owner };
}
