import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { riskPipeline } from "@propdesk/db";
import { AdvisoryClaims, listenWithPayload } from "@propdesk/db/listen-payload";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import type { Logger } from "../logging/logger";
import { PartitionEvaluator } from "./partition-evaluator";
import { riskPartitions } from "./risk-config";

/**
 * Runs the partition evaluators of every active tenant in this process. Each (tenant, partition) is
 * owned by one process at a time through a session advisory lock, so several workers can run side
 * by side and take over a dead one's partitions. Evaluators are woken by `propdesk_risk`
 * notifications (sent when inputs commit) and poll as a fallback.
 */
export interface EvaluatorServiceOptions {
  log: Logger;
  /** Only these tenants (tests); default: every active tenant, discovered as they appear. */
  tenants?: readonly string[];
  batchSize?: number;
  checkpointMs?: number;
  checkpointMinRows?: number;
  /** Idle poll interval (a missed notification costs at most this). */
  pollMs?: number;
  fastPath?: boolean;
}

const roundAll = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));

const claimNamespace = (tenantId: string) => `risk-eval:${tenantId}`;

interface Slot {
  /** Replaced by a fresh one (loaded from the checkpoint) when committing decisions failed. */
  evaluator: PartitionEvaluator;
  wake: () => void;
  loop: Promise<void>;
  wanted: boolean;
}

export class EvaluatorService {
  private readonly claims = new AdvisoryClaims();
  private readonly slots = new Map<string, Slot>();
  private readonly unclaimed = new Set<string>();
  private stopListening: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly partitions = riskPartitions();
  private readonly tenantsSeen = new Set<string>();

  constructor(private readonly opts: EvaluatorServiceOptions) {}

  async start(): Promise<void> {
    this.running = true;
    this.stopListening = listenWithPayload(
      "propdesk_risk",
      (payload) => {
        const [tenantId, p] = payload.split(":");
        if (!tenantId || p === undefined) return;
        const slot = this.slots.get(`${tenantId}:${p}`);
        if (slot) slot.wake();
        // A firm this process has not seen yet (a partition of a known one belongs to another process).
        else if (
          !this.tenantsSeen.has(tenantId) &&
          (!this.opts.tenants || this.opts.tenants.includes(tenantId))
        )
          void this.claimTenant(tenantId);
      },
      {
        onReconnect: () => {
          for (const s of this.slots.values()) s.wake();
        },
        onError: (e) => this.opts.log.warn({ err: e.message }, "risk listener connection lost; reconnecting"),
      },
    );
    await this.discover();
    if (process.env.RISK_PROFILE === "1") {
      // How long work waited for the event loop (every decision's statements and actions queue on it).
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      // And how much of that was garbage collection (V8's pauses, by kind).
      const gc = { ms: 0, max: 0, count: 0, major: 0 };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          gc.ms += e.duration;
          gc.max = Math.max(gc.max, e.duration);
          gc.count++;
          if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
            gc.major++;
        }
      }).observe({ entryTypes: ["gc"] });
      const t = setInterval(() => {
        this.opts.log.warn(
          {
            p50: Math.round(loop.percentile(50) / 1e6),
            p99: Math.round(loop.percentile(99) / 1e6),
            max: Math.round(loop.max / 1e6),
            gcMs: Math.round(gc.ms),
            gcMaxMs: Math.round(gc.max),
            gcs: gc.count,
            majorGcs: gc.major,
          },
          "event loop delay ms",
        );
        loop.reset();
        Object.assign(gc, { ms: 0, max: 0, count: 0, major: 0 });
        for (const e of this.evaluators())
          if (e.stats.inputs > 0)
            this.opts.log.warn(
              { partition: e.partition, ...e.stats, timing: roundAll(e.stats.timing) },
              "evaluator stats",
            );
      }, 5_000);
      t.unref();
    }
    // Tenants created later, and partitions another process gave up, are picked up here.
    this.timer = setInterval(() => void this.discover().catch(() => {}), 10_000);
    this.timer.unref();
  }

  private async discover(): Promise<void> {
    const tenants =
      this.opts.tenants ??
      (await sqlLayer().withPlatform((sql) => riskPipeline.listRiskTenants(sql))).map((t) => t.id);
    for (const t of tenants) await this.claimTenant(t);
  }

  private async claimTenant(tenantId: string): Promise<void> {
    if (!this.running) return;
    this.tenantsSeen.add(tenantId);
    for (let p = 0; p < this.partitions; p++) {
      const key = `${tenantId}:${p}`;
      if (this.slots.has(key)) continue;
      if (!(await this.claims.tryClaim(claimNamespace(tenantId), p))) {
        this.unclaimed.add(key);
        continue;
      }
      this.unclaimed.delete(key);
      this.startSlot(tenantId, p);
    }
  }

  private startSlot(tenantId: string, partition: number): void {
    const newEvaluator = () =>
      new PartitionEvaluator({
        tenantId,
        partition,
        log: this.opts.log,
        batchSize: this.opts.batchSize,
        checkpointMs: this.opts.checkpointMs,
        checkpointMinRows: this.opts.checkpointMinRows,
        fastPath: this.opts.fastPath,
      });
    const evaluator = newEvaluator();
    // A wake-up during a step is remembered, so a notification is never lost between steps.
    let woken = false;
    let resolveWait: (() => void) | null = null;
    const slot: Slot = {
      evaluator,
      wake: () => {
        woken = true;
        resolveWait?.();
      },
      loop: Promise.resolve(),
      wanted: true,
    };
    const pollMs = this.opts.pollMs ?? 2_000;
    slot.loop = (async () => {
      let failures = 0;
      while (this.running && slot.wanted) {
        try {
          woken = false;
          await slot.evaluator.step();
          failures = 0;
          // Read again at once only if the batch was full or inputs were committed meanwhile (their
          // notification came during the step); otherwise wait for the next one.
          if (slot.evaluator.behind || woken) continue;
          // Unsaved work: back soon enough to checkpoint it once the inputs pause.
          const wait = slot.evaluator.unsaved ? Math.min(pollMs, this.opts.checkpointMs ?? 1_000) : pollMs;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            resolveWait = () => {
              clearTimeout(t);
              resolve();
            };
          });
          resolveWait = null;
        } catch (e) {
          failures++;
          this.opts.log.error(
            { tenantId, partition, err: (e as Error).stack ?? String(e), failures },
            "risk evaluation step failed; retrying",
          );
          // Its engines in memory may be ahead of what is stored: start again from the checkpoint.
          if (slot.evaluator.failed) {
            await slot.evaluator.flush().catch(() => {});
            slot.evaluator = newEvaluator();
          }
          await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** failures)));
        }
      }
    })();
    this.slots.set(`${tenantId}:${partition}`, slot);
  }

  /** Every evaluator of this process (the benchmark reads their counters). */
  evaluators(): PartitionEvaluator[] {
    return [...this.slots.values()].map((s) => s.evaluator);
  }

  /** Stops taking work, lets each evaluator finish its step and checkpoint, releases the partitions. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.stopListening?.();
    for (const s of this.slots.values()) s.wake();
    await Promise.all([...this.slots.values()].map((s) => s.loop));
    await Promise.all(
      [...this.slots.values()].map(async (s) => {
        try {
          await s.evaluator.flush();
          await s.evaluator.checkpoint();
          await s.evaluator.flush();
        } catch (e) {
          this.opts.log.warn({ err: (e as Error).message }, "final checkpoint failed");
        }
      }),
    );
    this.slots.clear();
    await this.claims.close();
  }
}
