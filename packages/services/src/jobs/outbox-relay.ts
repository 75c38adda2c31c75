import { dataLayer, outbox } from "@propdesk/db";
import { listen } from "@propdesk/db/notifications";
import type { Logger } from "../logging/logger";
import type { JobDefinition } from "./define-job";
import { type JobEnvelope, queue } from "./queues";

/**
 * Moves committed outbox rows into BullMQ. Each job's id is its outbox row id, so a row sent twice
 * (the relay crashed after adding the job but before marking the row) becomes one job. Rows are
 * claimed with SKIP LOCKED, so several relays can run at once.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly opts: {
      registry: ReadonlyMap<string, JobDefinition>;
      log: Logger;
      batchSize?: number;
      pollMs?: number;
    },
  ) {}

  /** Dispatches up to one batch; returns how many rows it moved. */
  async drainOnce(): Promise<number> {
    const batchSize = this.opts.batchSize ?? 500;
    return dataLayer().withPlatform(async (db) => {
      const rows = await outbox.claimPendingOutbox(db, batchSize);
      if (rows.length === 0) return 0;
      const byQueue = new Map<
        string,
        { name: string; data: JobEnvelope; opts: { jobId: string; attempts: number } }[]
      >();
      for (const row of rows) {
        const def = this.opts.registry.get(row.job_name);
        if (!def)
          this.opts.log.error(
            { outboxId: row.id, job: row.job_name },
            "outbox row names an unknown job; it goes to the dead-letter queue",
          );
        const payload = row.payload as { data: unknown; requestId?: string };
        const q = def?.queue ?? "dead-letter";
        const list = byQueue.get(q) ?? [];
        list.push({
          name: row.job_name,
          data: {
            name: row.job_name,
            version: row.job_version,
            tenantId: row.tenant_id,
            payload: payload.data,
            requestId: payload.requestId,
          },
          opts: { jobId: row.id, attempts: def?.attempts ?? 1 },
        });
        byQueue.set(q, list);
      }
      for (const [name, jobs] of byQueue) await queue(name).addBulk(jobs);
      await outbox.markOutboxDispatched(db, rows);
      return rows.length;
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopListening = listen(
      "propdesk_outbox",
      () => this.wake?.(),
      (e) => this.opts.log.warn({ err: e.message }, "outbox listener connection lost; reconnecting"),
    );
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      try {
        const moved = await this.drainOnce();
        if (moved > 0) continue;
      } catch (e) {
        this.opts.log.error({ err: (e as Error).message }, "outbox relay failed; retrying");
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.stopListening?.();
    await this.loop;
  }
}
