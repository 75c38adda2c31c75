import { describe, expect, it } from "vitest";
import type { AppError } from "../errors";
import {
  challengePurchasePostings,
  InMemoryLedger,
  payoutAccrualPostings,
  payoutPaid,
  payoutReservePosting,
} from "../ledger";
import { parseCsv } from "./csv";
import {
  compareParallelRun,
  type ParallelRecord,
  parallelRecordsFromTransfers,
  parallelRunToCsv,
  parseParallelRunCsv,
} from "./parallel-run";

const columns = {
  traderId: "Trader",
  type: "Kind",
  reference: "Ref",
  amount: "Amount",
  currency: "Ccy",
  date: "Paid On",
};
const types = { Payout: "payout", "Challenge Fee": "fee", "Fee Refund": "fee_refund" } as const;

function ours(): ParallelRecord[] {
  const l = new InMemoryLedger({ currency: "USD" });
  const at = (d: number) => `2026-03-${String(d).padStart(2, "0")}T10:00:00Z`;
  for (const t of challengePurchasePostings({
    orderId: "o1",
    traderId: "t1",
    gross: 9_900n,
    currency: "USD",
    at: at(2),
  }))
    l.apply(t);
  for (const t of challengePurchasePostings({
    orderId: "o2",
    traderId: "t2",
    gross: 19_900n,
    currency: "USD",
    at: at(3),
  }))
    l.apply(t);
  for (const [payoutId, trader, share, fee, d] of [
    ["p1", "t1", 80_000n, 9_900n, 10],
    ["p2", "t2", 45_000n, 0n, 12],
    ["p3", "t2", 30_000n, 0n, 20],
  ] as const) {
    for (const t of payoutAccrualPostings({
      payoutId,
      traderId: trader,
      amounts: { traderShare: share, phaseProfitShare: 0n, feeRefund: fee, balanceReduction: share },
      currency: "USD",
      at: at(d),
    }))
      l.apply(t);
    l.apply(
      payoutReservePosting({
        payoutId,
        attempt: 1,
        traderId: trader,
        amount: share + fee,
        currency: "USD",
        at: at(d),
      }),
    );
    l.resolve(payoutPaid(payoutId, 1));
  }
  return parallelRecordsFromTransfers(l.transfers());
}

const theirsCsv = [
  "Trader,Kind,Ref,Amount,Ccy,Paid On",
  "t1,Challenge Fee,o1,99.00,USD,2026-03-02", // same
  "t2,Challenge Fee,,199.00,USD,2026-03-04", // no reference, a day later: differs by day
  "t1,Payout,p1,-900.00,USD,2026-03-10", // signed in their system, and 899.00 in ours: differs by amount
  "t1,Fee Refund,p1,99.00,usd,2026-03-10T10:00:00Z", // same
  "t2,Payout,,450.00,USD,2026-03-12", // no reference, same amount and day: same
  "t3,Payout,px,100.00,USD,2026-03-15", // only in theirs
  "t2,Payout,p9,10.00,USD,2026-04-02", // after the period: ignored
].join("\r\n");

describe("parseParallelRunCsv", () => {
  it("maps their headers and labels onto our records", () => {
    expect(parseParallelRunCsv(theirsCsv, columns, { types }).slice(0, 3)).toEqual([
      {
        id: "row:1",
        traderId: "t1",
        type: "fee",
        reference: "o1",
        amount: 9_900n,
        currency: "USD",
        day: "2026-03-02",
      },
      {
        id: "row:2",
        traderId: "t2",
        type: "fee",
        reference: "",
        amount: 19_900n,
        currency: "USD",
        day: "2026-03-04",
      },
      {
        id: "row:3",
        traderId: "t1",
        type: "payout",
        reference: "p1",
        amount: 90_000n,
        currency: "USD",
        day: "2026-03-10",
      },
    ]);
  });

  it("works without a reference column", () => {
    const csv = "Trader,Kind,Amount,Ccy,Paid On\nt1,Payout,1,JPY,2026-03-01\n";
    expect(parseParallelRunCsv(csv, columns, { types })[0]).toMatchObject({
      reference: "",
      amount: 1n,
      currency: "JPY",
    });
  });

  it("reports each bad cell with its row, line and column", () => {
    const csv =
      'Trader,Kind,Ref,Amount,Ccy,Paid On\nt1,Payout,p1,12.5,USD,2026-03-01\n,Bonus,p2,"1 000",EURO,yesterday\n';
    try {
      parseParallelRunCsv(csv, columns, { types });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues).toEqual([
        { path: "rows.2.Trader", message: 'line 3, column "Trader": is empty' },
        {
          path: "rows.2.Kind",
          message: 'line 3, column "Kind": "Bonus" is not one of "payout", "challenge fee", "fee refund"',
        },
        { path: "rows.2.Ccy", message: 'line 3, column "Ccy": "EURO" is not an ISO 4217 code' },
        {
          path: "rows.2.Paid On",
          message: 'line 3, column "Paid On": "yesterday" is not a date like 2026-03-01',
        },
      ]);
      expect((e as AppError).message).toMatch(
        /^The imported payout and fee file has 4 problems; first: line 3/,
      );
    }
  });
});

describe("compareParallelRun", () => {
  const report = () =>
    compareParallelRun({
      period: { from: "2026-03-01", to: "2026-04-01" },
      theirs: parseParallelRunCsv(theirsCsv, columns, { types }),
      ours: ours(),
    });

  it("shows what is only in theirs, only in ours, and what differs", () => {
    const r = report();
    expect(r.matched).toBe(3);
    expect(r.onlyInTheirs.map((x) => x.id)).toEqual(["row:6"]);
    expect(r.onlyInOurs.map((x) => x.id)).toEqual(
      ["payout:p3:attempt:1", "payout:p3:fee_refund"].slice(0, 1),
    );
    expect(r.differing.map((d) => [d.theirs.id, d.ours.id, d.fields, d.amountDifference])).toEqual([
      ["row:2", "order:o2:purchase", ["day"], 0n],
      ["row:3", "payout:p1:attempt:1", ["amount"], -100n],
    ]);
  });

  it("totals per trader, type and currency", () => {
    expect(report().totalsPerTrader.map((t) => [t.traderId, t.type, t.theirs, t.ours, t.difference])).toEqual(
      [
        ["t1", "fee", 9_900n, 9_900n, 0n],
        ["t1", "fee_refund", 9_900n, 9_900n, 0n],
        ["t1", "payout", 90_000n, 89_900n, -100n],
        ["t2", "fee", 19_900n, 19_900n, 0n],
        ["t2", "payout", 45_000n, 75_000n, 30_000n],
        ["t3", "payout", 10_000n, 0n, -10_000n],
      ],
    );
  });

  it("pairs a same-day record with another amount as a difference, not two strays", () => {
    const rec = (id: string, amount: bigint): ParallelRecord => ({
      id,
      traderId: "t1",
      type: "payout",
      reference: "",
      amount,
      currency: "USD",
      day: "2026-03-05",
    });
    const r = compareParallelRun({
      period: { from: "2026-03-01", to: "2026-04-01" },
      theirs: [rec("a", 100n)],
      ours: [rec("b", 150n)],
    });
    expect([r.matched, r.onlyInTheirs.length, r.onlyInOurs.length, r.differing[0]?.fields]).toEqual([
      0,
      0,
      0,
      ["amount"],
    ]);
  });

  it("exports the differences as CSV that reads back", () => {
    const rows = parseCsv(parallelRunToCsv(report())).map((x) => x.fields);
    expect(rows).toEqual([
      [
        "status",
        "trader_id",
        "type",
        "currency",
        "their_id",
        "our_id",
        "reference",
        "their_day",
        "our_day",
        "their_amount",
        "our_amount",
        "difference",
      ],
      [
        "differs:day",
        "t2",
        "fee",
        "USD",
        "row:2",
        "order:o2:purchase",
        "o2",
        "2026-03-04",
        "2026-03-03",
        "199.00",
        "199.00",
        "0.00",
      ],
      [
        "differs:amount",
        "t1",
        "payout",
        "USD",
        "row:3",
        "payout:p1:attempt:1",
        "p1",
        "2026-03-10",
        "2026-03-10",
        "900.00",
        "899.00",
        "-1.00",
      ],
      ["only_in_theirs", "t3", "payout", "USD", "row:6", "", "px", "2026-03-15", "", "100.00", "", "-100.00"],
      [
        "only_in_ours",
        "t2",
        "payout",
        "USD",
        "",
        "payout:p3:attempt:1",
        "p3",
        "",
        "2026-03-20",
        "",
        "300.00",
        "300.00",
      ],
    ]);
  });
});
