/**
 * Crash safety of disbursement: the real worker process runs a batch of crypto payouts; it is
 * killed with SIGKILL in the middle of the batch (rail requests in flight, attempts reserved and
 * not yet settled), then a new worker is started. After the restart every payout is paid exactly
 * once: one withdrawal per payout at the custody provider, one posted attempt per payout in the
 * ledger, nothing left reserved.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { challenges, dataLayer, ledger, payouts } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { computePayout, parsePayoutTerms } from "@propdesk/domain/payouts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignChallenge } from "../challenges/challenge-lifecycle";
import { traderFixture } from "../testing/challenge-fixtures";
import { CryptoRailStandIn } from "../testing/crypto-rail-standin";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { payoutProgram, storePayoutRequest } from "../testing/payout-fixtures";
import { installTestSimulator, runChallengeEffects } from "../testing/risk-fixtures";
import { connectCryptoRail, saveDestinationCooloff } from "./payout-admin";
import { addPayoutDestination } from "./payout-destinations";
import { payoutRunProgress, startPayoutRun } from "./payout-runs";
import { approvePayoutsInDb } from "./payout-workflow";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const PAYOUTS = 120;
let t: TenantFixture;
let owner: Awaited<ReturnType<typeof signIn>>;
const crypto = new CryptoRailStandIn();
const workers: ChildProcess[] = [];
/** The last of each worker's output (read, so a full pipe never blocks it; shown when a check fails). */
const outputTail = new Map<ChildProcess, string>();
let ids: string[] = [];

function startWorker(n: number): ChildProcess {
  // Its own process group, so the kill takes the worker and the processes it forked.
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "apps/worker/src/main.ts"],
    {
      cwd: root,
      detached: true,
      // Its logs (stdout) and errors (stderr) are kept for the failure message.
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        WORKER_HEALTH_PORT: String(3640 + n),
        LOG_LEVEL: "warn",
        PROPDESK_ENV: "test",
        // The killed worker's batch job is taken up again once its lock lapses.
        JOB_LOCK_MS: "4000",
      },
    },
  );
  outputTail.set(child, "");
  for (const out of [child.stdout, child.stderr]) {
    out?.setEncoding("utf8");
    out?.on("data", (d: string) => outputTail.set(child, (outputTail.get(child)! + d).slice(-8000)));
  }
  workers.push(child);
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await tenantFixture("crash");
  installTestSimulator(9);
  const { programId } = await payoutProgram(t);
  owner = await signIn(t, t.owner.email);
  await crypto.listen();
  crypto.latencyMs = 60;
  await connectCryptoRail(owner.principal, { endpointUrl: crypto.url, apiKey: crypto.addApiKey() });
  await saveDestinationCooloff(owner.principal, { deskId: t.deskId, hours: 0 });
  const terms = parsePayoutTerms({
    currency: "USD",
    splitTiers: [{ traderPct: 80 }],
    minimumPayout: "0",
    firstPayoutDelayDays: 0,
    cycleDays: 1,
  });
  const traders = [];
  for (let i = 0; i < 4; i++) {
    const trader = await traderFixture(t, `crash${i}`);
    const dest = await addPayoutDestination(trader.principal, {
      rail: "crypto",
      label: "w",
      chain: "tron",
      asset: "USDT",
      address: `T${"C".repeat(32)}${i + 1}`,
    });
    traders.push({ trader, dest });
  }
  const made: { challengeId: string; traderId: string; destinationId: string }[] = [];
  for (let i = 0; i < PAYOUTS; i++) {
    const { trader, dest } = traders[i % traders.length]!;
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "crash test",
    });
    made.push({ challengeId: challenge.id, traderId: trader.traderId, destinationId: dest.id });
  }
  await runChallengeEffects(t.tenantId);
  ids = await dataLayer().withTenant(t.tenantId, async (db) => {
    const out: string[] = [];
    for (const [i, m] of made.entries()) {
      const account = await challenges.findTradingAccountByPhase(db, m.challengeId, 0);
      const a = computePayout(terms, {
        payoutNumber: 1,
        scalingLevel: 0,
        balance: 10_000_000n + BigInt(10_000 + i),
        profitBaseline: 10_000_000n,
        challengeFee: 0n,
        feeAlreadyRefunded: true,
      });
      const p = await storePayoutRequest(db, {
        ...m,
        tradingAccountId: account!.id,
        deskId: t.deskId,
        rail: "crypto",
        payoutNumber: 1,
        reference: `PO-CRASH${String(i).padStart(3, "0")}`,
        amounts: a,
      });
      out.push(p.id);
    }
    await approvePayoutsInDb(
      db,
      { userId: owner.principal.userId, label: owner.principal.email, access: owner.principal },
      out,
      new Date(),
    );
    return out;
  });
}, 300_000);

afterAll(async () => {
  for (const w of workers) killGroup(w, "SIGKILL");
  await crypto.close();
  await closeSqlLayer();
});

describe("a worker killed with SIGKILL in the middle of a disbursement batch", () => {
  it("after a restart, every payout is paid exactly once", async () => {
    const run = await startPayoutRun(owner.principal, { kind: "disburse", payoutIds: ids });
    const first = startWorker(1);
    // Wait until the batch is under way: some payouts paid, most not.
    let progress = await payoutRunProgress(owner.principal, run.id);
    for (let i = 0; i < 600 && progress.done < 10; i++) {
      await sleep(100);
      progress = await payoutRunProgress(owner.principal, run.id);
    }
    expect(progress.done).toBeGreaterThanOrEqual(10);
    expect(progress.done).toBeLessThan(PAYOUTS);
    killGroup(first, "SIGKILL");
    await new Promise((r) =>
      first.exitCode !== null || first.signalCode !== null ? r(null) : first.once("exit", r),
    );
    const atKill = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listPayouts(db, { deskIds: null, ids }, { take: 1000 }),
    );
    const reservedAtKill = atKill.filter((p) => p.status === "disbursing").length;
    const paidAtKill = atKill.filter((p) => p.status === "paid").length;
    expect(paidAtKill).toBeLessThan(PAYOUTS);

    const second = startWorker(2);
    for (let i = 0; i < 1500; i++) {
      progress = await payoutRunProgress(owner.principal, run.id);
      if (progress.status === "completed") break;
      await sleep(100);
    }
    const why = [...new Set(progress.failures.map((f) => f.message))].join("\n");
    expect(
      progress,
      `failures:\n${why}\nthe killed worker's output:\n${outputTail.get(first)}\nthe restarted worker's output:\n${outputTail.get(second)}`,
    ).toMatchObject({
      status: "completed",
      total: PAYOUTS,
      done: PAYOUTS,
      succeeded: PAYOUTS,
      failed: 0,
    });

    const after = await dataLayer().withTenant(t.tenantId, (db) =>
      payouts.listPayouts(db, { deskIds: null, ids }, { take: 1000 }),
    );
    expect(after.map((p) => p.status)).toEqual(Array(PAYOUTS).fill("paid"));
    for (const p of after) {
      // One attempt, one withdrawal at the provider, one posted transfer of exactly the amount.
      expect(
        p.payoutAttempts.map((a) => a.status),
        p.reference,
      ).toEqual(["paid"]);
      expect(crypto.createdPerReference.get(`payout:${p.id}:attempt:1`), p.reference).toBe(1);
      const transfers = await dataLayer().withTenant(t.tenantId, (db) =>
        ledger.listPayoutTransfers(db, p.id),
      );
      const sent = transfers.filter((x) => x.transfer.kind === "trader_payout");
      // Seen once under the full suite's load (a paid payout whose transfer was still pending, not
      // reproduced since): the failure prints what both workers said.
      expect(
        sent.map((x) => [x.transfer.status, x.transfer.amount]),
        `${p.reference} (${JSON.stringify(p.payoutAttempts, (_k, v) => (typeof v === "bigint" ? String(v) : v))})\n` +
          `the killed worker's output:\n${outputTail.get(first)}\nthe restarted worker's output:\n${outputTail.get(second)}`,
      ).toEqual([["posted", p.totalToTrader]]);
    }
    expect(crypto.list()).toHaveLength(PAYOUTS);
    // Something was really cut short by the kill.
    expect(paidAtKill + reservedAtKill).toBeGreaterThan(0);
  }, 240_000);
});
