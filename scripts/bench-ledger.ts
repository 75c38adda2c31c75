/**
 * `npm run --silent bench:ledger` prints JSON with:
 * - `transfersPerSecond`: balanced transfers posted through `postTransfers` in batches of 1,000 by
 *   two concurrent writers (purchases with their processor fees, refunds, payout accruals), each
 *   batch also re-sending 10 % of an earlier batch's keys (idempotent no-ops, compared field by
 *   field);
 * - `payoutBatchSeconds`: approving and disbursing 10,000 payouts, half through the crypto rail
 *   (a local custody stand-in over HTTP) and half as a bank wire file exported and confirmed by
 *   importing the bank's file: batch runs as the worker processes them, from the first approval to
 *   the last payout marked paid.
 * It builds its own database (`propdesk_bench_ledger`); run it on a quiet machine.
 */
import { randomUUID } from "node:crypto";
import { databaseUrlsFromEnv, dataLayer, payouts, setDataLayer, staff, urlsForDatabase } from "@propdesk/db";
import { dropDatabase, prepareDatabase } from "@propdesk/db/prepare-database";
import {
  challengePurchasePostings,
  payoutAccrualPostings,
  refundPostings,
  type Transfer,
} from "@propdesk/domain/ledger";
import { formatMoney } from "@propdesk/domain/money";
import pg from "pg";

const database = "propdesk_bench_ledger";
const base = databaseUrlsFromEnv();
const urls = urlsForDatabase(base, database);
Object.assign(process.env, {
  DATABASE_URL: urls.app,
  DATABASE_PLATFORM_URL: urls.platform,
  DATABASE_OWNER_URL: urls.owner,
  PROPDESK_ENV: "test",
  PROPDESK_REDIS_PREFIX: `pdbench${Date.now().toString(36)}`,
  LOG_LEVEL: "silent",
});
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 200_000);
const PAYOUTS = Number(process.env.BENCH_PAYOUTS ?? 10_000);
const BATCH = 1000;
const WRITERS = 2;
const at = "2026-03-01T12:00:00Z";

await dropDatabase(base.admin, database);
await prepareDatabase(urls);
setDataLayer(undefined);
const { demoSecrets } = await import("@propdesk/services/env");
process.env.SESSION_SECRET ??= demoSecrets.SESSION_SECRET;
process.env.ENCRYPTION_KEY ??= demoSecrets.ENCRYPTION_KEY;
const { postTransfers } = await import("@propdesk/services/ledger");
const { encryptSecret } = await import("@propdesk/services/crypto");
const svc = await import("@propdesk/services/payouts");
const { CryptoRailStandIn } = await import("../packages/services/src/testing/crypto-rail-standin");

const platform = new pg.Pool({ connectionString: urls.platform, max: 4 });
const tenantId = randomUUID();
const deskId = randomUUID();
await platform.query("INSERT INTO tenants (id, slug, name) VALUES ($1, 'bench', 'Bench Firm')", [tenantId]);
await platform.query("INSERT INTO desks (tenant_id, id, slug, name) VALUES ($1, $2, 'main', 'Main')", [
  tenantId,
  deskId,
]);

// --- transfers per second -------------------------------------------------------------------

function batchOf(n: number): Transfer[] {
  const out: Transfer[] = [];
  for (let i = 0; out.length < BATCH; i++) {
    const k = `${n}-${i}`;
    const r = i % 10;
    if (r < 6)
      out.push(
        ...challengePurchasePostings({
          orderId: `o${k}`,
          currency: "USD",
          at,
          gross: 9_900n + BigInt(i),
          processorFee: 317n,
        }),
      );
    else if (r < 8)
      out.push(
        ...refundPostings({
          refundId: `r${k}`,
          orderId: `o${k}`,
          currency: "USD",
          at,
          amount: 500n,
          refundable: 500n,
        }),
      );
    else
      out.push(
        ...payoutAccrualPostings({
          payoutId: `p${k}`,
          traderId: "t",
          currency: "USD",
          at,
          amounts: {
            traderShare: 80_000n,
            phaseProfitShare: 0n,
            feeRefund: 9_900n,
            balanceReduction: 100_000n,
          },
        }),
      );
  }
  return out.slice(0, BATCH);
}

const batches = Math.ceil(TRANSFERS / BATCH);
let nextBatch = 0;
let created = 0;
let duplicates = 0;
log(`posting ${TRANSFERS} transfers in batches of ${BATCH} by ${WRITERS} writers`);
const t0 = performance.now();
await Promise.all(
  Array.from({ length: WRITERS }, async () => {
    while (nextBatch < batches) {
      const n = nextBatch++;
      const fresh = batchOf(n);
      // Re-deliveries: a tenth of an earlier batch of this writer, unchanged.
      const again = n >= WRITERS ? batchOf(n - WRITERS).slice(0, BATCH / 10) : [];
      const results = await dataLayer().withTenant(tenantId, (db) => postTransfers(db, [...fresh, ...again]));
      for (const r of results)
        if (r.outcome === "created") created++;
        else duplicates++;
    }
  }),
);
const transferSeconds = (performance.now() - t0) / 1000;
const trial = await dataLayer().withTenant(tenantId, async (db) => {
  const { trialBalanceOf } = await import("@propdesk/services/ledger");
  return trialBalanceOf(db, "USD");
});
log(
  `transfers: ${created} created, ${duplicates} duplicates in ${transferSeconds.toFixed(2)} s; balanced: ${trial.balanced}`,
);

// --- 10,000 payouts approved and disbursed -----------------------------------------------------

log(`creating ${PAYOUTS} payout requests`);
const crypto = await new CryptoRailStandIn().listen();
const apiKey = crypto.addApiKey();
const approver = await dataLayer().withTenant(tenantId, async (db) => {
  const user = await staff.createStaffWithMembership(db, {
    email: "finance@bench.test",
    name: "Finance",
    passwordHash: "x",
    role: "finance",
    deskIds: null,
  });
  await payouts.upsertRailConnection(db, "crypto", {
    endpointUrl: crypto.url,
    apiKeySealed: encryptSecret(apiKey, process.env.ENCRYPTION_KEY!),
    settings: {},
    status: "active",
    updatedByLabel: "bench",
  });
  await payouts.upsertRailConnection(db, "bank_wire", {
    endpointUrl: null,
    apiKeySealed: null,
    settings: { name: "Bench Firm Ltd", iban: "GB82WEST12345698765432", bic: "WESTGB2L" },
    status: "active",
    updatedByLabel: "bench",
  });
  return user;
});
// Requests as they are after the trader's request use case: one funded challenge per payout. The
// bulk insert is setup only; everything measured below runs through the product's code.
{
  const programId = randomUUID();
  const versionId = randomUUID();
  await platform.query(
    "INSERT INTO programs (tenant_id, id, desk_id, slug, name) VALUES ($1, $2, $3, 'bench', 'Bench 100K')",
    [tenantId, programId, deskId],
  );
  await platform.query(
    "INSERT INTO program_versions (tenant_id, id, program_id, version, definition, fingerprint, created_by_label) VALUES ($1, $2, $3, 1, '{}', 'bench', 'bench')",
    [tenantId, versionId, programId],
  );
  const chunk = 2000;
  for (let start = 0; start < PAYOUTS; start += chunk) {
    const n = Math.min(chunk, PAYOUTS - start);
    const ids = Array.from({ length: n }, (_, i) => start + i);
    await platform.query(
      `WITH x AS (SELECT i, gen_random_uuid() AS trader_id, gen_random_uuid() AS challenge_id, gen_random_uuid() AS account_id,
                         gen_random_uuid() AS destination_id, gen_random_uuid() AS payout_id FROM unnest($2::int[]) i),
       t AS (INSERT INTO traders (tenant_id, id, email, name) SELECT $1, trader_id, 'trader' || i || '@bench.test', 'Trader ' || i FROM x),
       c AS (INSERT INTO challenges (tenant_id, id, reference, desk_id, trader_id, program_version_id, lifecycle, status, origin, currency, account_size)
             SELECT $1, challenge_id, 'BEN-' || i, $3, trader_id, $4, '{}', 'funded', 'manual', 'USD', 10000000 FROM x),
       a AS (INSERT INTO trading_accounts (tenant_id, id, challenge_id, phase_index, platform, platform_account_id, currency, initial_balance, status)
             SELECT $1, account_id, challenge_id, 1, 'simulator', 'SIM-B' || i, 'USD', 10000000, 'active' FROM x),
       d AS (INSERT INTO payout_destinations (tenant_id, id, trader_id, rail, label, chain, asset, address, bank_account_holder, bank_iban, bank_bic, usable_from, created_by_label)
             SELECT $1, destination_id, trader_id, CASE WHEN i % 2 = 0 THEN 'crypto' ELSE 'bank_wire' END, 'Main',
               CASE WHEN i % 2 = 0 THEN 'tron' END, CASE WHEN i % 2 = 0 THEN 'USDT' END,
               CASE WHEN i % 2 = 0 THEN 'T' || lpad(translate(i::text, '0', 'z'), 33, 'A') END,
               CASE WHEN i % 2 = 1 THEN 'Trader ' || i END, CASE WHEN i % 2 = 1 THEN 'DE89370400440532013000' END,
               CASE WHEN i % 2 = 1 THEN 'COBADEFFXXX' END, now() - interval '2 days', 'bench' FROM x)
       INSERT INTO payouts (tenant_id, id, reference, desk_id, trader_id, challenge_id, trading_account_id, currency, payout_number, status,
         requested_by_type, requested_by_id, requested_by_label, requested_at, trader_pct, gross_profit, trader_share, firm_share,
         phase_profit_share, fee_refund, total_to_trader, balance_reduction, computation, required_approvals, destination_id, rail)
       SELECT $1, payout_id, 'PO-B' || lpad(i::text, 6, '0'), $3, trader_id, challenge_id, account_id, 'USD', 1, 'pending_approval',
         'trader', trader_id, 'trader', now(), '80', 125000 + i, (125000 + i) * 8 / 10, (125000 + i) - (125000 + i) * 8 / 10, 0, 0,
         (125000 + i) * 8 / 10, 125000 + i, '{"cycleDays": 14}', 1, destination_id,
         CASE WHEN i % 2 = 0 THEN 'crypto' ELSE 'bank_wire' END FROM x`,
      [tenantId, ids, deskId, versionId],
    );
  }
}
const ids = (
  await platform.query<{ id: string }>(
    "SELECT id::text AS id FROM payouts WHERE tenant_id = $1 ORDER BY reference",
    [tenantId],
  )
).rows.map((r) => r.id);
const principal = {
  sessionId: randomUUID(),
  tenantId,
  userId: approver.id,
  email: approver.email,
  name: approver.name,
  role: "finance" as const,
  deskIds: null,
  mfaPending: false,
  twoFactorEnabled: true,
  mustEnrollTwoFactor: false,
};

log(`approving and disbursing ${ids.length} payouts`);
const p0 = performance.now();
const approveRun = await svc.startPayoutRun(principal, { kind: "approve", payoutIds: ids });
await svc.processPayoutRun(tenantId, approveRun.id, { chunkSize: 500 });
const approvedAt = performance.now();
const disburseRun = await svc.startPayoutRun(principal, { kind: "disburse", payoutIds: ids });
await svc.processPayoutRun(tenantId, disburseRun.id, { chunkSize: 500, concurrency: 32 });
const sentAt = performance.now();
const file = await svc.exportBankWireBatch(principal, { currency: "USD" });
const wire = await svc.bankWireFile(principal, file.id);
const confirmation = [
  "end_to_end_id,status,amount,currency,value_date,bank_reference",
  ...wire.csv
    .trim()
    .split("\r\n")
    .slice(1)
    .map((line, i) => {
      const c = line.split(",");
      return `${c[0]},ACSC,${c[4]},${c[5]},2026-03-02,BANK${i}`;
    }),
].join("\r\n");
const imported = await svc.importBankConfirmation(principal, {
  batchId: file.id,
  fileName: "bank.csv",
  text: confirmation,
});
const payoutSeconds = (performance.now() - p0) / 1000;
const counts = (
  await platform.query<{ status: string; n: string }>(
    "SELECT status, count(*) AS n FROM payouts WHERE tenant_id = $1 GROUP BY status",
    [tenantId],
  )
).rows;
const paid = Number(counts.find((c) => c.status === "paid")?.n ?? 0);
const withdrawals = crypto.list().length;
log(
  `payouts: approved in ${((approvedAt - p0) / 1000).toFixed(2)} s, sent in ${((sentAt - approvedAt) / 1000).toFixed(2)} s, bank file and confirmation in ${((performance.now() - sentAt) / 1000).toFixed(2)} s; ${paid} paid`,
);
const payable = (
  await platform.query<{ open: string }>(
    "SELECT coalesce(sum(credits_posted - debits_posted - debits_pending), 0)::text AS open FROM ledger_payable_balances WHERE tenant_id = $1 AND account = 'trader_payouts_payable' AND scope NOT LIKE 'p%-%'",
    [tenantId],
  )
).rows[0]!.open;

console.log(
  JSON.stringify(
    {
      transfersPerSecond: Math.round(created / transferSeconds),
      transfers: {
        created,
        duplicates,
        seconds: Number(transferSeconds.toFixed(3)),
        batch: BATCH,
        writers: WRITERS,
      },
      ledgerBalanced: trial.balanced,
      payoutBatchSeconds: Number(payoutSeconds.toFixed(2)),
      payouts: {
        total: ids.length,
        paid,
        crypto: withdrawals,
        bankWire: imported.settled,
        approveSeconds: Number(((approvedAt - p0) / 1000).toFixed(2)),
        disburseSeconds: Number(((sentAt - approvedAt) / 1000).toFixed(2)),
        bankFileSeconds: Number(((performance.now() - sentAt) / 1000).toFixed(2)),
        payableLeftOpen: formatMoney(BigInt(payable), "USD"),
      },
    },
    null,
    2,
  ),
);
await crypto.close();
await platform.end();
await dataLayer().close();
const { closeRedis } = await import("@propdesk/services/redis");
await closeRedis();
