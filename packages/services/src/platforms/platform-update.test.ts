import { AppError } from "@propdesk/domain";
import { describe, expect, it } from "vitest";
import { parsePlatformUpdate, parsePlatformUpdates } from "./platform-update";

const account = {
  type: "account",
  account: "SIM-1",
  seq: 7,
  t: "2026-01-05T10:00:00.000Z",
  balance: "100000.00",
  equity: "99875.35",
  openPositions: 1,
};
const opened = {
  type: "trade_opened",
  account: "SIM-1",
  seq: 8,
  t: "2026-01-05T10:01:00+02:00",
  tradeId: "1000001",
  symbol: "XAUUSD",
  side: "buy",
  lots: "0.10",
  price: "4381.61",
  stopLoss: "4371.00",
  takeProfit: null,
};
const closed = {
  type: "trade_closed",
  account: "SIM-1",
  seq: 9,
  t: "2026-01-05T10:02:00Z",
  tradeId: "1000001",
  symbol: "XAUUSD",
  side: "buy",
  lots: "0.10",
  price: "4371.00",
  profit: "-106.80",
};
const adjustment = {
  type: "balance_adjustment",
  account: "SIM-1",
  seq: 10,
  t: "2026-01-05T10:03:00.000Z",
  adjustmentId: "ADJ-1",
  amount: "-2500.00",
  reason: "payout 42",
};

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    return (e as AppError).issues;
  }
  throw new Error("expected a validation error");
}

describe("platform update wire format", () => {
  it.each([
    ["account", account],
    ["trade_opened with a stop and no target", opened],
    ["trade_opened without stop/target fields", { ...opened, stopLoss: undefined, takeProfit: undefined }],
    ["trade_closed with a loss", closed],
    ["balance_adjustment withdrawal", adjustment],
    ["zero and negative money", { ...account, balance: "0.00", equity: "-12.50" }],
  ])("accepts %s", (_label, update) => {
    expect(parsePlatformUpdate(update)).toEqual(JSON.parse(JSON.stringify(update)));
  });

  it.each<[string, object, string, RegExp]>([
    ["unknown type", { ...account, type: "deposit" }, "type", /one of "account"/],
    ["missing seq", { ...account, seq: undefined }, "seq", /integer/],
    ["fractional seq", { ...account, seq: 1.5 }, "seq", /integer/],
    ["negative seq", { ...account, seq: -1 }, "seq", /negative/],
    ["seq as a string", { ...account, seq: "7" }, "seq", /integer/],
    ["time without zone", { ...account, t: "2026-01-05T10:00:00" }, "t", /ISO 8601/],
    ["time as a date only", { ...account, t: "2026-01-05" }, "t", /ISO 8601/],
    ["balance as a JSON number", { ...account, balance: 100000 }, "balance", /decimal string/],
    [
      "balance with a thousands separator",
      { ...account, balance: "100,000.00" },
      "balance",
      /decimal string/,
    ],
    ["equity in exponent form", { ...account, equity: "1e5" }, "equity", /decimal string/],
    ["negative open positions", { ...account, openPositions: -1 }, "openPositions", /negative/],
    ["empty account id", { ...account, account: "" }, "account", /empty/],
    ["side long", { ...opened, side: "long" }, "side", /"buy" or "sell"/],
    ["zero lots", { ...opened, lots: "0.00" }, "lots", /greater than zero/],
    ["negative price", { ...opened, price: "-1.1" }, "price", /positive decimal/],
    ["stop-loss not a number", { ...opened, stopLoss: "n/a" }, "stopLoss", /positive decimal/],
    ["symbol with a space", { ...opened, symbol: "XAU USD" }, "symbol", /letters, digits/],
    ["closed trade without profit", { ...closed, profit: undefined }, "profit", /decimal string/],
    ["zero adjustment", { ...adjustment, amount: "0.00" }, "amount", /not be zero/],
    ["an unknown field", { ...account, margin: "1.00" }, "margin", /unknown field/],
  ])("rejects %s at path %s", (_label, update, path, message) => {
    const issues = issuesOf(() => parsePlatformUpdate(update));
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)!.message).toMatch(message);
  });

  it("names the index of the bad update in a delivery", () => {
    const issues = issuesOf(() =>
      parsePlatformUpdates([account, opened, closed, { ...adjustment, t: "soon" }]),
    );
    expect(issues).toEqual([{ path: "3.t", message: expect.stringMatching(/ISO 8601/) }]);
  });

  it("refuses a delivery that is not an array or is too large", () => {
    expect(issuesOf(() => parsePlatformUpdates({ updates: [] }))[0]!.message).toMatch(/array/);
    const many = Array.from({ length: 5_001 }, (_, i) => ({ ...account, seq: i }));
    expect(issuesOf(() => parsePlatformUpdates(many))[0]!.message).toMatch(/at most 5000/);
  });
});
