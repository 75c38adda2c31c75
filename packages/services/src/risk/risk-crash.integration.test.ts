import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { sqlAs } from "@propdesk/db/testing/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformUpdate } from "../platforms/platform-update";
import { tenantFixture } from "../testing/fixtures";
import {
  accountsOf,
  checkpointedStateOf,
  decisionsOf,
  deliverStream,
  fastRulesProgram,
  forAccounts,
  generateStream,
  installTestSimulator,
  provisionedChallenges,
  TestEvaluators,
} from "../testing/risk-fixtures";

/**
 * Killing the evaluator with SIGKILL in the middle of a stream and starting it again gives exactly
 * the decisions of an uninterrupted run: nothing missed (the inputs are durable and the restart
 * re-applies those after the last checkpoint) and nothing doubled (decisions are keyed by input).
 */
const ACCOUNTS = 8;
let stream: PlatformUpdate[];
const children: ChildProcess[] = [];
const childScript = fileURLToPath(new URL("../testing/risk-evaluator-child.ts", import.meta.url));

beforeAll(async () => {
  installTestSimulator();
  stream = await generateStream(ACCOUNTS, 30, 101);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await closeSqlLayer();
});

function startEvaluator(tenantId: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", childScript], {
    env: { ...process.env, RISK_TEST_TENANT: tenantId },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`evaluator exited (${code ?? signal}) before it was ready`)),
    );
  });
}

async function progress(tenantId: string) {
  const { rows } = await sqlAs("platform").query<{
    checkpoint: string;
    top: string;
    decisions: number;
  }>(
    `SELECT coalesce((SELECT min(checkpoint_input_id) FROM risk_partition_cursors WHERE tenant_id = $1), 0)::text AS checkpoint,
       coalesce((SELECT max(input_id) FROM risk_inputs WHERE tenant_id = $1), 0)::text AS top,
       (SELECT count(*)::int FROM risk_decisions WHERE tenant_id = $1) AS decisions`,
    [tenantId],
  );
  return rows[0]!;
}

/** Decisions committed for inputs after their partition's last checkpoint. */
async function uncheckpointedDecisions(tenantId: string): Promise<number> {
  const { rows } = await sqlAs("platform").query<{ n: number }>(
    `SELECT count(*)::int AS n FROM risk_decisions d
     JOIN risk_inputs i ON i.tenant_id = d.tenant_id AND i.input_id = d.input_id
     LEFT JOIN risk_partition_cursors c ON c.tenant_id = d.tenant_id AND c.partition = i.partition
     WHERE d.tenant_id = $1 AND d.input_id > coalesce(c.checkpoint_input_id, 0)`,
    [tenantId],
  );
  return rows[0]!.n;
}

/** Every partition has checkpointed everything stored. */
async function caughtUp(tenantId: string): Promise<boolean> {
  const { rows } = await sqlAs("platform").query<{ done: boolean }>(
    `SELECT bool_and(coalesce(c.checkpoint_input_id, 0) >= m.top) AS done
     FROM (SELECT partition, max(input_id) AS top FROM risk_inputs WHERE tenant_id = $1 GROUP BY partition) m
     LEFT JOIN risk_partition_cursors c ON c.tenant_id = $1 AND c.partition = m.partition`,
    [tenantId],
  );
  return rows[0]?.done === true;
}

async function until(check: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe("an evaluator killed with SIGKILL mid-stream", () => {
  it("resumes from its checkpoint with exactly the decisions of an uninterrupted run", async () => {
    // The uninterrupted run, in this process.
    const ref = await tenantFixture("uninterrupted");
    const refIds = await provisionedChallenges(ref, (await fastRulesProgram(ref)).programId, ACCOUNTS);
    const refUpdates = forAccounts(stream, await accountsOf(ref.tenantId, refIds));
    const evaluators = new TestEvaluators(ref.tenantId);
    await deliverStream(ref.tenantId, refUpdates);
    await evaluators.drain();
    const expected = await decisionsOf(ref.tenantId, refIds);
    expect(expected.filter((d) => d.lifecycle).length).toBeGreaterThan(0);
    const expectedCheckpoint = await checkpointedStateOf(ref.tenantId, refIds);
    expect(expectedCheckpoint.states).toHaveLength(ACCOUNTS);
    expect(expectedCheckpoint.bars.length).toBeGreaterThanOrEqual(ACCOUNTS);

    // The same stream, to an evaluator process that is killed while it works through it.
    const k = await tenantFixture("killed");
    const ids = await provisionedChallenges(k, (await fastRulesProgram(k)).programId, ACCOUNTS);
    const updates = forAccounts(stream, await accountsOf(k.tenantId, ids));
    const half = Math.floor(updates.length / 2);
    let child = await startEvaluator(k.tenantId);
    // Kill it at the worst moment: right after it committed a decision its last checkpoint does
    // not cover yet (so the restart re-derives that decision and must not act on it twice). Watched
    // while the stream arrives: an evaluator that keeps up checkpoints everything once idle.
    const firstHalf = deliverStream(k.tenantId, updates.slice(0, half), 200);
    await until(async () => (await uncheckpointedDecisions(k.tenantId)) > 0, 60_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const atKill = await progress(k.tenantId);
    expect(Number(atKill.checkpoint)).toBeLessThan(Number(atKill.top));
    await firstHalf;

    // The stream goes on while no evaluator runs (the inputs are stored), then a new one starts.
    await deliverStream(k.tenantId, updates.slice(half), 200);
    child = await startEvaluator(k.tenantId);
    await until(() => caughtUp(k.tenantId), 90_000);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));

    expect(await decisionsOf(k.tenantId, ids)).toEqual(expected);
    // The checkpointed engine states and equity bars are those of the uninterrupted run too.
    expect(await checkpointedStateOf(k.tenantId, ids)).toEqual(expectedCheckpoint);
    // Nothing doubled in the challenges' histories either: one lifecycle transition per decision that causes one.
    const { rows } = await sqlAs("platform").query<{ n: number }>(
      "SELECT count(*)::int AS n FROM challenge_events WHERE tenant_id = $1 AND kind = 'engine'",
      [k.tenantId],
    );
    expect(rows[0]!.n).toBe(expected.length);
  }, 240_000);
});
