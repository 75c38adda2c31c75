import { dataLayer } from "@propdesk/db";
import { sqlAs } from "@propdesk/db/testing/sql";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../logging/logger";
import { type TenantFixture, tenantFixture } from "../testing/fixtures";
import { defineJob } from "./define-job";
import { enqueue } from "./enqueue";
import { OutboxRelay } from "./outbox-relay";
import { bullConnection, bullPrefix, queue } from "./queues";
import { runJob } from "./run-job";

const seen: string[] = [];
const testJob = defineJob({
  name: "test.record",
  version: 1,
  schema: z.object({ value: z.string().min(1) }),
  queue: "test-relay",
  handler: async () => ({ default: async (p: { value: string }) => void seen.push(p.value) }),
});
const registry = new Map([[testJob.name, testJob]]);
const log = createLogger("test", "silent");
let t: TenantFixture;
let relay: OutboxRelay;

beforeAll(async () => {
  t = await tenantFixture("outbox");
  relay = new OutboxRelay({ registry, log, batchSize: 50 });
});
afterAll(async () => {
  await queue("test-relay").obliterate({ force: true });
});

describe("outbox and relay", () => {
  it("a job exists only if the transaction that enqueued it committed", async () => {
    await expect(
      dataLayer().withTenant(t.tenantId, async (db) => {
        await enqueue(db, testJob, { value: "rolled-back" });
        throw new Error("business rule failed");
      }),
    ).rejects.toThrow("business rule failed");
    const id = await dataLayer().withTenant(t.tenantId, (db) => enqueue(db, testJob, { value: "committed" }));
    let moved = 0;
    for (let n = await relay.drainOnce(); n > 0; n = await relay.drainOnce()) moved += n;
    expect(moved).toBeGreaterThanOrEqual(1);
    const job = await queue("test-relay").getJob(id);
    expect(job?.data).toMatchObject({
      name: "test.record",
      version: 1,
      tenantId: t.tenantId,
      payload: { value: "committed" },
    });
    const all = await queue("test-relay").getJobs(["waiting", "delayed", "active", "completed"]);
    expect(all.map((j) => j.data.payload)).not.toContainEqual({ value: "rolled-back" });
  });

  it("refuses an invalid payload at enqueue time, writing nothing", async () => {
    await expect(
      dataLayer().withTenant(t.tenantId, (db) => enqueue(db, testJob, { value: "" })),
    ).rejects.toThrow(/Job test.record: value/);
  });

  it("sending the same outbox row twice (a crash before it was marked) still makes one job", async () => {
    const id = await dataLayer().withTenant(t.tenantId, (db) => enqueue(db, testJob, { value: "once" }));
    while ((await relay.drainOnce()) > 0);
    await sqlAs("platform").query("UPDATE outbox SET dispatched_at = NULL WHERE id = $1", [id]);
    while ((await relay.drainOnce()) > 0);
    const jobs = (await queue("test-relay").getJobs(["waiting", "delayed", "active", "completed"])).filter(
      (j) => j.id === id,
    );
    expect(jobs).toHaveLength(1);

    seen.length = 0;
    const worker = new Worker("test-relay", (job) => runJob(job, registry, log), {
      connection: bullConnection(),
      prefix: bullPrefix(),
      autorun: true,
    });
    await new Promise<void>((resolve) => {
      const check = setInterval(async () => {
        const counts = await queue("test-relay").getJobCounts("waiting", "active");
        if (counts.waiting === 0 && counts.active === 0) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    await worker.close();
    expect(seen.filter((v) => v === "once")).toEqual(["once"]);
  });

  it("wakes on NOTIFY when running continuously", async () => {
    relay.start();
    try {
      const id = await dataLayer().withTenant(t.tenantId, (db) =>
        enqueue(db, testJob, { value: "notified" }),
      );
      const deadline = Date.now() + 5000;
      let job = await queue("test-relay").getJob(id);
      while (!job && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        job = await queue("test-relay").getJob(id);
      }
      expect(job?.data.payload).toEqual({ value: "notified" });
    } finally {
      await relay.stop();
    }
  });
});
