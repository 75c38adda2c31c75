import { AppError } from "@propdesk/domain";
import { describe, expect, it } from "vitest";
import { parseScaled } from "../decimal-strings";
import { parsePlatformUpdates } from "../platform-update";
import type { TradingPlatform } from "../trading-platform";
import { SimulatorPlatform } from "./simulator-platform";
import { defaultStyleMix, TIME, traderStyles } from "./trader-styles";

const start = Date.UTC(2026, 0, 5);
const base = { currency: "USD", balance: 10_000_000n, label: "Acme 100K" };

async function codeOf(p: Promise<unknown>): Promise<{ code: string; paths: string[] }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return { code: (e as AppError).code, paths: (e as AppError).issues.map((i) => i.path) };
  }
  throw new Error("expected the call to fail");
}

describe("SimulatorPlatform", () => {
  it("implements the adapter interface", () => {
    const platform: TradingPlatform = SimulatorPlatform.create({ seed: 1, startTime: start });
    expect(platform.name).toBe("simulator");
  });

  it("provisions an account with its balance, announced by an account update", async () => {
    const p = SimulatorPlatform.create({ seed: 1, startTime: start });
    const acc = await p.provisionAccount({ ...base, idempotencyKey: "k1", reference: "ta-1" });
    expect(acc).toEqual({ platformAccountId: "SIM-1", login: "7000001" });
    const snap = await p.getAccountSnapshot("SIM-1");
    expect(snap).toEqual({
      balance: 10_000_000n,
      equity: 10_000_000n,
      openPositions: 0,
      tradingEnabled: true,
      currency: "USD",
      at: new Date(start),
    });
    expect(p.advanceTo(start)).toEqual([
      {
        type: "account",
        account: "SIM-1",
        seq: 1,
        t: "2026-01-05T00:00:00.000Z",
        balance: "100000.00",
        equity: "100000.00",
        openPositions: 0,
      },
    ]);
  });

  it("provisioning is idempotent by key; a reused key with other input or a second key for the reference fail", async () => {
    const p = SimulatorPlatform.create({ seed: 1, startTime: start });
    const first = await p.provisionAccount({ ...base, idempotencyKey: "k1", reference: "ta-1" });
    expect(await p.provisionAccount({ ...base, idempotencyKey: "k1", reference: "ta-1" })).toEqual(first);
    expect(p.simulation.accountCount).toBe(1);
    expect(
      await codeOf(p.provisionAccount({ ...base, balance: 1n, idempotencyKey: "k1", reference: "ta-1" })),
    ).toEqual({
      code: "IDEMPOTENCY_MISMATCH",
      paths: ["idempotencyKey"],
    });
    expect(await codeOf(p.provisionAccount({ ...base, idempotencyKey: "k2", reference: "ta-1" }))).toEqual({
      code: "CONFLICT",
      paths: ["reference"],
    });
    // A refused call is not remembered: the key stays usable.
    expect(
      (await p.provisionAccount({ ...base, idempotencyKey: "k2", reference: "ta-2" })).platformAccountId,
    ).toBe("SIM-2");
  });

  it.each([
    ["empty reference", { reference: "" }, ["reference"]],
    ["non-USD currency", { currency: "EUR" }, ["currency"]],
    ["zero balance", { balance: 0n }, ["balance"]],
    ["negative balance and no label", { balance: -5n, label: "" }, ["label", "balance"]],
    ["unknown style", { style: "yolo" }, ["style"]],
  ])("refuses to provision with %s", async (_l, patch, paths) => {
    const p = SimulatorPlatform.create({ seed: 1, startTime: start });
    const input = { ...base, idempotencyKey: "k", reference: "ta-1", ...patch } as Parameters<
      SimulatorPlatform["provisionAccount"]
    >[0];
    expect(await codeOf(p.provisionAccount(input))).toEqual({ code: "VALIDATION", paths });
  });

  it("draws each account's style from the seed and account id, in the proportions of the mix", () => {
    const a = SimulatorPlatform.create({ seed: 1, startTime: start });
    const b = SimulatorPlatform.create({ seed: 1, startTime: start });
    const c = SimulatorPlatform.create({ seed: 2, startTime: start });
    const refs = Array.from({ length: 4_000 }, (_, i) => `SIM-${i + 1}`);
    expect(refs.map((r) => a.styleFor(r))).toEqual(refs.map((r) => b.styleFor(r)));
    expect(refs.filter((r) => a.styleFor(r).style !== c.styleFor(r).style).length).toBeGreaterThan(1_000);
    for (const style of traderStyles) {
      const share = refs.filter((r) => a.styleFor(r).style === style).length / refs.length;
      expect(Math.abs(share - defaultStyleMix[style])).toBeLessThan(0.03);
    }
    const onlySwing = SimulatorPlatform.create({
      seed: 1,
      startTime: start,
      styleMix: { scalper: 0, martingale: 0, reckless: 0, disciplined: 0 },
    });
    expect(new Set(refs.slice(0, 200).map((r) => onlySwing.styleFor(r).style))).toEqual(new Set(["swing"]));
  });

  it("gives the same traders for the same seed and calls, whatever references the caller uses", async () => {
    // PropDesk's references are random UUIDs: a run must not depend on them to be reproducible.
    const run = async (refOf: (i: number) => string) => {
      const p = SimulatorPlatform.create({ seed: 7, startTime: start });
      for (let i = 0; i < 12; i++)
        await p.provisionAccount({ ...base, idempotencyKey: `k${i}`, reference: refOf(i) });
      return p.advanceTo(start + 2 * TIME.DAY);
    };
    const first = await run((i) => `ta-${i}`);
    expect(first.filter((u) => u.type === "trade_opened").length).toBeGreaterThan(10);
    expect(await run((i) => `other-${i * 31}`)).toEqual(first);
  });

  it("honours an explicit style and instruments", async () => {
    const p = SimulatorPlatform.create({ seed: 1, startTime: start });
    await p.provisionAccount({
      ...base,
      idempotencyKey: "k",
      reference: "r",
      style: "reckless",
      instruments: ["US30"],
    });
    expect(p.simulation.account("SIM-1")).toMatchObject({ style: "reckless", instruments: ["US30"] });
  });

  it("disabling trading is idempotent and stops new trades; close all is idempotent by key", async () => {
    const p = SimulatorPlatform.create({ seed: 4, startTime: start });
    for (let i = 0; i < 6; i++) {
      await p.provisionAccount({
        ...base,
        idempotencyKey: `p${i}`,
        reference: `r${i}`,
        style: "reckless",
        instruments: ["XAUUSD"],
      });
    }
    p.advanceTo(start + 10 * TIME.HOUR);
    const id = (
      await Promise.all(
        ["SIM-1", "SIM-2", "SIM-3", "SIM-4", "SIM-5", "SIM-6"].map(
          async (x) => [x, await p.getAccountSnapshot(x)] as const,
        ),
      )
    ).find(([, s]) => s.openPositions > 0)![0];
    const opts = { idempotencyKey: "off-1", reason: "daily loss breached" };
    await p.setTradingEnabled(id, false, opts);
    await p.setTradingEnabled(id, false, opts);
    expect(await codeOf(p.setTradingEnabled(id, true, opts))).toMatchObject({ code: "IDEMPOTENCY_MISMATCH" });
    expect((await p.getAccountSnapshot(id)).tradingEnabled).toBe(false);

    const before = await p.getAccountSnapshot(id);
    const closeOpts = { idempotencyKey: "close-1", reason: "daily loss breached" };
    const result = await p.closeAllPositions(id, closeOpts);
    expect(result.closed).toBe(before.openPositions);
    const after = await p.getAccountSnapshot(id);
    expect(after.balance).toBe(before.balance + result.realizedProfit);
    expect(after.openPositions).toBe(0);
    expect(await p.closeAllPositions(id, closeOpts)).toEqual(result);

    const ups = p.advanceTo(start + 3 * TIME.DAY);
    const mine = ups.filter((u) => u.account === id);
    expect(mine.filter((u) => u.type === "trade_closed").length).toBe(result.closed);
    expect(mine.filter((u) => u.type === "trade_opened")).toEqual([]);
    expect(mine.find((u) => u.type === "account")).toMatchObject({ openPositions: 0 });
    expect(() => parsePlatformUpdates(ups.slice(0, 5_000))).not.toThrow();
  });

  it("adjusts balances idempotently and lists the adjustments by account and period", async () => {
    const p = SimulatorPlatform.create({ seed: 4, startTime: start });
    await p.provisionAccount({ ...base, idempotencyKey: "p1", reference: "r1", style: "disciplined" });
    await p.provisionAccount({ ...base, idempotencyKey: "p2", reference: "r2", style: "disciplined" });
    p.advanceTo(start + TIME.HOUR);
    const payout = { idempotencyKey: "payout-1", amount: -250_000n, reason: "payout 1" };
    const r1 = await p.adjustBalance("SIM-1", payout);
    expect(await p.adjustBalance("SIM-1", payout)).toEqual(r1);
    expect(r1.adjustmentId).toBe("ADJ-1");
    expect((await p.getAccountSnapshot("SIM-1")).balance).toBe(r1.balance);
    expect(await codeOf(p.adjustBalance("SIM-1", { ...payout, amount: -1n }))).toMatchObject({
      code: "IDEMPOTENCY_MISMATCH",
    });
    p.advanceTo(start + 2 * TIME.HOUR);
    await p.adjustBalance("SIM-2", { idempotencyKey: "bonus-1", amount: 10_000n, reason: "bonus" });

    const all = await p.listBalanceAdjustments("all", {
      from: new Date(start),
      to: new Date(start + TIME.DAY),
    });
    expect(all.map((x) => [x.adjustmentId, x.platformAccountId, x.amount, x.at.toISOString()])).toEqual([
      ["ADJ-1", "SIM-1", -250_000n, "2026-01-05T01:00:00.000Z"],
      ["ADJ-2", "SIM-2", 10_000n, "2026-01-05T02:00:00.000Z"],
    ]);
    expect(all[0]).toMatchObject({
      idempotencyKey: "payout-1",
      currency: "USD",
      reason: "payout 1",
      balanceAfter: r1.balance,
    });
    const sim2 = await p.listBalanceAdjustments("SIM-2", {
      from: new Date(start),
      to: new Date(start + TIME.DAY),
    });
    expect(sim2.map((x) => x.adjustmentId)).toEqual(["ADJ-2"]);
    // The period is half-open: an adjustment exactly at `to` is left out.
    const early = await p.listBalanceAdjustments("all", {
      from: new Date(start),
      to: new Date(start + 2 * TIME.HOUR),
    });
    expect(early.map((x) => x.adjustmentId)).toEqual(["ADJ-1"]);

    expect(await codeOf(p.adjustBalance("SIM-1", { idempotencyKey: "z", amount: 0n, reason: "" }))).toEqual({
      code: "VALIDATION",
      paths: ["amount"],
    });
    expect(
      await codeOf(
        p.adjustBalance("SIM-1", { idempotencyKey: "big", amount: -20_000_000n, reason: "too much" }),
      ),
    ).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await codeOf(p.getAccountSnapshot("SIM-404"))).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await codeOf(p.listBalanceAdjustments("SIM-404", { from: new Date(0), to: new Date(1) })),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("resumes from a JSON snapshot: same stream afterwards, idempotency keys remembered", async () => {
    const make = async () => {
      const p = SimulatorPlatform.create({ seed: "demo", startTime: start });
      for (let i = 0; i < 20; i++) {
        await p.provisionAccount({ ...base, idempotencyKey: `p${i}`, reference: `ta-${i}` });
      }
      return p;
    };
    const straight = await make();
    straight.advanceTo(start + TIME.DAY);
    await straight.adjustBalance("SIM-3", { idempotencyKey: "adj", amount: 1_000n, reason: "r" });
    const expected = straight.advanceTo(start + 2 * TIME.DAY);

    const first = await make();
    first.advanceTo(start + TIME.DAY);
    await first.adjustBalance("SIM-3", { idempotencyKey: "adj", amount: 1_000n, reason: "r" });
    const resumed = SimulatorPlatform.restore(JSON.parse(JSON.stringify(first.snapshot())));
    expect(resumed.advanceTo(start + 2 * TIME.DAY)).toEqual(expected);
    // The key is remembered across the restart: no second credit.
    const again = await resumed.adjustBalance("SIM-3", {
      idempotencyKey: "adj",
      amount: 1_000n,
      reason: "r",
    });
    expect(again.adjustmentId).toBe("ADJ-1");
    expect(resumed.advanceTo(resumed.now)).toEqual([]);
    expect(
      (await resumed.provisionAccount({ ...base, idempotencyKey: "p3", reference: "ta-3" }))
        .platformAccountId,
    ).toBe("SIM-4");
    expect(
      (await resumed.provisionAccount({ ...base, idempotencyKey: "new", reference: "ta-new" }))
        .platformAccountId,
    ).toBe("SIM-21");
  });
});

describe("the default demo mix", () => {
  it("shows a breach, a soft-pause-sized daily loss and a pass within hours of simulated time", async () => {
    // A stand-in for a typical program on 100,000.00: hard 5% daily loss from the day's start
    // balance, soft pause at 3%, pass at +8% balance while flat. Days start at 00:00 UTC.
    const p = SimulatorPlatform.create({ seed: "demo", startTime: start });
    for (let i = 0; i < 100; i++)
      await p.provisionAccount({ ...base, idempotencyKey: `p${i}`, reference: `ta-${i}` });
    const initial = 10_000_000;
    const state = new Map<string, { day: number; dayStartBalance: number; lastBalance: number }>();
    const first: Record<"breach" | "pause" | "pass", number | undefined> = {
      breach: undefined,
      pause: undefined,
      pass: undefined,
    };
    for (const u of p.advanceTo(start + 3 * TIME.DAY)) {
      if (u.type !== "account") continue;
      const t = Date.parse(u.t);
      const day = Math.floor(t / TIME.DAY);
      const s = state.get(u.account) ?? { day, dayStartBalance: initial, lastBalance: initial };
      state.set(u.account, s);
      if (s.day !== day) {
        s.day = day;
        s.dayStartBalance = s.lastBalance;
      }
      const balance = parseScaled(u.balance, 2);
      const equity = parseScaled(u.equity, 2);
      s.lastBalance = balance;
      if (equity < s.dayStartBalance - 0.05 * initial) first.breach ??= t - start;
      else if (equity < s.dayStartBalance - 0.03 * initial) first.pause ??= t - start;
      if (balance >= 1.08 * initial && u.openPositions === 0) first.pass ??= t - start;
    }
    // Measured with this seed: breach after 10 simulated minutes, pause after 3, pass after 51.
    expect(first.breach).toBeLessThan(2 * TIME.HOUR);
    expect(first.pause).toBeLessThan(2 * TIME.HOUR);
    expect(first.pass).toBeLessThan(6 * TIME.HOUR);
  });
});
