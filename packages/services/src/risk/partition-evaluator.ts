import { risk, riskPipeline } from "@propdesk/db";
import { sqlLayer, type TenantSql } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import { type Effect, lifecycleEventOf } from "@propdesk/domain/lifecycle";
import { EngineOutput, type EngineState } from "@propdesk/domain/rules";
import { type AppliedTransition, applyChallengeEvents } from "../challenges/challenge-lifecycle";
import type { Logger } from "../logging/logger";
import {
  type ChallengeEngine,
  type DayProfit,
  type Decision,
  evaluateInput,
  expectedPhase,
  newChallengeEngine,
  nextDue,
  roomOf,
} from "./challenge-engine";
import { HourBarBuffer, hourOf } from "./equity-bars";
import { type KnownAccount, runTradingEffect } from "./platform-effects";
import { compiledProgramFor, compiledVersionIds } from "./program-cache";
import { partitionOf } from "./risk-config";
import type { RiskInput } from "./risk-input";
import { toRiskInput } from "./stored-input";

/**
 * Evaluates one partition of one tenant: reads the partition's inputs in `input_id` order, applies
 * each to its challenge's engine held in memory, and
 *
 * 1. commits decisions in order, in units of work of their own that run while evaluation goes on
 *    (one committer per partition, taking every decision queued meanwhile): the decision row (keyed
 *    by input and index, so a decision is never made twice), its challenge event, and the lifecycle
 *    transition it causes through `applyChallengeEvents` (whose effects go through the outbox);
 * 2. right after that commit, issues the platform actions of a breach, pause or resume itself
 *    (the same idempotency keys as the outbox job behind it, which then finds them done);
 * 3. checkpoints engine states, equity bars and its cursor together every `checkpointMs`, written
 *    only once every decision up to the checkpoint's input is committed.
 *
 * After a crash it reloads the last checkpoint and re-applies the inputs after it: decisions
 * already committed are found by their key and not acted on again, so the outcome is exactly that of
 * an uninterrupted run. A commit that keeps failing stops the evaluator (its engines in memory have
 * moved past what is stored); the service then starts it again from the last checkpoint.
 */
export interface PartitionEvaluatorOptions {
  tenantId: string;
  partition: number;
  log: Logger;
  batchSize?: number;
  checkpointMs?: number;
  /** The fewest challenges a checkpoint under load saves (default 250; tests use a few). */
  checkpointMinRows?: number;
  /** Carry out breach/pause platform actions right after committing (default true). */
  fastPath?: boolean;
}

interface AccountInfo {
  id: string;
  phase: number;
  platform: "simulator" | "bridge";
  platformAccountId: string | null;
}

interface Runtime {
  challengeId: string;
  deskId: string;
  currency: string;
  engine: ChallengeEngine;
  accounts: Map<string, AccountInfo>;
  /** The last input applied (at load: the last one its saved state reflects). */
  lastInputId: number;
  /** The first input applied since its state was last saved (0: saved). */
  dirtySince: number;
  bars: Map<string, HourBarBuffer>;
  /** Its hours that ended since it was last saved. */
  finished: HourBarBuffer[];
}

interface PendingDecision {
  rt: Runtime;
  input: RiskInput;
  d: Decision;
  /** RISK_PROFILE=1: when its input's read began and ended and it was evaluated (epoch ms). */
  trace?: { readFrom: number; readAt: number; evaluatedAt: number };
}

const tracing = process.env.RISK_PROFILE === "1";

interface FastAction {
  challengeId: string;
  eventSeq: number;
  effects: Effect[];
  account: KnownAccount;
}

/** Gives way to the other work of the event loop (I/O callbacks, other partitions). */
const giveWay = () => new Promise<void>((r) => setImmediate(r));

export class PartitionEvaluator {
  readonly tenantId: string;
  readonly partition: number;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly checkpointMs: number;
  private readonly checkpointMinRows: number;
  private readonly fastPath: boolean;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly dirty = new Set<Runtime>();
  private readonly out = new EngineOutput();
  /** Last input applied in memory, and the last one checkpointed. */
  private position = 0;
  private checkpointed = 0;
  private lastCheckpointAt = 0;
  /** When the last input was read (a pause in the inputs checkpoints at once). */
  private lastInputAt = 0;
  private lastReadFull = false;
  private writing: Promise<void> = Promise.resolve();
  private writingNow = false;
  private started = false;
  /** Decisions evaluated and not yet committed, in input order, and the committer taking them. */
  private readonly toCommit: PendingDecision[] = [];
  private committer: Promise<void> | null = null;
  /** Decisions ever queued and committed by this evaluator, and who waits for a count. */
  private queuedCount = 0;
  private committedCount = 0;
  private commitWaiters: Array<{ count: number; resolve: () => void; reject: (e: Error) => void }> = [];
  /** Set when committing failed for good: this evaluator must be started again from its checkpoint. */
  private failure: Error | null = null;
  /** Counters for monitoring and the benchmark. */
  readonly stats = {
    inputs: 0,
    decisions: 0,
    checkpoints: 0,
    batches: 0,
    /** Where the time went (read inputs, apply them, serialise checkpoints; committing decisions runs beside them). */
    timing: { readMs: 0, evaluateMs: 0, decideMs: 0, checkpointMs: 0 },
  };

  constructor(opts: PartitionEvaluatorOptions) {
    this.tenantId = opts.tenantId;
    this.partition = opts.partition;
    this.log = opts.log.child({ tenantId: opts.tenantId, partition: opts.partition });
    this.batchSize = opts.batchSize ?? 5_000;
    this.checkpointMs = opts.checkpointMs ?? 1_000;
    this.checkpointMinRows = opts.checkpointMinRows ?? 250;
    this.fastPath = opts.fastPath ?? true;
  }

  /** The last read filled a whole batch: more inputs are likely waiting. */
  get behind(): boolean {
    return this.lastReadFull;
  }

  get cursor(): number {
    return this.position;
  }

  /** Loads the last checkpoint: engine states, the current hour's bars, the cursor. */
  async start(): Promise<void> {
    if (this.started) return;
    await sqlLayer().withTenant(this.tenantId, async (sql) => {
      const checkpoint = await riskPipeline.readCheckpointCursor(sql, this.partition);
      const states = await riskPipeline.loadPartitionStates(sql, this.partition);
      // Every running challenge of the partition is ready before its first input arrives (after a
      // restart, or a firm's first updates), not loaded in the middle of the breach path.
      const ids = new Set(states.map((s) => s.challenge_id));
      for (const c of await riskPipeline.listRunningChallengeIds(sql))
        if (partitionOf(c.id) === this.partition) ids.add(c.id);
      for (const ctx of await this.loadContexts(sql, [...ids])) this.addRuntime(ctx);
      const barAccounts: string[] = [];
      for (const s of states) {
        const rt = this.runtimes.get(s.challenge_id);
        if (!rt) continue;
        rt.engine.state = s.state as EngineState;
        rt.engine.days = (s.day_profits ?? []) as DayProfit[];
        rt.engine.suspended = s.suspended;
        rt.lastInputId = Number(s.last_input_id);
        for (const acc of rt.accounts.values()) barAccounts.push(acc.id);
      }
      const owner = new Map<string, Runtime>();
      for (const rt of this.runtimes.values()) for (const id of rt.accounts.keys()) owner.set(id, rt);
      for (const row of await riskPipeline.loadLatestHourBars(sql, barAccounts))
        owner.get(row.tradingAccountId)?.bars.set(row.tradingAccountId, HourBarBuffer.from(row));
      this.position = checkpoint;
      this.checkpointed = checkpoint;
      if (checkpoint > 0) this.log.info({ from: checkpoint }, "resuming after the last checkpoint");
    });
    this.lastCheckpointAt = Date.now();
    this.started = true;
  }

  /** Contexts, those that carry a program definition first (the others share its compiled program). */
  private async loadContexts(sql: TenantSql, ids: string[]): Promise<riskPipeline.ChallengeContextRow[]> {
    const out: riskPipeline.ChallengeContextRow[] = [];
    for (let i = 0; i < ids.length; i += 5_000) {
      const rows = await riskPipeline.loadChallengeContexts(
        sql,
        ids.slice(i, i + 5_000),
        compiledVersionIds(),
      );
      rows.sort((a, b) => (a.definition === null ? 1 : 0) - (b.definition === null ? 1 : 0));
      out.push(...rows);
      for (const r of rows) if (r.definition !== null) compiledProgramFor(r.program_version_id, r.definition);
    }
    return out;
  }

  private addRuntime(ctx: riskPipeline.ChallengeContextRow): Runtime {
    const program = compiledProgramFor(ctx.program_version_id, ctx.definition);
    const rt: Runtime = {
      challengeId: ctx.challenge_id,
      deskId: ctx.desk_id,
      currency: ctx.currency,
      engine: newChallengeEngine(program),
      accounts: new Map(
        ctx.accounts.map((a) => [
          a.id,
          {
            id: a.id,
            phase: a.phase,
            platform: a.platform as "simulator" | "bridge",
            platformAccountId: a.platformAccountId,
          },
        ]),
      ),
      lastInputId: 0,
      dirtySince: 0,
      bars: new Map(),
      finished: [],
    };
    this.runtimes.set(ctx.challenge_id, rt);
    return rt;
  }

  /**
   * Processes up to one batch of inputs. Returns how many inputs it read (0: caught up).
   */
  async step(): Promise<number> {
    if (this.failure) throw this.failure;
    if (!this.started) await this.start();
    const readFrom = tracing ? Date.now() : 0;
    const t0 = performance.now();
    // The hot read in one round trip; contexts of challenges not seen yet in a unit of work after it.
    const rows = await riskPipeline.readPartitionInputs(
      sqlLayer().reader(this.tenantId),
      this.partition,
      this.position,
      this.batchSize,
    );
    // Challenges (or trading accounts) this evaluator has not seen yet.
    const unknown = new Set<string>();
    for (const r of rows) {
      const rt = this.runtimes.get(r.challenge_id);
      if (!rt || !rt.accounts.has(r.trading_account_id)) unknown.add(r.challenge_id);
    }
    if (unknown.size > 0) {
      await sqlLayer().withTenant(this.tenantId, async (sql) => {
        for (const ctx of await this.loadContexts(sql, [...unknown])) {
          const existing = this.runtimes.get(ctx.challenge_id);
          if (!existing) this.addRuntime(ctx);
          else
            for (const a of ctx.accounts)
              existing.accounts.set(a.id, {
                id: a.id,
                phase: a.phase,
                platform: a.platform as "simulator" | "bridge",
                platformAccountId: a.platformAccountId,
              });
        }
      });
    }
    this.lastReadFull = rows.length >= this.batchSize;
    if (rows.length === 0) {
      const due = this.checkpointDue(true);
      if (due) await this.checkpoint(due);
      return 0;
    }
    const t1 = performance.now();
    this.lastInputAt = Date.now();
    const readAt = this.lastInputAt;
    const pending: PendingDecision[] = [];
    let sinceYield = 0;
    for (const row of rows) {
      // Evaluation is CPU work on the process's one event loop: give way every few hundred inputs,
      // so the statements of decisions being committed (a transaction that may hold the firm's audit
      // chain) are sent on without waiting for the whole batch.
      if (++sinceYield === 200) {
        sinceYield = 0;
        await giveWay();
      }
      const input = toRiskInput(row);
      const rt = this.runtimes.get(input.challengeId);
      if (!rt) {
        this.log.error(
          { inputId: input.inputId, challengeId: input.challengeId },
          "input for an unknown challenge",
        );
        continue;
      }
      // Checkpoints save challenges a few at a time: after a restart, the inputs a challenge's
      // saved state already reflects are read again for the others, and skipped for it.
      if (input.inputId <= rt.lastInputId) continue;
      const outcome = evaluateInput(rt.engine, input, this.out).decisions;
      if (input.kind === "account") this.recordBar(rt, input);
      rt.lastInputId = input.inputId;
      if (rt.dirtySince === 0) rt.dirtySince = input.inputId;
      this.dirty.add(rt);
      for (const d of outcome)
        pending.push(
          tracing && d.decision.type === "breached"
            ? { rt, input, d, trace: { readFrom, readAt, evaluatedAt: Date.now() } }
            : { rt, input, d },
        );
    }
    this.stats.inputs += rows.length;
    this.stats.batches++;
    const t2 = performance.now();
    if (pending.length > 0) this.queueDecisions(pending);
    this.position = Number(rows[rows.length - 1]!.input_id);
    const t3 = performance.now();
    const due = this.checkpointDue();
    if (due) await this.checkpoint(due);
    const t = this.stats.timing;
    t.readMs += t1 - t0;
    t.evaluateMs += t2 - t1;
    t.checkpointMs += performance.now() - t3;
    return rows.length;
  }

  private recordBar(rt: Runtime, input: RiskInput): void {
    const hour = hourOf(input.t);
    let buf = rt.bars.get(input.tradingAccountId);
    if (buf && hour < buf.hourMs) {
      // An update stamped before the hour already being built joins that hour's first minute.
      buf.add(buf.hourMs, input.equity, input.balance, null, null);
      return;
    }
    if (!buf || buf.hourMs !== hour) {
      if (buf?.dirty) rt.finished.push(buf);
      buf = new HourBarBuffer(input.tradingAccountId, hour);
      rt.bars.set(input.tradingAccountId, buf);
    }
    const s = rt.engine.state;
    const mine = s !== null && rt.accounts.get(input.tradingAccountId)?.phase === s.phase;
    const room = mine ? roomOf(rt.engine) : null;
    buf.add(input.t, input.equity, input.balance, room?.dailyFloor ?? null, room?.maxLossFloor ?? null);
  }

  /** Hands decisions to the committer (started if idle); evaluation goes on meanwhile. */
  private queueDecisions(pending: PendingDecision[]): void {
    for (const p of pending) this.toCommit.push(p);
    this.queuedCount += pending.length;
    // After a failure nothing more is committed: the decisions behind it would be out of order.
    if (!this.committer && !this.failure) this.committer = this.commitQueued();
  }

  /**
   * Commits what is queued, oldest first, each time everything queued so far (up to 50 lifecycle
   * transitions) in one unit of work: a burst of breaches shares one commit instead of queueing
   * behind each other's. Platform actions of each commit start as soon as it is done.
   */
  private async commitQueued(): Promise<void> {
    try {
      while (this.toCommit.length > 0) {
        let n = 0;
        let transitions = 0;
        while (n < this.toCommit.length && transitions < 50)
          if (lifecycleEventOf(this.toCommit[n++]!.d.decision) !== null) transitions++;
        const group = this.toCommit.slice(0, n);
        const t0 = performance.now();
        const commitFrom = Date.now();
        const fast = await this.commitWithRetry(group);
        if (tracing) this.traceBreaches(group, commitFrom);
        this.toCommit.splice(0, n);
        this.committedCount += n;
        this.commitWaiters = this.commitWaiters.filter((w) => {
          if (w.count > this.committedCount) return true;
          w.resolve();
          return false;
        });
        this.stats.decisions += group.length;
        this.stats.timing.decideMs += performance.now() - t0;
        if (this.fastPath) for (const f of fast) void this.actNow(f);
      }
    } catch (e) {
      const failure = e instanceof Error ? e : new Error(String(e));
      this.failure = failure;
      this.log.error({ err: failure.message }, "committing decisions failed; the evaluator stops");
      for (const w of this.commitWaiters.splice(0)) w.reject(failure);
    } finally {
      this.committer = null;
    }
  }

  /** RISK_PROFILE=1: each committed breach's milliseconds since its update was received, step by step. */
  private traceBreaches(group: PendingDecision[], commitFrom: number): void {
    const committedAt = Date.now();
    for (const { input, trace } of group) {
      if (!trace) continue;
      const since = (t: number) => t - input.receivedAtMs;
      this.log.warn(
        {
          received: input.receivedAtMs,
          read: since(trace.readFrom),
          readDone: since(trace.readAt),
          evaluated: since(trace.evaluatedAt),
          commitFrom: since(commitFrom),
          committed: since(committedAt),
          group: group.length,
        },
        "breach trace",
      );
    }
  }

  private async commitWithRetry(group: PendingDecision[]): Promise<FastAction[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await sqlLayer().withTenant(this.tenantId, (sql) => commitBatch(sql, group, this.fastPath));
      } catch (e) {
        if (attempt >= 5) throw e;
        this.log.warn({ err: (e as Error).message, attempt }, "committing decisions failed; retrying");
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  /**
   * Resolves when every decision queued so far is committed, whatever is queued after (rejects if
   * committing failed).
   */
  private decisionsCommitted(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const count = this.queuedCount;
    if (this.committedCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.commitWaiters.push({ count, resolve, reject }));
  }

  /** The platform actions of a committed transition, issued at once (the outbox job repeats them idempotently). */
  private async actNow(f: FastAction): Promise<void> {
    for (const [effectIndex, effect] of f.effects.entries()) {
      if (
        effect.type !== "close_positions" &&
        effect.type !== "disable_trading" &&
        effect.type !== "enable_trading"
      )
        continue;
      try {
        await runTradingEffect(
          { tenantId: this.tenantId, challengeId: f.challengeId, eventSeq: f.eventSeq, effectIndex },
          effect,
          this.log,
          f.account,
        );
      } catch (e) {
        this.log.warn(
          { challengeId: f.challengeId, effect: effect.type, err: (e as Error).message },
          "immediate platform action failed; the outbox job will retry it",
        );
        return;
      }
    }
  }

  /**
   * A checkpoint every `checkpointMs` while something changed: under load it saves the challenges
   * changed longest ago, enough of them that each is saved within about 15 s (the cost is spread
   * evenly instead of arriving in one large write, and a crash costs re-applying at most those
   * seconds of stored inputs); once the inputs pause for `checkpointMs`, everything at once.
   */
  private checkpointDue(idle = false): { all: boolean } | null {
    if (this.writingNow || !this.unsaved || Date.now() - this.lastCheckpointAt < this.checkpointMs)
      return null;
    return { all: idle && Date.now() - this.lastInputAt >= this.checkpointMs };
  }

  /** Whether something evaluated is not checkpointed yet (the service wakes it to store it). */
  get unsaved(): boolean {
    return this.dirty.size > 0;
  }

  /**
   * Writes changed engine states with their bar rows, and the cursor (every input up to it is
   * reflected in what is saved), in one unit of work: every changed challenge (`all`), or those
   * changed longest ago. Each row is serialised here as it is taken, in slices of 200 that give way
   * to the other partitions (this partition waits, so nothing it owns changes meanwhile); the write
   * then runs in the background while evaluation goes on (one checkpoint at a time).
   */
  async checkpoint(opts: { all: boolean } = { all: true }): Promise<void> {
    const previous = this.writing;
    this.writingNow = true;
    const dirty = [...this.dirty].sort((a, b) => a.dirtySince - b.dirtySince);
    const count = opts.all
      ? dirty.length
      : Math.min(
          dirty.length,
          Math.max(this.checkpointMinRows, Math.ceil((dirty.length * this.checkpointMs) / 15_000)),
        );
    const chosen = dirty.slice(0, count);
    const taken: Array<{ rt: Runtime; since: number; finished: HourBarBuffer[]; bars: HourBarBuffer[] }> = [];
    const payload: { states: string[]; bars: string[] } = { states: [], bars: [] };
    for (const [n, rt] of chosen.entries()) {
      if (n > 0 && n % 200 === 0) await giveWay();
      const entry = { rt, since: rt.dirtySince, finished: rt.finished, bars: [] as HourBarBuffer[] };
      taken.push(entry);
      for (const b of rt.finished) payload.bars.push(JSON.stringify(snapshotBars(b)));
      for (const b of rt.bars.values())
        if (b.dirty) {
          payload.bars.push(JSON.stringify(snapshotBars(b)));
          b.dirty = false;
          entry.bars.push(b);
        }
      rt.finished = [];
      rt.dirtySince = 0;
      this.dirty.delete(rt);
      const row = this.stateRow(rt);
      if (row) payload.states.push(JSON.stringify(row));
    }
    // Inputs after the oldest change not saved yet are read again after a restart.
    let oldestUnsaved = Number.POSITIVE_INFINITY;
    for (const rt of this.dirty) oldestUnsaved = Math.min(oldestUnsaved, rt.dirtySince);
    const at = Number.isFinite(oldestUnsaved) ? Math.min(this.position, oldestUnsaved - 1) : this.position;
    this.lastCheckpointAt = Date.now();
    const committed = this.decisionsCommitted();
    committed.catch(() => {});
    this.writing = (async () => {
      await previous;
      try {
        // The states include every decision up to where they are: stored only once those are.
        await committed;
        await sqlLayer().withTenant(this.tenantId, (sql) =>
          riskPipeline.writeCheckpoint(sql, this.partition, at, payload),
        );
        this.checkpointed = Math.max(this.checkpointed, at);
        this.stats.checkpoints++;
      } catch (e) {
        // Nothing is lost: the inputs are stored; these challenges are written with a later checkpoint.
        this.log.warn({ err: (e as Error).message }, "checkpoint failed; retrying with the next one");
        for (const t of taken) {
          t.rt.dirtySince = t.rt.dirtySince === 0 ? t.since : Math.min(t.since, t.rt.dirtySince);
          t.rt.finished = [...t.finished, ...t.rt.finished];
          for (const b of t.bars) b.dirty = true;
          this.dirty.add(t.rt);
        }
      } finally {
        this.writingNow = false;
      }
    })();
  }

  /** A challenge's checkpoint row (null before its first phase starts). */
  private stateRow(rt: Runtime): riskPipeline.StateCheckpoint | null {
    const s = rt.engine.state;
    if (!s) return null;
    const phase = expectedPhase(s);
    const account =
      [...rt.accounts.values()].find((a) => a.phase === phase) ??
      [...rt.accounts.values()].find((a) => a.phase === s.phase);
    if (!account) return null;
    const room = roomOf(rt.engine);
    return {
      challengeId: rt.challengeId,
      partition: this.partition,
      platform: account.platform,
      deskId: rt.deskId,
      tradingAccountId: account.id,
      phaseIndex: s.phase,
      engineStatus: s.started === 1 ? s.status : "not_started",
      suspended: rt.engine.suspended,
      state: s,
      dayProfits: rt.engine.days,
      lastInputId: rt.lastInputId,
      lastTMs: s.lastT,
      currency: rt.currency,
      balance: s.balance,
      equity: s.equity,
      openPositions: s.openPositions,
      dailyFloor: room.dailyFloor,
      maxLossFloor: room.maxLossFloor,
      room: room.room,
      roomBp: room.roomBp,
      nextDueMs: nextDue(rt.engine),
    };
  }

  /** Processes everything available, then checkpoints (tests and shutdown). */
  async drain(): Promise<void> {
    while ((await this.step()) > 0) {}
    await this.decisionsCommitted();
    if (this.dirty.size > 0 || this.checkpointed < this.position) {
      await this.writing;
      await this.checkpoint();
    }
    await this.writing;
  }

  /** Waits for the decisions queued and the checkpoint being written, if any. */
  async flush(): Promise<void> {
    await this.decisionsCommitted();
    await this.writing;
  }

  /** Whether committing failed for good (the service starts the partition again from its checkpoint). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** The in-memory engine of a challenge (tests, diagnostics). */
  engineOf(challengeId: string): ChallengeEngine | undefined {
    return this.runtimes.get(challengeId)?.engine;
  }
}

/** A copy of a bar buffer's arrays as they are now (the buffer keeps growing while it is written). */
function snapshotBars(b: riskPipeline.HourBars): riskPipeline.HourBars {
  return {
    tradingAccountId: b.tradingAccountId,
    hourMs: b.hourMs,
    minutes: b.minutes.slice(),
    equityOpen: b.equityOpen.slice(),
    equityHigh: b.equityHigh.slice(),
    equityLow: b.equityLow.slice(),
    equityClose: b.equityClose.slice(),
    balance: b.balance.slice(),
    dailyFloor: b.dailyFloor.slice(),
    maxLossFloor: b.maxLossFloor.slice(),
  };
}

/**
 * A batch of decisions in the caller's unit of work: the decision rows (those already stored, by an
 * evaluator that crashed after committing them, are skipped), their challenge events numbered under
 * the challenges' lock, then the lifecycle transitions of the new ones together through
 * `applyChallengeEvents`. Two round trips: the lock, the decisions and the challenges' state; then
 * every write with the commit. Returns the platform actions to carry out at once.
 */
async function commitBatch(
  db: TenantSql,
  pending: PendingDecision[],
  fastPath: boolean,
): Promise<FastAction[]> {
  const key = (c: string, i: number, x: number) => `${c}:${i}:${x}`;
  // The challenges are locked before their next seqs are read: a staff action or a payment dispute
  // writing one of their events at the same moment is waited for, never collided with.
  const { inserted, locked } = await risk.insertDecisionsLocking(
    db,
    pending.map(({ rt, input, d }) => ({
      challengeId: rt.challengeId,
      tradingAccountId: input.tradingAccountId,
      inputId: input.inputId,
      idx: d.idx,
      phaseIndex: d.decision.phase,
      type: d.decision.type,
      rule: d.decision.rule,
      tMs: d.decision.t,
      decision: d.decision as never,
      stateBefore: d.stateBefore as never,
    })),
  );
  if (inserted.length === 0) return [];
  const ids = new Map(inserted.map((r) => [key(r.challengeId, r.inputId, r.idx), r.id]));
  const fresh = pending.filter((p) => ids.has(key(p.rt.challengeId, p.input.inputId, p.d.idx)));
  const engineSeq = new Map<PendingDecision, number>();
  const rows: risk.EngineEventRow[] = fresh.map((p) => {
    const dec = p.d.decision;
    const row = locked.get(p.rt.challengeId);
    if (!row) throw new AppError("NOT_FOUND", `Challenge ${p.rt.challengeId} does not exist.`);
    const seq = ++row.lastSeq;
    engineSeq.set(p, seq);
    return {
      challengeId: p.rt.challengeId,
      seq,
      type: dec.type,
      phaseIndex: dec.phase,
      tradingAccountId: p.input.tradingAccountId,
      cause: { type: "rule", ...(dec.rule ? { rule: dec.rule } : {}) },
      details: {
        decisionId: ids.get(key(p.rt.challengeId, p.input.inputId, p.d.idx)),
        inputId: p.input.inputId,
        idx: p.d.idx,
        equity: dec.equity,
        balance: dec.balance,
        floor: dec.floor,
        level: dec.level,
      },
      occurredAt: new Date(dec.t),
    };
  });
  await risk.insertEngineEvents(db, rows);
  // The lifecycle transitions of the batch, together (one statement per table, in input order).
  const changes = fresh.flatMap((p) => {
    const event = lifecycleEventOf(p.d.decision);
    if (!event) return [];
    const decisionId = ids.get(key(p.rt.challengeId, p.input.inputId, p.d.idx))!;
    return [
      {
        p,
        event,
        request: {
          challengeId: p.rt.challengeId,
          event,
          opts: {
            occurredAt: new Date(p.d.decision.t),
            tradingAccountId: p.input.tradingAccountId,
            details: { decisionId, inputId: p.input.inputId, idx: p.d.idx },
            // The platform actions are issued here right after the commit; the job repeats them
            // (finding them done) 5 to 10 s later, spread out after a burst, or does them if this
            // process died first.
            ...(fastPath ? { effectsDelayMs: 5_000 + Math.floor(Math.random() * 5_000) } : {}),
          },
        },
      },
    ];
  });
  // The transitions number their events after the engine's, on the challenges locked above; the
  // decisions' outcomes are written before the audit append, which holds the firm's audit chain.
  const fast: FastAction[] = [];
  await applyChallengeEvents(
    db,
    changes.map((c) => c.request),
    {
      locked,
      beforeAudit: async (applied) => {
        const outcomeOf = new Map<PendingDecision, AppliedTransition | AppError>(
          changes.map((c, i) => [c.p, applied[i]!]),
        );
        const outcomes: Parameters<typeof risk.recordDecisionOutcomes>[1][number][] = [];
        for (const p of fresh) {
          const { rt, input } = p;
          const dec = p.d.decision;
          const decisionId = ids.get(key(rt.challengeId, input.inputId, p.d.idx))!;
          const outcome = outcomeOf.get(p);
          let lifecycleEventSeq: number | null = null;
          let note: string | null = null;
          if (outcome instanceof AppError) {
            // Refused by the state machine (the challenge moved on meanwhile): recorded, not acted on.
            if (outcome.code !== "ILLEGAL_TRANSITION") throw outcome;
            note = outcome.message;
          } else if (outcome) {
            lifecycleEventSeq = outcome.seq;
            const account = rt.accounts.get(input.tradingAccountId);
            const event = lifecycleEventOf(dec)!;
            if (account?.platformAccountId)
              fast.push({
                challengeId: rt.challengeId,
                eventSeq: outcome.seq,
                effects: outcome.effects,
                account: {
                  tradingAccountId: account.id,
                  platform: account.platform,
                  platformAccountId: account.platformAccountId,
                  why: `${event.type}${dec.rule ? ` on ${dec.rule}` : ""} (challenge event #${outcome.seq})`,
                },
              });
          }
          outcomes.push({
            id: decisionId,
            engineEventSeq: engineSeq.get(p)!,
            lifecycleEventSeq,
            lifecycleNote: note,
          });
        }
        await risk.recordDecisionOutcomes(db, outcomes);
      },
    },
  );
  return fast;
}
