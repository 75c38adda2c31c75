import { AppError } from "@propdesk/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CryptoRailStandIn } from "../../testing/crypto-rail-standin";
import { addressPatterns, CryptoRail } from "./crypto-rail";
import type { RailPayment } from "./payout-rail";

const standIn = new CryptoRailStandIn();
let rail: CryptoRail;
const address = `T${"D".repeat(32)}1`;

const payment = (over: Partial<RailPayment> = {}): RailPayment => ({
  idempotencyKey: "payout:p1:attempt:1",
  payoutId: "p1",
  payoutReference: "PO-1",
  attempt: 1,
  amount: 123_456n,
  currency: "USD",
  destination: { id: "d1", rail: "crypto", stripeAccountId: null, chain: "tron", asset: "USDT", address },
  description: "Payout PO-1",
  ...over,
});

beforeAll(async () => {
  await standIn.listen();
  rail = new CryptoRail({ endpointUrl: standIn.url, apiKey: standIn.addApiKey(), timeoutMs: 2000 });
});
afterAll(() => standIn.close());

describe("the crypto rail over a custody provider's withdrawal API", () => {
  it("pays once per key: a repeated call returns the first result, the amount as a decimal of USD", async () => {
    const first = await rail.send(payment());
    expect(first).toMatchObject({ status: "paid", chain: "tron", address });
    if (first.status !== "paid") throw new Error("not paid");
    expect(first.txHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await rail.send(payment())).toEqual(first);
    expect(standIn.createdPerReference.get("payout:p1:attempt:1")).toBe(1);
    expect(standIn.list()[0]).toMatchObject({
      amount: "1234.56",
      asset: "USDT",
      reference: "payout:p1:attempt:1",
    });
  });

  it("two sends of one key at the same time (a job run again while the first still runs) pay once", async () => {
    standIn.latencyMs = 50;
    try {
      const key = "payout:p9:attempt:1";
      const [a, b] = await Promise.all([
        rail.send(payment({ idempotencyKey: key })),
        rail.send(payment({ idempotencyKey: key })),
      ]);
      expect(a).toMatchObject({ status: "paid" });
      expect(b).toEqual(a);
      expect(standIn.createdPerReference.get(key)).toBe(1);
    } finally {
      standIn.latencyMs = 0;
    }
  });

  it("a refused withdrawal fails the attempt with the provider's reason; a blocked address too", async () => {
    expect(
      await rail.send(
        payment({ idempotencyKey: "k2", destination: { ...payment().destination, address: "nope" } }),
      ),
    ).toMatchObject({
      status: "failed",
      reason: 'The custody provider refused the withdrawal: "nope" is not a valid tron address.',
    });
    standIn.failAddresses.add(`T${"E".repeat(32)}1`);
    expect(
      await rail.send(
        payment({
          idempotencyKey: "k3",
          destination: { ...payment().destination, address: `T${"E".repeat(32)}1` },
        }),
      ),
    ).toMatchObject({ status: "failed", reason: /blocked by the provider's screening/ });
    expect(await rail.send(payment({ idempotencyKey: "k4", currency: "EUR" }))).toMatchObject({
      status: "failed",
      reason: "Crypto payouts are paid in USD stablecoins; this payout is in EUR.",
    });
  });

  it("a temporary failure is an EXTERNAL_FAILURE the caller retries with the same key", async () => {
    standIn.transientFailures = 1;
    const err = await rail.send(payment({ idempotencyKey: "k5" })).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("EXTERNAL_FAILURE");
    expect(await rail.send(payment({ idempotencyKey: "k5" }))).toMatchObject({ status: "paid" });
    expect(standIn.createdPerReference.get("payout:p1:attempt:1")).toBe(1);
    const down = new CryptoRail({ endpointUrl: "http://127.0.0.1:9", apiKey: "x", timeoutMs: 500 });
    expect((await down.send(payment()).catch((e) => e)).code).toBe("EXTERNAL_FAILURE");
  });

  it("a pending withdrawal is checked later until it confirms; withdrawals are listed by period", async () => {
    const pendingAddress = `T${"F".repeat(32)}1`;
    standIn.pendingAddresses.add(pendingAddress);
    const sent = await rail.send(
      payment({ idempotencyKey: "k6", destination: { ...payment().destination, address: pendingAddress } }),
    );
    expect(sent).toMatchObject({ status: "pending" });
    expect(await rail.check(sent.railReference!)).toMatchObject({ status: "pending" });
    standIn.confirm(sent.railReference!);
    expect(await rail.check(sent.railReference!)).toMatchObject({ status: "paid" });
    const listed = await rail.listWithdrawals({
      from: new Date(Date.now() - 60_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(listed.map((w) => w.reference)).toContain("k6");
  });

  it("knows each network's address format", () => {
    expect(addressPatterns.ethereum.test(`0x${"a".repeat(40)}`)).toBe(true);
    expect(addressPatterns.tron.test(`T${"1".repeat(33)}`)).toBe(true);
    expect(addressPatterns.tron.test(`T${"0".repeat(33)}`)).toBe(false);
    expect(addressPatterns.solana.test("4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T")).toBe(true);
  });
});
