import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import {
  challengePurchasePostings,
  chargebackPostings,
  InMemoryLedger,
  payoutAccrualPostings,
  payoutPaid,
  payoutReservePosting,
  refundPostings,
} from "../ledger";
import { parseCsv } from "./csv";
import { reconcile } from "./reconcile";
import {
  fromStripeBalanceTransaction,
  ledgerReconRecords,
  type PlatformAdjustment,
  type ProcessorRecord,
  parseProcessorStatementCsv,
} from "./records";
import { reconciliationSummaryToCsv, reconciliationToCsv } from "./report-csv";

const day = (d: number, h = 12) =>
  `2026-03-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`;
const period = { from: "2026-03-01", to: "2026-04-01" };

function ledgerFixture() {
  const l = new InMemoryLedger({ currency: "USD" });
  const apply = (ts: Parameters<InMemoryLedger["apply"]>[0][]) => {
    for (const t of ts) l.apply(t);
  };
  apply(
    challengePurchasePostings({
      orderId: "o1",
      paymentId: "pi_1",
      traderId: "t1",
      gross: 9_900n,
      processorFee: 317n,
      currency: "USD",
      at: day(2),
    }),
  );
  apply(
    challengePurchasePostings({
      orderId: "o2",
      paymentId: "pi_2",
      traderId: "t2",
      gross: 19_900n,
      processorFee: 607n,
      currency: "USD",
      at: day(3),
    }),
  );
  apply(
    refundPostings({
      refundId: "r1",
      orderId: "o2",
      paymentId: "pi_2",
      amount: 5_000n,
      refundable: 19_900n,
      currency: "USD",
      at: day(5),
    }),
  );
  apply(
    challengePurchasePostings({
      orderId: "o3",
      paymentId: "pi_3",
      gross: 4_900n,
      currency: "USD",
      at: day(6),
    }),
  );
  apply(
    chargebackPostings({
      disputeId: "dp_1",
      orderId: "o3",
      paymentId: "pi_3",
      amount: 4_900n,
      disputeFee: 1_500n,
      currency: "USD",
      at: day(9),
    }),
  );
  for (const [payoutId, account, share, reduction, d] of [
    ["p1", "A1", 80_000n, 100_000n, 10],
    ["p2", "A2", 50_000n, 62_500n, 12],
  ] as const) {
    apply(
      payoutAccrualPostings({
        payoutId,
        traderId: "t1",
        tradingAccountId: account,
        amounts: { traderShare: share, phaseProfitShare: 0n, feeRefund: 0n, balanceReduction: reduction },
        currency: "USD",
        at: day(d),
      }),
    );
    l.apply(
      payoutReservePosting({
        payoutId,
        attempt: 1,
        traderId: "t1",
        tradingAccountId: account,
        amount: share,
        currency: "USD",
        at: day(d),
      }),
    );
    l.resolve(payoutPaid(payoutId, 1));
  }
  // Late February: outside the period, and unmatched, so not reported.
  apply(
    challengePurchasePostings({
      orderId: "o0",
      paymentId: "pi_0",
      gross: 100n,
      currency: "USD",
      at: "2026-02-20T00:00:00Z",
    }),
  );
  // The last day of the period, settled by the processor after it: still reported, as matched.
  apply(
    challengePurchasePostings({
      orderId: "o9",
      paymentId: "pi_9",
      gross: 2_500n,
      currency: "USD",
      at: day(31, 23),
    }),
  );
  return l;
}

const stripe = (over: Partial<Parameters<typeof fromStripeBalanceTransaction>[0]> & { id: string }) =>
  fromStripeBalanceTransaction({
    amount: 0,
    fee: 0,
    currency: "usd",
    created: Date.parse(day(2)) / 1000,
    reporting_category: "charge",
    source: null,
    ...over,
  });

const processor: ProcessorRecord[] = [
  ...stripe({ id: "txn_1", amount: 9_900, fee: 317, source: "pi_1", created: Date.parse(day(2, 13)) / 1000 }),
  // The fee differs by 0.03.
  ...stripe({
    id: "txn_2",
    amount: 19_900,
    fee: 610,
    source: "pi_2",
    created: Date.parse(day(3, 13)) / 1000,
  }),
  // No shared reference: matched by amount within the date window.
  ...stripe({
    id: "txn_3",
    amount: -5_000,
    reporting_category: "refund",
    source: "re_77",
    created: Date.parse(day(6)) / 1000,
  }),
  ...stripe({ id: "txn_4", amount: 4_900, source: "pi_3", created: Date.parse(day(6)) / 1000 }),
  ...stripe({
    id: "txn_5",
    amount: -4_900,
    fee: 1_500,
    reporting_category: "dispute",
    source: { id: "dp_1", metadata: {} },
    created: Date.parse(day(9)) / 1000,
  }),
  ...stripe({
    id: "txn_6",
    amount: -80_000,
    reporting_category: "transfer",
    source: { id: "tr_1", metadata: { propdesk_reference: "p1" } },
    created: Date.parse(day(10)) / 1000,
  }),
  // p2's transfer never reached the processor; this charge is not in the ledger.
  ...stripe({ id: "txn_7", amount: 12_345, source: "pi_unknown", created: Date.parse(day(14)) / 1000 }),
  ...stripe({
    id: "txn_8",
    amount: 2_500,
    source: "pi_9",
    created: Date.parse("2026-04-01T01:00:00Z") / 1000,
  }),
];

const platform: PlatformAdjustment[] = [
  { id: "adj_1", accountId: "A1", reference: "p1", amount: -100_000n, currency: "USD", date: day(10) },
  { id: "adj_2", accountId: "A2", reference: "p2", amount: -60_000n, currency: "USD", date: day(12) },
  { id: "adj_3", accountId: "A3", reference: "manual fix", amount: -5_000n, currency: "USD", date: day(20) },
];

function report() {
  return reconcile({ period, ledger: ledgerReconRecords(ledgerFixture().transfers()), processor, platform });
}

describe("reconcile: ledger, processor and platform", () => {
  it("classifies every line and keeps the ids for drill-down", () => {
    const lines = report().lines.map((l) => [
      l.pair,
      l.status,
      l.matchedBy,
      l.category,
      l.reference,
      l.ledgerAmount,
      l.externalAmount,
      l.difference,
    ]);
    expect(lines).toEqual([
      ["platform", "matched", "reference", "platform_adjustment", "p1", -100_000n, -100_000n, 0n],
      ["platform", "mismatch", "reference", "platform_adjustment", "p2", -62_500n, -60_000n, 2_500n],
      ["platform", "missing_in_ledger", null, "platform_adjustment", "manual fix", null, -5_000n, -5_000n],
      ["processor", "matched", "reference", "processor_fee", "pi_1", -317n, -317n, 0n],
      ["processor", "matched", "reference", "charge", "pi_1", 9_900n, 9_900n, 0n],
      ["processor", "mismatch", "reference", "processor_fee", "pi_2", -607n, -610n, -3n],
      ["processor", "matched", "reference", "charge", "pi_2", 19_900n, 19_900n, 0n],
      ["processor", "matched", "amount_and_date", "refund", "re_77", -5_000n, -5_000n, 0n],
      ["processor", "matched", "reference", "charge", "pi_3", 4_900n, 4_900n, 0n],
      ["processor", "matched", "reference", "chargeback", "dp_1", -4_900n, -4_900n, 0n],
      ["processor", "matched", "reference", "dispute_fee", "dp_1", -1_500n, -1_500n, 0n],
      ["processor", "matched", "reference", "trader_payout", "p1", -80_000n, -80_000n, 0n],
      [
        "processor",
        "missing_in_processor",
        null,
        "trader_payout",
        "payout:p2:attempt:1",
        -50_000n,
        null,
        50_000n,
      ],
      ["processor", "missing_in_ledger", null, "charge", "pi_unknown", null, 12_345n, 12_345n],
      ["processor", "matched", "reference", "charge", "pi_9", 2_500n, 2_500n, 0n],
    ]);
  });

  it("drill-down leads to the transfer, the payment, the payout and the account", () => {
    const r = report();
    const fee = r.lines.find((l) => l.status === "mismatch" && l.pair === "processor")!;
    expect(fee.drill).toMatchObject({
      transferKey: "order:o2:processor_fee",
      orderId: "o2",
      paymentId: "pi_2",
      traderId: "t2",
      processorRecordId: "txn_2:fee",
    });
    const adj = r.lines.find((l) => l.status === "mismatch" && l.pair === "platform")!;
    expect(adj.drill).toMatchObject({
      transferKey: "payout:p2:profit_share",
      payoutId: "p2",
      tradingAccountId: "A2",
      platformAdjustmentId: "adj_2",
      platformAccountId: "A2",
    });
    expect(adj.mismatched).toEqual(["amount"]);
  });

  it("sums per pair and currency", () => {
    expect(report().summary).toEqual([
      {
        pair: "platform",
        currency: "USD",
        matched: 1,
        mismatched: 1,
        missingInLedger: 1,
        missingExternally: 0,
        ledgerTotal: -162_500n,
        externalTotal: -165_000n,
        difference: -2_500n,
      },
      {
        pair: "processor",
        currency: "USD",
        matched: 9,
        mismatched: 1,
        missingInLedger: 1,
        missingExternally: 1,
        ledgerTotal: -105_124n,
        externalTotal: -42_782n,
        difference: 62_342n,
      },
    ]);
  });

  it("flags a platform adjustment booked on another account", () => {
    const r = reconcile({
      period,
      ledger: ledgerReconRecords(ledgerFixture().transfers()),
      processor: [],
      platform: [{ ...platform[0]!, accountId: "A9" }],
    });
    const line = r.lines.find((l) => l.pair === "platform" && l.reference === "p1")!;
    expect([line.status, line.mismatched]).toEqual(["mismatch", ["account"]]);
  });

  it.each([
    ["inside the window", 3, "matched"],
    ["outside the window", 0, "missing_in_processor"],
  ])("the amount-and-date fallback only pairs %s", (_label, dateWindowDays, status) => {
    const r = reconcile({
      period,
      ledger: ledgerReconRecords(ledgerFixture().transfers()),
      processor,
      platform,
      dateWindowDays,
    });
    expect(r.lines.find((l) => l.category === "refund" && l.ledgerAmount !== null)?.status).toBe(status);
  });

  it("the fallback picks the closest date when several amounts are equal", () => {
    const ledger = ledgerReconRecords(ledgerFixture().transfers());
    const twins: ProcessorRecord[] = [
      { id: "far", reference: "", amount: -5_000n, currency: "USD", date: day(7), type: "refund" },
      { id: "near", reference: "", amount: -5_000n, currency: "USD", date: day(5, 18), type: "refund" },
    ];
    const r = reconcile({ period, ledger, processor: twins, platform: [] });
    expect(
      r.lines.filter((l) => l.category === "refund").map((l) => [l.status, l.drill.processorRecordId]),
    ).toEqual([
      ["matched", "near"],
      ["missing_in_ledger", "far"],
    ]);
  });

  it("does not depend on the order of the inputs", () => {
    const ledger = ledgerReconRecords(ledgerFixture().transfers());
    const expected = reconcile({ period, ledger, processor, platform });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(processor, { minLength: processor.length }),
        fc.shuffledSubarray(ledger, { minLength: ledger.length }),
        (p, l) => {
          expect(reconcile({ period, ledger: l, processor: p, platform: [...platform].reverse() })).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it("refuses an empty period", () => {
    expect(() =>
      reconcile({
        period: { from: "2026-03-01", to: "2026-03-01" },
        ledger: [],
        processor: [],
        platform: [],
      }),
    ).toThrow(AppError);
  });
});

describe("Stripe balance transactions", () => {
  it.each([
    [
      "charge with fee",
      { reporting_category: "charge", amount: 9_900, fee: 317 },
      [
        ["charge", 9_900n],
        ["processor_fee", -317n],
      ],
    ],
    [
      "dispute with fee",
      { reporting_category: "dispute", amount: -9_900, fee: 1_500 },
      [
        ["chargeback", -9_900n],
        ["dispute_fee", -1_500n],
      ],
    ],
    [
      "dispute won, fee returned",
      { reporting_category: "dispute_reversal", amount: 9_900, fee: -1_500 },
      [
        ["chargeback_reversal", 9_900n],
        ["dispute_fee_return", 1_500n],
      ],
    ],
    [
      "payout to the firm's bank",
      { reporting_category: "payout", amount: -100_000, fee: 0 },
      [["settlement", -100_000n]],
    ],
    [
      "Connect transfer to a trader",
      { reporting_category: "transfer", amount: -80_000, fee: 0 },
      [["trader_payout", -80_000n]],
    ],
    ["unknown category stays visible", { reporting_category: "topup", amount: 5, fee: 0 }, [["other", 5n]]],
  ])("%s", (_label, over, expected) => {
    const recs = fromStripeBalanceTransaction({
      id: "txn_1",
      currency: "usd",
      created: 1_772_000_000,
      source: "src_1",
      ...over,
    });
    expect(recs.map((r) => [r.type, r.amount])).toEqual(expected);
    expect(recs.every((r) => r.currency === "USD" && r.reference === "src_1")).toBe(true);
  });

  it("refuses a non-integer amount", () => {
    expect(() =>
      fromStripeBalanceTransaction({
        id: "txn_1",
        amount: 9.9,
        fee: 0,
        currency: "usd",
        created: 1,
        reporting_category: "charge",
      }),
    ).toThrow(/amount must be an integer/);
  });
});

describe("processor statement CSV", () => {
  const columns = {
    id: "Transaction ID",
    reference: ["Reference", "Ref"],
    amount: "Amount",
    currency: "Currency",
    date: "Date",
    type: "Type",
  };
  const types = { Sale: "charge", Refund: "refund", Fee: "processor_fee" } as const;

  it("maps headers case-insensitively and reads signed decimal amounts", () => {
    const csv =
      "transaction id,REF,Amount,Currency,Date,Type\r\nS1,pi_1,99.00,usd,2026-03-02,sale\r\nS2,pi_1,-3.17,USD,2026-03-02T13:00:00Z,Fee\r\nS3,,-50,JPY,2026-03-05,Refund\r\n";
    expect(parseProcessorStatementCsv(csv, columns, { types })).toEqual([
      { id: "S1", reference: "pi_1", amount: 9_900n, currency: "USD", date: "2026-03-02", type: "charge" },
      {
        id: "S2",
        reference: "pi_1",
        amount: -317n,
        currency: "USD",
        date: "2026-03-02T13:00:00Z",
        type: "processor_fee",
      },
      { id: "S3", reference: "", amount: -50n, currency: "JPY", date: "2026-03-05", type: "refund" },
    ]);
  });

  it("names every bad cell by row, line and column", () => {
    const csv =
      'Transaction ID,Reference,Amount,Currency,Date,Type\nS1,pi_1,"1,000.00",USD,2026-03-02,Sale\nS1,x,1.005,USD,02/03/2026,Chargeback\n';
    try {
      parseProcessorStatementCsv(csv, columns, { types });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues).toEqual([
        {
          path: "rows.1.Amount",
          message: 'line 2, column "Amount": "1,000.00" is not an amount in USD like -12.50',
        },
        { path: "rows.2.Transaction ID", message: 'line 3, column "Transaction ID": "S1" repeats row 1' },
        {
          path: "rows.2.Type",
          message: 'line 3, column "Type": "Chargeback" is not one of "sale", "refund", "fee"',
        },
        { path: "rows.2.Date", message: 'line 3, column "Date": "02/03/2026" is not a date like 2026-03-01' },
        {
          path: "rows.2.Amount",
          message: 'line 3, column "Amount": "1.005" is not an amount in USD like -12.50',
        },
      ]);
    }
  });

  it("says which columns are missing and what the header holds", () => {
    expect(() => parseProcessorStatementCsv("id,amount\n", columns, { types })).toThrow(
      'The processor statement: no column "Transaction ID" for id; no column "Reference" or "Ref" for reference; no column "Currency" for currency; no column "Date" for date; no column "Type" for type (the header has "id", "amount").',
    );
  });
});

describe("CSV export", () => {
  it("round-trips every line with amounts as decimals and drill-down ids", () => {
    const r = report();
    const rows = parseCsv(reconciliationToCsv(r)).map((x) => x.fields);
    expect(rows[0]).toEqual([
      "pair",
      "status",
      "matched_by",
      "mismatched",
      "category",
      "currency",
      "date",
      "reference",
      "ledger_amount",
      "external_amount",
      "difference",
      "transfer_key",
      "payout_id",
      "order_id",
      "payment_id",
      "trader_id",
      "trading_account_id",
      "processor_record_id",
      "platform_adjustment_id",
      "platform_account_id",
    ]);
    expect(rows).toHaveLength(r.lines.length + 1);
    expect(rows.find((x) => x[11] === "order:o2:processor_fee")).toEqual([
      "processor",
      "mismatch",
      "reference",
      "amount",
      "processor_fee",
      "USD",
      day(3),
      "pi_2",
      "-6.07",
      "-6.10",
      "-0.03",
      "order:o2:processor_fee",
      "",
      "o2",
      "pi_2",
      "t2",
      "",
      "txn_2:fee",
      "",
      "",
    ]);
    expect(rows.find((x) => x[7] === "manual fix")?.slice(8, 11)).toEqual(["", "-50.00", "-50.00"]);
  });

  it("guards text from outside against spreadsheet formulas, not amounts", () => {
    const r = reconcile({
      period,
      ledger: [],
      processor: [
        {
          id: "x1",
          reference: '=HYPERLINK("http://evil")',
          amount: -100n,
          currency: "USD",
          date: day(4),
          type: "other",
        },
      ],
      platform: [],
    });
    const row = parseCsv(reconciliationToCsv(r))[1]!.fields;
    expect([row[7], row[9]]).toEqual(['\'=HYPERLINK("http://evil")', "-1.00"]);
  });

  it("exports the summary", () => {
    expect(reconciliationSummaryToCsv(report())).toBe(
      "pair,currency,matched,mismatched,missing_in_ledger,missing_externally,ledger_total,external_total,difference\r\n" +
        "platform,USD,1,1,1,0,-1625.00,-1650.00,-25.00\r\n" +
        "processor,USD,9,1,1,1,-1051.24,-427.82,623.42\r\n",
    );
  });
});
