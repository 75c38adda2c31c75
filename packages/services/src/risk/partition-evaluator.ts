import { dataLayer, risk, riskPipeline, type TenantDb } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { isAppError } from "@propdesk/domain";
import { type Effect, lifecycleEventOf } from "@propdesk/domain/lifecycle";
import { EngineOutput, type EngineState } from "@propdesk/domain/rules";
import { applyChallengeEvent } from "../challenges/challenge-lifecycle";
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
import { compiledProgramFor } from "./program-cache";
import type { RiskInput } from "./risk-input";
import { toRiskInput } from "./stored-input";

/**
 * Evaluates one partition of one tenant: reads the partition's inputs in `input_id` order, applies
 * each to its challenge's engine held in memory, and
 *
 * 1. commits the decisions of each batch in one unit of work: the decision row (keyed by input and
 *    index, so a decision is never made twice), its challenge event, and the lifecycle transition
 *    it causes through `applyChallengeEvent` (whose effects go through the outbox);
 * 2. right after that commit, issues the platform actions of a breach, pause or resume itself
 *    (the same idempotency keys as the outbox job behind it, which then finds them done);
 * 3. checkpoints engine states, equity bars and its cursor together every `checkpointMs`.
 *
 * After a crash it reloads the last checkpoint and re-applies the inputs after it: decisions
 * already committed are found by their key and not acted on again, so the outcome is exactly that of
 * an uninterrupted run.
 */
export interface PartitionEvaluatorOptions {
  tenantId: string;
  partition: number;
  log: Logger;
  batchSize?: number;
  checkpointMs?: number;
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
  lastInputId: number;
  bars: Map<string, HourBarBuffer>;
}

interface PendingDecision {
  rt: Runtime;
  input: RiskInput;
  d: Decision;
}

interface FastAction {
  challengeId: string;
  eventSeq: number;
  effects: Effect[];
  account: KnownAccount;
}

/**
 * Decisions first: while an evaluator of this process is committing decisions (short units of work
 * that may hold the firm's audit chain), the others hold back their CPU-bound work (evaluation,
 * checkpoint serialisation), so those transactions never wait on the event loop.
 */
class CommitGate {
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  enter(): void {
    this.inFlight++;
  }
  exit(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when no commit is in flight: after one turn of the event loop, or after the commits. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return new Promise((r) => setImmediate(r));
    return new Promise((r) => this.waiters.push(r));
  }
}
const commitGate = new CommitGate();

export class PartitionEvaluator {
  readonly tenantId: string;
  readonly partition: number;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly checkpointMs: number;
  private readonly fastPath: boolean;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly dirty = new Set<Runtime>();
  private readonly finishedBars: HourBarBuffer[] = [];
  private readonly out = new EngineOutput();
  /** Last input applied in memory, and the last one checkpointed. */
  private position = 0;
  private checkpointed = 0;
  private lastCheckpointAt = 0;
  private writing: Promise<void> = Promise.resolve();
  private writingNow = false;
  private started = false;
  /** Counters for monitoring and the benchmark. */
  readonly stats = {
    inputs: 0,
    decisions: 0,
    checkpoints: 0,
    batches: 0,
    /** Where the time of the steps went (read inputs, apply them, commit decisions, serialise checkpoints). */
    timing: { readMs: 0, evaluateMs: 0, decideMs: 0, checkpointMs: 0 },
  };

  constructor(opts: PartitionEvaluatorOptions) {
    this.tenantId = opts.tenantId;
    this.partition = opts.partition;
    this.log = opts.log.child({ tenantId: opts.tenantId, partition: opts.partition });
    this.batchSize = opts.batchSize ?? 5_000;
    this.checkpointMs = opts.checkpointMs ?? 1_000;
    this.fastPath = opts.fastPath ?? true;
  }

  get cursor(): number {
    return this.position;
  }

  /** Loads the last checkpoint: engine states, the current hour's bars, the cursor. */
  async start(): Promise<void> {
    if (this.started) return;
    await sqlLayer().withTenant(this.tenantId, async (sql) => {
      const cursor = await riskPipeline.readCursor(sql, this.partition);
      const states = await riskPipeline.loadPartitionStates(sql, this.partition);
      const contexts = await riskPipeline.loadChallengeContexts(
        sql,
        states.map((s) => s.challenge_id),
      );
      for (const ctx of contexts) this.addRuntime(ctx);
      const barKeys: Array<{ tradingAccountId: string; hourMs: number }> = [];
      for (const s of states) {
        const rt = this.runtimes.get(s.challenge_id);
        if (!rt) continue;
        rt.engine.state = s.state as EngineState;
        rt.engine.days = (s.day_profits ?? []) as DayProfit[];
        rt.engine.suspended = s.suspended;
        rt.lastInputId = Number(s.last_input_id);
        const st = rt.engine.state;
        for (const acc of rt.accounts.values())
          if (acc.phase === expectedPhase(st) || acc.phase === st.phase)
            barKeys.push({ tradingAccountId: acc.id, hourMs: hourOf(st.lastT) });
      }
      for (const row of await riskPipeline.loadHourBars(sql, barKeys)) {
        for (const rt of this.runtimes.values())
          if (rt.accounts.has(row.tradingAccountId))
            rt.bars.set(row.tradingAccountId, HourBarBuffer.from(row));
      }
      this.position = cursor.checkpointInputId;
      this.checkpointed = cursor.checkpointInputId;
      if (cursor.processedInputId > cursor.checkpointInputId)
        this.log.info(
          { from: cursor.checkpointInputId, to: cursor.processedInputId },
          "resuming: re-applying inputs after the last checkpoint",
        );
    });
    this.lastCheckpointAt = Date.now();
    this.started = true;
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
      bars: new Map(),
    };
    this.runtimes.set(ctx.challenge_id, rt);
    return rt;
  }

  /**
   * Processes up to one batch of inputs. Returns how many inputs it read (0: caught up).
   */
  async step(): Promise<number> {
    if (!this.started) await this.start();
    const t0 = performance.now();
    const rows = await sqlLayer().withTenant(this.tenantId, async (sql) => {
      const batch = await riskPipeline.readPartitionInputs(
        sql,
        this.partition,
        this.position,
        this.batchSize,
      );
      // Challenges (or trading accounts) this evaluator has not seen yet.
      const unknown = new Set<string>();
      for (const r of batch) {
        const rt = this.runtimes.get(r.challenge_id);
        if (!rt || !rt.accounts.has(r.trading_account_id)) unknown.add(r.challenge_id);
      }
      if (unknown.size > 0) {
        for (const ctx of await riskPipeline.loadChallengeContexts(sql, [...unknown])) {
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
      }
      return batch;
    });
    if (rows.length === 0) {
      if (this.checkpointDue(true)) await this.checkpoint();
      return 0;
    }
    const t1 = performance.now();
    const pending: PendingDecision[] = [];
    let sinceYield = 0;
    await commitGate.idle();
    for (const row of rows) {
      // Evaluation is CPU work on the process's one event loop: give way every few hundred inputs,
      // and wait while another partition commits decisions (its transaction may hold the firm's
      // audit chain, and must not wait on this loop between two of its statements).
      if (++sinceYield === 250) {
        sinceYield = 0;
        await commitGate.idle();
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
      const outcome = evaluateInput(rt.engine, input, this.out).decisions;
      if (input.kind === "account") this.recordBar(rt, input);
      rt.lastInputId = input.inputId;
      this.dirty.add(rt);
      for (const d of outcome) pending.push({ rt, input, d });
    }
    this.stats.inputs += rows.length;
    this.stats.batches++;
    const t2 = performance.now();
    if (pending.length > 0) await this.commitDecisions(pending);
    this.position = Number(rows[rows.length - 1]!.input_id);
    const t3 = performance.now();
    if (this.checkpointDue()) await this.checkpoint();
    const t = this.stats.timing;
    t.readMs += t1 - t0;
    t.evaluateMs += t2 - t1;
    t.decideMs += t3 - t2;
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
      if (buf?.dirty) this.finishedBars.push(buf);
      buf = new HourBarBuffer(input.tradingAccountId, hour);
      rt.bars.set(input.tradingAccountId, buf);
    }
    const s = rt.engine.state;
    const mine = s !== null && rt.accounts.get(input.tradingAccountId)?.phase === s.phase;
    const room = mine ? roomOf(rt.engine) : null;
    buf.add(input.t, input.equity, input.balance, room?.dailyFloor ?? null, room?.maxLossFloor ?? null);
  }

  /** One unit of work for a batch's decisions, then the platform actions of what they changed. */
  private async commitDecisions(pending: PendingDecision[]): Promise<void> {
    // In input order: runs of decisions that change no lifecycle state share one unit of work; each
    // decision that does gets its own, so a transition's audit record holds the firm's audit chain
    // only briefly and its platform actions start as soon as it commits.
    let i = 0;
    while (i < pending.length) {
      let j = i;
      if (lifecycleEventOf(pending[i]!.d.decision) === null)
        while (j + 1 < pending.length && lifecycleEventOf(pending[j + 1]!.d.decision) === null) j++;
      const group = pending.slice(i, j + 1);
      i = j + 1;
      let fast: FastAction[] = [];
      commitGate.enter();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            fast = await dataLayer().withTenant(this.tenantId, (db) => commitBatch(db, group), {
              timeout: 60_000,
            });
            break;
          } catch (e) {
            if (attempt >= 5) throw e;
            this.log.warn({ err: (e as Error).message, attempt }, "committing decisions failed; retrying");
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
      } finally {
        commitGate.exit();
      }
      if (this.fastPath) for (const f of fast) void this.actNow(f);
    }
    this.stats.decisions += pending.length;
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
   * Checkpoints every `checkpointMs` when caught up or while few challenges change, and less often
   * under load as more do (6 ms per changed challenge, at most 15 s): the cost of a checkpoint grows
   * with what it writes, and what a crash costs is only re-applying the stored inputs since the
   * last one.
   */
  private checkpointDue(caughtUp = false): boolean {
    if (this.writingNow || (this.dirty.size === 0 && this.finishedBars.length === 0)) return false;
    const interval = caughtUp
      ? this.checkpointMs
      : Math.min(15_000, Math.max(this.checkpointMs, this.dirty.size * 6));
    return Date.now() - this.lastCheckpointAt >= interval;
  }

  /**
   * Writes every changed engine state and bar row and the cursor, in one unit of work. Each row is
   * serialised here as it is taken, in slices of 200 that give way to the other partitions (this
   * partition waits, so nothing it owns changes meanwhile); the write then runs in the background
   * while evaluation goes on (one checkpoint at a time), so a large checkpoint never stalls the
   * breach path.
   */
  async checkpoint(): Promise<void> {
    const previous = this.writing;
    this.writingNow = true;
    let serialised = 0;
    const payload: { states: string[]; bars: string[] } = { states: [], bars: [] };
    const bars: riskPipeline.HourBars[] = [];
    const takeBars = (b: riskPipeline.HourBars) => {
      const copy = snapshotBars(b);
      bars.push(copy);
      payload.bars.push(JSON.stringify(copy));
    };
    for (const b of this.finishedBars) takeBars(b);
    for (const rt of this.dirty) {
      if (++serialised % 200 === 0) await commitGate.idle();
      for (const b of rt.bars.values())
        if (b.dirty) {
          takeBars(b);
          b.dirty = false;
        }
      const s = rt.engine.state;
      if (!s) continue;
      const phase = expectedPhase(s);
      const account =
        [...rt.accounts.values()].find((a) => a.phase === phase) ??
        [...rt.accounts.values()].find((a) => a.phase === s.phase);
      if (!account) continue;
      const room = roomOf(rt.engine);
      const row: riskPipeline.StateCheckpoint = {
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
      payload.states.push(JSON.stringify(row));
    }
    const runtimes = [...this.dirty];
    this.finishedBars.length = 0;
    this.dirty.clear();
    this.lastCheckpointAt = Date.now();
    const at = this.position;
    this.writing = (async () => {
      await previous;
      try {
        await sqlLayer().withTenant(this.tenantId, (sql) =>
          riskPipeline.writeCheckpoint(sql, this.partition, at, payload),
        );
        this.checkpointed = Math.max(this.checkpointed, at);
        this.stats.checkpoints++;
      } catch (e) {
        // Nothing is lost: the inputs are stored; these challenges are written with the next checkpoint.
        this.log.warn({ err: (e as Error).message }, "checkpoint failed; retrying with the next one");
        for (const rt of runtimes) {
          this.dirty.add(rt);
          for (const b of rt.bars.values()) b.dirty = true;
        }
        // Finished hours are kept for the next try; current hours are still in their buffers.
        for (const b of bars)
          if (!runtimes.some((rt) => rt.bars.get(b.tradingAccountId)?.hourMs === b.hourMs))
            this.finishedBars.push(HourBarBuffer.from(b));
      } finally {
        this.writingNow = false;
      }
    })();
  }

  /** Processes everything available, then checkpoints (tests and shutdown). */
  async drain(): Promise<void> {
    while ((await this.step()) > 0) {}
    if (this.dirty.size > 0 || this.checkpointed < this.position) {
      await this.writing;
      await this.checkpoint();
    }
    await this.writing;
  }

  /** Waits for the checkpoint being written, if any. */
  async flush(): Promise<void> {
    await this.writing;
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
 * evaluator that crashed after committing them, are skipped), their challenge events, then for each
 * new one its lifecycle transition through `applyChallengeEvent`. Returns the platform actions to
 * carry out at once.
 */
async function commitBatch(db: TenantDb, pending: PendingDecision[]): Promise<FastAction[]> {
  const key = (c: string, i: number, x: number) => `${c}:${i}:${x}`;
  const inserted = await risk.insertDecisions(
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
  const seqs = await risk.maxChallengeEventSeqs(db, [...new Set(fresh.map((p) => p.rt.challengeId))]);
  const engineSeq = new Map<PendingDecision, number>();
  const rows: risk.EngineEventRow[] = fresh.map((p) => {
    const dec = p.d.decision;
    const seq = (seqs.get(p.rt.challengeId) ?? 0) + 1;
    seqs.set(p.rt.challengeId, seq);
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
  const fast: FastAction[] = [];
  const outcomes: Parameters<typeof risk.recordDecisionOutcomes>[1][number][] = [];
  for (const p of fresh) {
    const { rt, input } = p;
    const dec = p.d.decision;
    const decisionId = ids.get(key(rt.challengeId, input.inputId, p.d.idx))!;
    const event = lifecycleEventOf(dec);
    let lifecycleEventSeq: number | null = null;
    let note: string | null = null;
    if (event) {
      try {
        const applied = await applyChallengeEvent(db, rt.challengeId, event, {
          occurredAt: new Date(dec.t),
          tradingAccountId: input.tradingAccountId,
          details: { decisionId, inputId: input.inputId, idx: p.d.idx },
        });
        lifecycleEventSeq = applied.seq;
        const account = rt.accounts.get(input.tradingAccountId);
        if (account?.platformAccountId)
          fast.push({
            challengeId: rt.challengeId,
            eventSeq: applied.seq,
            effects: applied.effects,
            account: {
              tradingAccountId: account.id,
              platform: account.platform,
              platformAccountId: account.platformAccountId,
              why: `${event.type}${dec.rule ? ` on ${dec.rule}` : ""} (challenge event #${applied.seq})`,
            },
          });
      } catch (e) {
        if (!(isAppError(e) && e.code === "ILLEGAL_TRANSITION")) throw e;
        note = e.message;
      }
    }
    outcomes.push({
      id: decisionId,
      engineEventSeq: engineSeq.get(p)!,
      lifecycleEventSeq,
      lifecycleNote: note,
    });
  }
  await risk.recordDecisionOutcomes(db, outcomes);
  return fast;
}
