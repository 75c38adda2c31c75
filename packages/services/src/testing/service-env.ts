import { setDataLayer } from "@propdesk/db";
import { afterAll } from "vitest";
import { demoSecrets, resetEnv } from "../env/env";
import { closeQueues } from "../jobs/queues";
import { resetMailer } from "../mail/mailer";
import { closeRedis } from "../redis/redis";

/**
 * Vitest setup file (after the per-worker database): local secrets, a fresh view of the environment
 * and, after each test file, closed connections so workers exit cleanly.
 */
process.env.SESSION_SECRET ??= demoSecrets.SESSION_SECRET;
process.env.ENCRYPTION_KEY ??= demoSecrets.ENCRYPTION_KEY;
process.env.PROPDESK_ENV = "test";
process.env.LOG_LEVEL ??= "silent";
resetEnv();
setDataLayer(undefined);

afterAll(async () => {
  const { dataLayer } = await import("@propdesk/db");
  await dataLayer().close();
  setDataLayer(undefined);
  await closeQueues();
  await closeRedis();
  resetMailer();
});
