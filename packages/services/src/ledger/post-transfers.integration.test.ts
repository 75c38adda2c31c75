import { dataLayer, ledger, type TenantDb } from "@propdesk/db";
import { asTenant, sqlAs } from "@propdesk/db/testing/sql";
import { AppError } from "@propdesk/domain";
import {
  challengePurchasePostings,
  chargebackPostings,
  InMemoryLedger,
  payoutAccrualPostings,
  payoutReservePosting,
  processorSettlementPosting,
  refundPostings,
  reversalOf,
  type Transfer,
} from "@propdesk/domain/ledger";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type TenantFixture, tenantFixture } from "../testing/fixtures";
import { ledgerBalances, payoutPayable, trialBalanceOf } from "./ledger-balances";
import { postTransfers, resolveTransfer, resolveTransfers } from "./post-transfers";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("ledger");
});

const at = "2026-03-01T09:30:00Z";
const uid = () => Math.random().toString(36).slice(2, 10);
const tenant = <T>(work: (db: TenantDb) => Promise<T>) => dataLayer().withTenant(t.tenantId, work);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return e instanceof AppError ? e.code : `raw: ${(e as Error).message}`;
  }
}

describe("postTransfers", () => {
  it("posts a purchase once: a repeat is a no-op returning the stored transfer, other contents are refused by field", async () => {
    const orderId = `ord_${uid()}`;
    const purchase = challengePurchasePostings({
      orderId,
      currency: "USD",
      at,
      gross: 9_900n,
      processorFee: 317n,
      paymentId: `pi_${uid()}`,
    });
    const first = await tenant((db) => postTransfers(db, purchase, { deskId: t.deskId }));
    expect(first.map((r) => r.outcome)).toEqual(["created", "created"]);
    const again = await tenant((db) =>
      postTransfers(
        db,
        purchase.map((p) => ({ ...p, memo: "reworded", effectiveAt: "2026-03-01T09:30:00.000Z" })),
        { deskId: t.deskId },
      ),
    );
    expect(again.map((r) => r.outcome)).toEqual(["duplicate", "duplicate"]);
    expect(again[0]!.transfer.memo).toBe(purchase[0]!.memo);

    const changed = { ...purchase[0]!, amount: 10_000n, kind: "refund" as const };
    const err = await tenant((db) => postTransfers(db, [changed])).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "IDEMPOTENCY_MISMATCH" });
    expect(err.message).toBe(
      `Key order:${orderId}:purchase was already used for a different transfer (amount, kind differ).`,
    );
    expect(err.issues).toEqual([
      { path: "amount", message: "was 9900, now 10000" },
      { path: "kind", message: "was challenge_purchase, now refund" },
    ]);

    const b = await tenant((db) => ledgerBalances(db, "USD", { deskKey: t.deskId }));
    expect(b.processor_clearing.posted).toBe(9_900n - 317n);
    expect(b.challenge_fee_revenue.posted).toBe(9_900n);
    expect(b.processor_fees.posted).toBe(317n);
  });

  it("a batch with one conflicting key writes nothing at all", async () => {
    const before = await tenant((db) => ledger.transferCount(db));
    const ok = challengePurchasePostings({ orderId: `ord_${uid()}`, currency: "USD", at, gross: 500n });
    const orderId = `ord_${uid()}`;
    await tenant((db) =>
      postTransfers(db, challengePurchasePostings({ orderId, currency: "USD", at, gross: 700n })),
    );
    const conflicting = challengePurchasePostings({ orderId, currency: "USD", at, gross: 701n });
    expect(await codeOf(tenant((db) => postTransfers(db, [...ok, ...conflicting])))).toBe(
      "IDEMPOTENCY_MISMATCH",
    );
    expect(await tenant((db) => ledger.transferCount(db))).toBe(before + 1);
  });

  it("refuses malformed transfers before writing, naming the field", async () => {
    const [p] = challengePurchasePostings({ orderId: `ord_${uid()}`, currency: "USD", at, gross: 500n });
    const bad = { ...p!, amount: 0n };
    await expect(tenant((db) => postTransfers(db, [bad]))).rejects.toThrow(
      /amount must be greater than zero \(got 0\)/,
    );
    await expect(
      tenant((db) => postTransfers(db, [{ ...p!, creditAccount: p!.debitAccount }])),
    ).rejects.toThrow(/creditAccount must differ from debitAccount/);
    await expect(tenant((db) => postTransfers(db, [{ ...p!, currency: "XXQ" }]))).rejects.toThrow(
      /currency "XXQ" is not an ISO 4217 currency code/,
    );
  });

  it("keeps one ledger per currency: EUR and USD balances never mix", async () => {
    await tenant((db) =>
      postTransfers(
        db,
        challengePurchasePostings({ orderId: `ord_${uid()}`, currency: "EUR", at, gross: 4_500n }),
      ),
    );
    const eur = await tenant((db) => trialBalanceOf(db, "EUR"));
    expect(eur.balanced).toBe(true);
    expect(eur.rows.find((r) => r.account === "challenge_fee_revenue")?.credit).toBeGreaterThanOrEqual(
      4_500n,
    );
    const usd = await tenant((db) => trialBalanceOf(db, "USD"));
    expect(usd.balanced).toBe(true);
  });
});

describe("two-phase payouts and the balance rule", () => {
  it("reserve, then post exactly once; a second attempt cannot reserve beyond what was approved", async () => {
    const payoutId = uid();
    const traderId = uid();
    const accruals = payoutAccrualPostings({
      payoutId,
      traderId,
      currency: "USD",
      at,
      amounts: { traderShare: 80_000n, phaseProfitShare: 0n, feeRefund: 9_900n, balanceReduction: 100_000n },
    });
    await tenant((db) => postTransfers(db, accruals));
    const reserve1 = payoutReservePosting({
      payoutId,
      attempt: 1,
      traderId,
      currency: "USD",
      at,
      amount: 89_900n,
    });
    await tenant((db) => postTransfers(db, [reserve1]));
    expect(await tenant((db) => payoutPayable(db, payoutId))).toEqual({
      currency: "USD",
      approved: 89_900n,
      paid: 0n,
      reserved: 89_900n,
      available: 0n,
    });
    // A racing second attempt is refused by the database while the first holds the payable.
    const reserve2 = payoutReservePosting({
      payoutId,
      attempt: 2,
      traderId,
      currency: "USD",
      at,
      amount: 89_900n,
    });
    const err = await tenant((db) => postTransfers(db, [reserve2])).catch((e) => e);
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(err.message).toBe(
      `The ledger refused: trader_payouts_payable for payout ${payoutId} would be overdrawn by 89900 minor units of USD; a payout can never be reserved or paid beyond what was approved for it.`,
    );
    const posted = await tenant((db) => resolveTransfer(db, reserve1.idempotencyKey, "posted"));
    expect(posted.outcome).toBe("posted");
    expect((await tenant((db) => resolveTransfer(db, reserve1.idempotencyKey, "posted"))).outcome).toBe(
      "duplicate",
    );
    expect(await codeOf(tenant((db) => resolveTransfer(db, reserve1.idempotencyKey, "voided")))).toBe(
      "ILLEGAL_TRANSITION",
    );
    expect(await codeOf(tenant((db) => postTransfers(db, [reserve2])))).toBe("PRECONDITION_FAILED");
    expect(await tenant((db) => payoutPayable(db, payoutId))).toMatchObject({ paid: 89_900n, available: 0n });
  });

  it("a failed attempt is voided, releasing the reserve for the retry; accruals cannot be reversed while reserved", async () => {
    const payoutId = uid();
    const traderId = uid();
    const accruals = payoutAccrualPostings({
      payoutId,
      traderId,
      currency: "USD",
      at,
      amounts: { traderShare: 50_000n, phaseProfitShare: 0n, feeRefund: 0n, balanceReduction: 62_500n },
    });
    await tenant((db) => postTransfers(db, accruals));
    const r1 = payoutReservePosting({ payoutId, attempt: 1, traderId, currency: "USD", at, amount: 50_000n });
    await tenant((db) => postTransfers(db, [r1]));
    const posted = await tenant((db) => ledger.findTransfer(db, accruals[0]!.idempotencyKey));
    const reversal = reversalOf(posted!.transfer, { at, reason: "payout rejected" });
    expect(await codeOf(tenant((db) => postTransfers(db, [reversal])))).toBe("PRECONDITION_FAILED");
    const voided = await tenant((db) =>
      resolveTransfers(db, [{ idempotencyKey: r1.idempotencyKey, status: "voided" }]),
    );
    expect(voided[0]).toMatchObject({ outcome: "voided", transfer: { status: "voided" } });
    const r2 = payoutReservePosting({ payoutId, attempt: 2, traderId, currency: "USD", at, amount: 50_000n });
    await tenant((db) => postTransfers(db, [r2]));
    await tenant((db) => resolveTransfer(db, r2.idempotencyKey, "posted"));
    const b = await tenant((db) => payoutPayable(db, payoutId));
    expect(b).toMatchObject({ approved: 50_000n, paid: 50_000n, reserved: 0n, available: 0n });
    expect(await codeOf(tenant((db) => resolveTransfer(db, "payout:nope:attempt:1", "posted")))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(tenant((db) => resolveTransfer(db, accruals[0]!.idempotencyKey, "voided")))).toBe(
      "ILLEGAL_TRANSITION",
    );
  });
});

describe("the database itself refuses what the ledger must never hold", () => {
  async function insertRaw(fields: Record<string, unknown>) {
    const row = {
      idempotency_key: `raw:${uid()}`,
      debit_account: "processor_clearing",
      credit_account: "challenge_fee_revenue",
      amount: 100,
      currency: "USD",
      kind: "challenge_purchase",
      two_phase: false,
      status: "posted",
      ...fields,
    };
    return asTenant(t.tenantId, (c) =>
      c.query(
        `INSERT INTO ledger_transfers (tenant_id, idempotency_key, debit_account, credit_account, amount, currency, kind, two_phase, status, effective_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
        [
          t.tenantId,
          row.idempotency_key,
          row.debit_account,
          row.credit_account,
          row.amount,
          row.currency,
          row.kind,
          row.two_phase,
          row.status,
        ],
      ),
    );
  }

  it("zero, negative, same-account, unknown-currency-ledger and half-voided transfers", async () => {
    await tenant((db) =>
      postTransfers(
        db,
        challengePurchasePostings({ orderId: `ord_${uid()}`, currency: "USD", at, gross: 1n }),
      ),
    );
    await expect(insertRaw({ amount: 0 })).rejects.toThrow(/ledger_transfers_amount_check/);
    await expect(insertRaw({ amount: -5 })).rejects.toThrow(/ledger_transfers_amount_check/);
    await expect(insertRaw({ credit_account: "processor_clearing" })).rejects.toThrow(/check constraint/);
    // Both legs name accounts of the transfer's own currency ledger: a currency with no ledger (or a
    // leg in another currency) has no account to point at.
    await expect(insertRaw({ currency: "CHF" })).rejects.toThrow(/foreign key/);
    await expect(insertRaw({ status: "pending" })).rejects.toThrow(/check constraint/);
    await expect(insertRaw({ two_phase: true, status: "voided" })).rejects.toThrow(/check constraint/);
    await expect(
      insertRaw({ debit_account: "trader_payouts_payable", credit_account: "cash_payouts_clearing" }),
    ).rejects.toThrow(/check constraint/);
    await expect(insertRaw({ debit_account: "petty_cash" })).rejects.toThrow(/foreign key/);
    await expect(insertRaw({})).resolves.toBeTruthy();
  });

  it("no update of a posted transfer, no delete, no truncate: not even for the owner", async () => {
    const [p] = await tenant((db) =>
      postTransfers(
        db,
        challengePurchasePostings({ orderId: `ord_${uid()}`, currency: "USD", at, gross: 250n }),
      ),
    );
    const key = p!.transfer.idempotencyKey;
    await expect(
      asTenant(t.tenantId, (c) =>
        c.query("UPDATE ledger_transfers SET amount = 1 WHERE idempotency_key = $1", [key]),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asTenant(t.tenantId, (c) => c.query("DELETE FROM ledger_transfers WHERE idempotency_key = $1", [key])),
    ).rejects.toThrow(/permission denied/);
    const owner = sqlAs("owner");
    await expect(
      owner.query("UPDATE ledger_transfers SET amount = 1 WHERE idempotency_key = $1", [key]),
    ).rejects.toThrow(/is posted and can no longer change/);
    await expect(
      asTenant(t.tenantId, (c) =>
        c.query("UPDATE ledger_transfers SET status = 'voided' WHERE idempotency_key = $1", [key]),
      ),
    ).rejects.toThrow(/is posted and can no longer change; post a reversing transfer instead/);
    await expect(
      owner.query("DELETE FROM ledger_transfers WHERE idempotency_key = $1", [key]),
    ).rejects.toThrow(/append-only/);
    await expect(owner.query("TRUNCATE ledger_transfers CASCADE")).rejects.toThrow(
      /append-only|permission denied/,
    );
    await expect(
      asTenant(t.tenantId, (c) => c.query("UPDATE ledger_balances SET debits_posted = 0")),
    ).rejects.toThrow(/permission denied/);
  });

  it("a pending transfer changes status once, and nothing else about it may change", async () => {
    const payoutId = uid();
    await tenant((db) =>
      postTransfers(
        db,
        payoutAccrualPostings({
          payoutId,
          traderId: "t1",
          currency: "USD",
          at,
          amounts: { traderShare: 1_000n, phaseProfitShare: 0n, feeRefund: 0n, balanceReduction: 1_250n },
        }),
      ),
    );
    const r = payoutReservePosting({
      payoutId,
      attempt: 1,
      traderId: "t1",
      currency: "USD",
      at,
      amount: 1_000n,
    });
    await tenant((db) => postTransfers(db, [r]));
    const owner = sqlAs("owner");
    await expect(
      owner.query("UPDATE ledger_transfers SET memo = 'x', status = 'posted' WHERE idempotency_key = $1", [
        r.idempotencyKey,
      ]),
    ).rejects.toThrow(/only its status may change/);
    await expect(
      asTenant(t.tenantId, (c) =>
        c.query("UPDATE ledger_transfers SET status = 'pending' WHERE idempotency_key = $1", [
          r.idempotencyKey,
        ]),
      ),
    ).rejects.toThrow(/can only become posted or voided/);
    await asTenant(t.tenantId, (c) =>
      c.query("UPDATE ledger_transfers SET status = 'posted' WHERE idempotency_key = $1", [r.idempotencyKey]),
    );
    await expect(
      asTenant(t.tenantId, (c) =>
        c.query("UPDATE ledger_transfers SET status = 'voided' WHERE idempotency_key = $1", [
          r.idempotencyKey,
        ]),
      ),
    ).rejects.toThrow(/is posted and can no longer change/);
    expect(await tenant((db) => payoutPayable(db, payoutId))).toMatchObject({ paid: 1_000n, reserved: 0n });
  });
});

describe("the database ledger behaves exactly like the domain's InMemoryLedger", () => {
  type Op =
    | { t: "purchase"; order: number; gross: number; fee: number }
    | { t: "refund"; order: number; id: number; amount: number }
    | { t: "chargeback"; order: number; fee: number }
    | { t: "accrue"; payout: number; share: number; feeRefund: number }
    | { t: "reserve"; payout: number; attempt: number; amount: number }
    | { t: "resolve"; payout: number; attempt: number; post: boolean }
    | { t: "reverse"; payout: number }
    | { t: "settle"; id: number; amount: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      t: fc.constant("purchase" as const),
      order: fc.nat(6),
      gross: fc.integer({ min: 1, max: 50_000 }),
      fee: fc.nat(600),
    }),
    fc.record({
      t: fc.constant("refund" as const),
      order: fc.nat(6),
      id: fc.nat(3),
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
    fc.record({ t: fc.constant("chargeback" as const), order: fc.nat(6), fee: fc.nat(1500) }),
    fc.record({
      t: fc.constant("accrue" as const),
      payout: fc.nat(4),
      share: fc.integer({ min: 1, max: 90_000 }),
      feeRefund: fc.nat(9_900),
    }),
    fc.record({
      t: fc.constant("reserve" as const),
      payout: fc.nat(4),
      attempt: fc.integer({ min: 1, max: 3 }),
      amount: fc.integer({ min: 1, max: 100_000 }),
    }),
    fc.record({
      t: fc.constant("resolve" as const),
      payout: fc.nat(4),
      attempt: fc.integer({ min: 1, max: 3 }),
      post: fc.boolean(),
    }),
    fc.record({ t: fc.constant("reverse" as const), payout: fc.nat(4) }),
    fc.record({
      t: fc.constant("settle" as const),
      id: fc.nat(3),
      amount: fc.integer({ min: 1, max: 5_000 }),
    }),
  );

  type Step = { apply: Transfer } | { resolve: { idempotencyKey: string; action: "post" | "void" } };
  const replay = (log: readonly Step[], currency: string) => {
    const l = new InMemoryLedger({ currency });
    for (const s of log)
      if ("apply" in s) l.apply(s.apply);
      else l.resolve(s.resolve);
    return l;
  };

  it("same outcome for every operation (created, duplicate or the same error) and the same balances", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
        // Runs share a few currency ledgers of one tenant: compare what each run moved.
        const currency = ["JPY", "GBP", "CHF", "AUD", "CAD"][run % 5]!;
        const before = await tenant((d) => ledgerBalances(d, currency));
        const prefix = `p${run++}${uid()}`;
        let mem = new InMemoryLedger({ currency });
        const log: Step[] = [];
        const transfersOf = (o: Op): Transfer[] | null => {
          switch (o.t) {
            case "purchase":
              return challengePurchasePostings({
                orderId: `${prefix}-o${o.order}`,
                currency,
                at,
                gross: BigInt(o.gross),
                processorFee: BigInt(Math.min(o.fee, o.gross)),
              });
            case "refund":
              return refundPostings({
                refundId: `${prefix}-o${o.order}-r${o.id}`,
                orderId: `${prefix}-o${o.order}`,
                currency,
                at,
                amount: BigInt(o.amount),
                refundable: BigInt(o.amount),
              });
            case "chargeback":
              return chargebackPostings({
                disputeId: `${prefix}-d${o.order}`,
                orderId: `${prefix}-o${o.order}`,
                currency,
                at,
                amount: 1_000n,
                disputeFee: BigInt(o.fee),
              });
            case "accrue":
              return payoutAccrualPostings({
                payoutId: `${prefix}-p${o.payout}`,
                traderId: "tr",
                currency,
                at,
                amounts: {
                  traderShare: BigInt(o.share),
                  phaseProfitShare: 0n,
                  feeRefund: BigInt(o.feeRefund),
                  balanceReduction: BigInt(o.share),
                },
              });
            case "reserve":
              return [
                payoutReservePosting({
                  payoutId: `${prefix}-p${o.payout}`,
                  attempt: o.attempt,
                  traderId: "tr",
                  currency,
                  at,
                  amount: BigInt(o.amount),
                }),
              ];
            case "reverse": {
              const orig = mem.get(`payout:${prefix}-p${o.payout}:profit_share`);
              return orig && orig.status === "posted" ? [reversalOf(orig, { at, reason: "rejected" })] : null;
            }
            case "settle":
              return [
                processorSettlementPosting({
                  settlementId: `${prefix}-s${o.id}`,
                  currency,
                  at,
                  amount: BigInt(o.amount),
                }),
              ];
            default:
              return null;
          }
        };
        for (const o of ops) {
          if (o.t === "resolve") {
            const key = `payout:${prefix}-p${o.payout}:attempt:${o.attempt}`;
            let expected: string;
            try {
              const resolution = {
                idempotencyKey: key,
                action: o.post ? ("post" as const) : ("void" as const),
              };
              expected = mem.resolve(resolution).outcome;
              log.push({ resolve: resolution });
            } catch (e) {
              expected = (e as AppError).code;
            }
            const actual = await tenant((db) => resolveTransfer(db, key, o.post ? "posted" : "voided"))
              .then((r) => r.outcome as string)
              .catch((e) => (e instanceof AppError ? e.code : String(e)));
            expect(actual, `${o.t} ${key}`).toBe(expected);
            continue;
          }
          const ts = transfersOf(o);
          if (!ts) continue;
          // A batch is all-or-nothing in the database: try it on a replay of what succeeded so far.
          let expected: string;
          const probe = replay(log, currency);
          try {
            expected = ts.map((x) => probe.apply(x).outcome).join(",");
            for (const x of ts) log.push({ apply: x });
            mem = probe;
          } catch (e) {
            expected = (e as AppError).code;
          }
          const actual = await tenant((db) => postTransfers(db, ts))
            .then((r) => r.map((x) => x.outcome).join(","))
            .catch((e) => (e instanceof AppError ? e.code : String(e)));
          expect(actual, `${o.t} ${JSON.stringify(o)}`).toBe(expected);
        }
        const after = await tenant((d) => ledgerBalances(d, currency));
        const expected = mem.balances();
        for (const code of Object.keys(after) as (keyof typeof after)[])
          for (const f of [
            "debitsPosted",
            "creditsPosted",
            "debitsPending",
            "creditsPending",
            "posted",
            "available",
          ] as const)
            expect(after[code][f] - before[code][f], `${code}.${f}`).toBe(expected[code][f]);
      }),
      { numRuns: 50 },
    );
  });

  it("materialised balances always equal the sums of the transfers", async () => {
    const [materialised, summed] = await tenant(async (db) => [
      await ledger.listBalances(db),
      await ledger.sumBalancesFromTransfers(db),
    ]);
    const strip = (rows: ledger.BalanceRow[]) =>
      rows
        .map((r) => ({ ...r }))
        .filter((r) => r.debitsPosted || r.creditsPosted || r.debitsPending || r.creditsPending)
        .map(({ transfers: _n, ...r }) => r);
    expect(strip(materialised)).toEqual(strip(summed));
    expect(summed.length).toBeGreaterThan(10);
  });
});
