import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectorStandIn, startConnectorStandIn } from "../../testing/connector-standin";
import { BridgePlatform, refreshAheadCache } from "./bridge-platform";
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

describe("refreshAheadCache (the connector settings behind every action)", () => {
  /** A loader whose reads the test finishes by hand, and a clock it moves. */
  function setup() {
    let clock = 0;
    const reads: Array<{ key: string; finish: (v: string) => void; fail: (e: Error) => void }> = [];
    const cache = refreshAheadCache(
      (key) =>
        new Promise<string>((finish, fail) => {
          reads.push({ key, finish, fail });
        }),
      { maxAgeMs: 5_000, refreshAfterMs: 2_500, now: () => clock },
    );
    return { cache, reads, at: (ms: number) => (clock = ms) };
  }
  /** A cache holding "v1" for t1, read at 0. */
  async function loaded() {
    const s = setup();
    const first = s.cache.get("t1");
    s.reads[0]!.finish("v1");
    await first;
    return s;
  }
  const settled = () => new Promise((r) => setTimeout(r, 0));

  it("reads once for concurrent callers, then answers from the cache while the value is young", async () => {
    const { cache, reads, at } = setup();
    const a = cache.get("t1");
    const b = cache.get("t1");
    expect(reads).toHaveLength(1);
    reads[0]!.finish("v1");
    expect(await a).toBe("v1");
    expect(await b).toBe("v1");
    at(2_499);
    expect(await cache.get("t1")).toBe("v1");
    expect(reads).toHaveLength(1);
  });

  it("past refreshAfterMs answers at once with the cached value and reads again in the background", async () => {
    const { cache, reads, at } = await loaded();
    at(3_000);
    // The background read has not finished: the caller does not wait for it.
    expect(await cache.get("t1")).toBe("v1");
    expect(await cache.get("t1")).toBe("v1");
    expect(reads).toHaveLength(2);
    reads[1]!.finish("v2");
    await settled();
    expect(await cache.get("t1")).toBe("v2");
    // The new value's age counts from when its read began (3,000): young until 5,500.
    at(5_400);
    expect(await cache.get("t1")).toBe("v2");
    expect(reads).toHaveLength(2);
  });

  it("never returns a value maxAgeMs old or older: the caller waits for a fresh read", async () => {
    const { cache, reads, at } = await loaded();
    at(5_000);
    let answered: string | undefined;
    const next = cache.get("t1").then((v) => (answered = v));
    await settled();
    expect(answered).toBeUndefined();
    reads[1]!.finish("v2");
    await next;
    expect(answered).toBe("v2");
  });

  it("a failed read is not cached: its callers get the error, the next caller reads again", async () => {
    const { cache, reads, at } = await loaded();
    at(3_000);
    expect(await cache.get("t1")).toBe("v1");
    // The background read fails (the settings were removed): the old value is dropped with it.
    reads[1]!.fail(new Error("no bridge configured"));
    await settled();
    const again = cache.get("t1");
    expect(reads).toHaveLength(3);
    reads[2]!.fail(new Error("no bridge configured"));
    await expect(again).rejects.toThrow("no bridge configured");
  });

  it("a value read before forget() is not stored; keys are independent", async () => {
    const { cache, reads } = setup();
    const stale = cache.get("t1");
    const other = cache.get("t2");
    cache.forget("t1");
    reads[0]!.finish("before the change");
    reads[1]!.finish("t2 value");
    expect(await stale).toBe("before the change");
    expect(await other).toBe("t2 value");
    const fresh = cache.get("t1");
    expect(reads.map((r) => r.key)).toEqual(["t1", "t2", "t1"]);
    reads[2]!.finish("after the change");
    expect(await fresh).toBe("after the change");
    expect(await cache.get("t1")).toBe("after the change");
    expect(await cache.get("t2")).toBe("t2 value");
  });
});
