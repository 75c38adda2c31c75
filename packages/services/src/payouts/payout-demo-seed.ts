import { gzipSync } from "node:zlib";
import {
  challenges,
  dataLayer,
  desks,
  kyc,
  payouts,
  programs,
  simulator as simulatorRepo,
  traders,
} from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { parseMoney } from "@propdesk/domain/money";
import { nextProgramVersion } from "@propdesk/domain/programs";
import { createChallenge } from "../challenges/challenge-lifecycle";
import { encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { ingestPlatformUpdates } from "../ingest/ingest-updates";
import { applyKycDecision } from "../kyc/kyc-verification";
import { createLogger } from "../logging/logger";
import { installSimulator, tradingPlatformFor } from "../platforms/platform-registry";
import { createSimulatorPlatform } from "../platforms/simulator/simulator-platform";
import { getAccountStanding } from "../risk/account-standing";
import { PartitionEvaluator } from "../risk/partition-evaluator";
import { riskPartitions } from "../risk/risk-config";
import type { TraderPrincipal } from "../traders/trader-auth";
import { demoCryptoUrl, payoutDemo } from "./payout-demo";
import { addPayoutDestination } from "./payout-destinations";

export { payoutDemo } from "./payout-demo";

/**
 * The demo's funded trader, made the way production makes one: challenges on a fast program,
 * traded by the market simulator through the real ingest, evaluators and lifecycle effects until
 * some pass into the funded phase and make a profit there (trading is then paused on those
 * accounts so they stay flat for the payout). The simulator's state is saved as the worker's
 * snapshot, so the worker carries on with these accounts.
 *
 * The firm's payout rails: the local crypto custody stand-in on `CRYPTO_STANDIN_PORT` (started with
 * the other stand-ins by `npm start` and the browser tests), the firm's bank account for wire files,
 * and a two-approval threshold of 25.00 USD on Atlas (so the demo shows both approvals).
 */
const log = createLogger("demo", "silent");

/** Runs the lifecycle effects queued for these challenges (provisioning, phase starts), as the worker would. */
async function runEffects(tenantId: string, challengeIds: ReadonlySet<string>) {
  const { default: handler } = await import("../challenges/apply-challenge-effects.job");
  for (let round = 0; round < 10; round++) {
    const rows = await dataLayer().withPlatform(async (db) => {
      const pending = (
        await db.outboxEvent.findMany({
          where: { tenantId, jobName: "challenges.apply-effects", dispatchedAt: null },
          orderBy: { createdAt: "asc" },
        })
      ).filter((r) => challengeIds.has((r.payload as { data: { challengeId: string } }).data.challengeId));
      if (pending.length > 0)
        await db.outboxEvent.updateMany({
          where: { id: { in: pending.map((p) => p.id) } },
          data: { dispatchedAt: new Date() },
        });
      return pending;
    });
    if (rows.length === 0) return;
    for (const row of rows)
      await handler(
        (row.payload as { data: { challengeId: string; eventSeq: number; effects: Array<{ type: string }> } })
          .data,
        { jobId: row.id, tenantId, attempt: 1, log },
      );
  }
}

export async function seedPayoutsDemo(
  tenantId: string,
  opts: { passwordHash: string; challenges?: number; wanted?: number },
): Promise<{ funded: number }> {
  const now = Date.now();
  const hour = 3_600_000;
  const { deskId, deskSlug, versionId, traderId } = await dataLayer().withTenant(tenantId, async (db) => {
    const desk = (await desks.listDesks(db)).find((d) => d.slug === "atlas")!;
    const version = nextProgramVersion("demo", {
      name: "Express Funded 25K",
      currency: "USD",
      initialBalance: "25000.00",
      timezone: "Europe/London",
      dayStart: "00:00",
      kycRequired: false,
      profitSplit: { traderPct: 80 },
      payoutTerms: {
        splitTiers: [{ traderPct: 80 }, { traderPct: 90, fromPayoutNumber: 3 }],
        feeRefund: null,
        minimumPayout: "20.00",
        firstPayoutDelayDays: 0,
        cycleDays: 7,
        consistency: null,
      },
      phases: [
        {
          name: "Evaluation",
          kind: "evaluation",
          profitTarget: { pct: 1 },
          dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" },
          maxLoss: { pct: 8, mode: "static", lockAt: null },
          minTradingDays: 0,
          maxDays: null,
        },
        {
          name: "Funded",
          kind: "funded",
          dailyLoss: { pct: 5, amountBase: "initial", reference: "balance", kind: "soft" },
          maxLoss: { pct: 8, mode: "static", lockAt: null },
        },
      ],
    });
    const program = await programs.createProgram(db, {
      deskId: desk.id,
      slug: payoutDemo.programSlug,
      name: "Express Funded 25K",
      description: "One evaluation phase with a 1% target, then funded; payouts every 7 days, 80% then 90%.",
      templateId: null,
    });
    const v = await programs.createProgramVersion(db, {
      programId: program.id,
      version: 1,
      definition: version.program as never,
      fingerprint: version.fingerprint,
      createdByLabel: "demo seed",
    });
    const trader = await traders.createTrader(db, {
      email: payoutDemo.trader.email,
      name: payoutDemo.trader.name,
      passwordHash: opts.passwordHash,
      country: "GB",
      timezone: "Europe/London",
      dateOfBirth: null,
    });
    await traders.registerTraderDesk(db, trader.id, desk.id);
    const verification = await kyc.createVerification(db, {
      traderId: trader.id,
      provider: "manual",
      reason: "staff",
    });
    await applyKycDecision(db, verification.id, {
      status: "approved",
      at: new Date(now - 30 * 24 * hour),
      by: "staff",
      byLabel: "compliance@atlas.localhost",
      cause: { type: "system", job: "demo-seed" },
    });
    await payouts.upsertThreshold(db, {
      deskId: desk.id,
      currency: "USD",
      amount: parseMoney("25.00", "USD"),
      updatedByLabel: "demo seed",
    });
    await payouts.upsertRailConnection(db, "crypto", {
      endpointUrl: demoCryptoUrl(),
      apiKeySealed: encryptSecret(payoutDemo.cryptoApiKey, env().ENCRYPTION_KEY),
      settings: {},
      status: "active",
      updatedByLabel: "demo seed",
    });
    await payouts.upsertRailConnection(db, "bank_wire", {
      endpointUrl: null,
      apiKeySealed: null,
      settings: { name: "Atlas Trading Group Ltd", iban: "GB82WEST12345698765432", bic: "WESTGB2L" },
      status: "active",
      updatedByLabel: "demo seed",
    });
    return { deskId: desk.id, deskSlug: desk.slug, versionId: v.id, traderId: trader.id };
  });

  // The market, from a fixed day: the same simulated history on every seed (the simulator is
  // deterministic for a seed, a start time and the order accounts are opened in).
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = createSimulatorPlatform({ seed: 4242, startTime: start });
  installSimulator(sim);
  const ids = new Set<string>();
  await dataLayer().withTenant(tenantId, async (db) => {
    for (let i = 0; i < (opts.challenges ?? 12); i++) {
      const { challenge } = await createChallenge(db, {
        deskId,
        deskSlug,
        traderId,
        programVersionId: versionId,
        origin: "manual",
        cause: { type: "system", job: "demo-seed" },
      });
      ids.add(challenge.id);
    }
  });
  await runEffects(tenantId, ids);
  const evaluators = Array.from(
    { length: riskPartitions() },
    (_, partition) => new PartitionEvaluator({ tenantId, partition, log, fastPath: false }),
  );
  const found = new Set<string>();
  for (
    let t = sim.now + 2 * hour;
    t < start + 30 * 24 * hour && found.size < (opts.wanted ?? 2);
    t += 2 * hour
  ) {
    const updates = sim.advanceTo(t);
    if (updates.length > 0)
      await ingestPlatformUpdates(
        tenantId,
        "simulator",
        updates.map((update, index) => ({ index, update })),
        { receivedAtMs: Date.now() },
      );
    for (const e of evaluators) await e.drain();
    await runEffects(tenantId, ids);
    const ready = await dataLayer().withTenant(tenantId, async (db) => {
      const out: { challengeId: string; platformAccountId: string }[] = [];
      for (const id of ids) {
        if (found.has(id)) continue;
        const c = await challenges.findChallenge(db, id);
        if (c?.status !== "funded") continue;
        const account = c.tradingAccounts.find((a) => a.phaseIndex === c.phaseIndex);
        if (!account?.platformAccountId) continue;
        const s = await getAccountStanding(db, account.id);
        if (s.flat && s.profit >= 5_000n && s.firstTradeAt)
          out.push({ challengeId: id, platformAccountId: account.platformAccountId });
      }
      return out;
    });
    for (const r of ready) {
      // Trading is paused while the payout is handled, so the account stays flat and in profit.
      await tradingPlatformFor(tenantId, "simulator").setTradingEnabled(r.platformAccountId, false, {
        idempotencyKey: `demo-payout-hold:${r.challengeId}`,
        reason: "demo: paused for the payout",
      });
      found.add(r.challengeId);
    }
  }
  for (const e of evaluators) await e.drain();
  const snap = sim.snapshot();
  await dataLayer().withPlatform((db) =>
    simulatorRepo.saveSimulatorSnapshot(db, "default", {
      snapshot: new Uint8Array(gzipSync(JSON.stringify(snap))),
      accounts: snap.simulation.accountIds.length,
      simNowMs: sim.now,
    }),
  );
  installSimulator(null);
  await closeSqlLayer();

  // A wallet on the trader's allow-list (added days ago, so past its cool-off) and a bank account.
  const principal: TraderPrincipal = {
    sessionId: "demo-seed",
    tenantId,
    deskId,
    traderId,
    email: payoutDemo.trader.email,
    name: payoutDemo.trader.name,
    timezone: "Europe/London",
    country: "GB",
  };
  const earlier = new Date(now - 3 * 24 * hour);
  await addPayoutDestination(
    principal,
    { rail: "crypto", label: "Tron wallet", ...payoutDemo.wallet },
    { now: earlier },
  );
  await addPayoutDestination(
    principal,
    {
      rail: "bank_wire",
      label: "Barclays current account",
      accountHolder: payoutDemo.trader.name,
      iban: "GB29NWBK60161331926819",
      bic: "NWBKGB2L",
      bankName: "NatWest",
    },
    { now: earlier },
  );
  return { funded: found.size };
}
