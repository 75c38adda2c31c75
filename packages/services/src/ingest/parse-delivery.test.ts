import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { platformUpdateSchema } from "../platforms/platform-update";
import { deliveryFormat, parseDelivery } from "./parse-delivery";

const good = {
  type: "account",
  account: "MT5-1",
  seq: 3,
  t: "2026-01-05T09:00:00.000Z",
  balance: "100000.00",
  equity: "99950.25",
  openPositions: 1,
};

describe("parseDelivery", () => {
  it("reads a JSON array and NDJSON alike, reporting each bad item by index and field", () => {
    const items = [good, { ...good, seq: -1 }, { ...good, extra: 1 }, { ...good, type: "trade_opened" }];
    const json = parseDelivery(JSON.stringify(items), "json");
    const ndjson = parseDelivery(items.map((i) => JSON.stringify(i)).join("\n"), "ndjson");
    expect(ndjson).toEqual(json);
    expect(json.items).toBe(4);
    expect(json.valid.map((v) => v.index)).toEqual([0]);
    expect(json.rejected.map((r) => r.message)).toEqual([
      "1.seq: seq must not be negative",
      "2.extra: unknown field",
      expect.stringMatching(/^3\.tradeId: /),
    ]);
  });

  it("reports a line that is not JSON and keeps the others", () => {
    const r = parseDelivery(
      `${JSON.stringify(good)}\n{oops\n\n${JSON.stringify({ ...good, seq: 4 })}\n`,
      "ndjson",
    );
    expect(r.items).toBe(3);
    expect(r.valid.map((v) => v.index)).toEqual([0, 2]);
    expect(r.rejected).toMatchObject([
      { index: 1, code: "VALIDATION", message: expect.stringMatching(/^1: not valid JSON/) },
    ]);
  });

  it("refuses an empty, non-array or over-long delivery as a whole", () => {
    expect(() => parseDelivery("[]", "json")).toThrow("The delivery has no updates.");
    expect(() => parseDelivery('{"a":1}', "json")).toThrow(/must be a JSON array/);
    expect(() => parseDelivery(JSON.stringify(Array(5001).fill(good)), "json")).toThrow(/at most 5000/);
    expect(() => deliveryFormat("text/plain")).toThrow(/application\/json/);
    expect(deliveryFormat("application/json; charset=utf-8")).toBe("json");
    expect(deliveryFormat("application/x-ndjson")).toBe("ndjson");
  });

  it("accepts without the schema only what the schema accepts too", () => {
    const arb = fc.record({
      type: fc.constantFrom("account", "acount"),
      account: fc.oneof(fc.string({ maxLength: 70 }), fc.constant("MT5-1")),
      seq: fc.oneof(fc.integer({ min: -2, max: 10 }), fc.double(), fc.constant("3")),
      t: fc.oneof(
        fc.constant("2026-01-05T09:00:00Z"),
        fc.constant("2026-01-05T09:00:00.123456789+02:00"),
        fc.constant("2026-13-45T09:00:00Z"),
        fc.constant("2026-01-05 09:00:00"),
        fc.string(),
      ),
      balance: fc.oneof(
        fc.constant("100.00"),
        fc.constant("-5"),
        fc.constant("1e3"),
        fc.constant("1.123456789"),
        fc.string(),
      ),
      equity: fc.oneof(fc.constant("100.00"), fc.constant(".5"), fc.string()),
      openPositions: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1.5)),
    });
    fc.assert(
      fc.property(arb, (u) => {
        const fast = parseDelivery(JSON.stringify([u]), "json").valid.length === 1;
        const schema = platformUpdateSchema.safeParse(u).success;
        return fast === schema;
      }),
      { numRuns: 2000 },
    );
  });
});
