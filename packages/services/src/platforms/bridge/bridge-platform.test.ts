import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectorStandIn, startConnectorStandIn } from "../../testing/connector-standin";
import { BridgePlatform } from "./bridge-platform";
import { newSigningSecret } from "./bridge-signature";

/** The outbound half of the bridge against a local connector stand-in that checks every signature. */
const secret = newSigningSecret();
let connector: ConnectorStandIn;
let platform: BridgePlatform;

beforeAll(async () => {
  connector = await startConnectorStandIn(() => secret);
  platform = new BridgePlatform(
    async () => ({ webhookUrl: connector.url, secret, timeoutMs: 300, maxAttempts: 3 }),
    {
      backoffMs: 10,
    },
  );
});
afterAll(() => connector.close());

describe("BridgePlatform", () => {
  it("sends signed actions with their idempotency key and reads the connector's answers", async () => {
    const opened = await platform.provisionAccount({
      idempotencyKey: "provision:acc-1",
      reference: "acc-1",
      currency: "USD",
      balance: 5_000_000n,
      label: "Test account",
    });
    expect(opened.platformAccountId).toMatch(/^MT5-/);
    await platform.setTradingEnabled(opened.platformAccountId, false, {
      idempotencyKey: "k-off",
      reason: "breach",
    });
    const closed = await platform.closeAllPositions(opened.platformAccountId, {
      idempotencyKey: "k-close",
      reason: "breach",
    });
    expect(closed).toEqual({ closed: 1, realizedProfit: -10_000n });
    const snap = await platform.getAccountSnapshot(opened.platformAccountId);
    expect(snap).toMatchObject({
      balance: 5_000_000n,
      equity: 5_000_000n,
      currency: "USD",
      tradingEnabled: true,
    });
    const sent = connector.actions.slice(-4);
    expect(sent.map((a) => [a.action, a.idempotencyKey, a.signatureOk])).toEqual([
      ["provision_account", "provision:acc-1", true],
      ["set_trading_enabled", "k-off", true],
      ["close_all_positions", "k-close", true],
      ["get_account_snapshot", undefined, true],
    ]);
    expect(connector.actions.find((a) => a.action === "provision_account")).toMatchObject({
      balance: "50000.00",
    });
  });

  it("retries a failing connector with the same key, and gives up with a clear error", async () => {
    connector.failNext(2, 503);
    await platform.setTradingEnabled("MT5-1", true, { idempotencyKey: "k-retry", reason: "override" });
    const tries = connector.actions.filter((a) => a.idempotencyKey === "k-retry");
    expect(tries.map((a) => a.attempt)).toEqual([1, 2, 3]);

    connector.failNext(3, 500);
    await expect(
      platform.setTradingEnabled("MT5-1", false, { idempotencyKey: "k-down", reason: "breach" }),
    ).rejects.toMatchObject({
      code: "EXTERNAL_FAILURE",
      message: expect.stringContaining("after 3 attempts (HTTP 500"),
    });

    connector.delay(600);
    await expect(
      platform.setTradingEnabled("MT5-1", false, { idempotencyKey: "k-slow", reason: "breach" }),
    ).rejects.toMatchObject({
      code: "EXTERNAL_FAILURE",
      message: expect.stringContaining("timed out after 300 ms"),
    });
    connector.delay(0);
  });

  it("does not retry a refusal", async () => {
    connector.failNext(1, 404);
    await expect(
      platform.closeAllPositions("MT5-404", { idempotencyKey: "k-404", reason: "breach" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(connector.actions.filter((a) => a.idempotencyKey === "k-404")).toHaveLength(1);
  });
});
