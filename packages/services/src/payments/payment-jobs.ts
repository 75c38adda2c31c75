import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/** Processes one stored Stripe webhook delivery: brings its order in line with Stripe. */
export const processStripeEventJob = defineJob({
  name: "payments.process-stripe-event",
  version: 1,
  schema: z.object({ deliveryId: z.string().uuid() }),
  queue: "payments",
  handler: () => import("./process-stripe-event.job"),
});

/** Sends a requested refund to Stripe (idempotency key: the refund's id), then syncs its order. */
export const executeRefundJob = defineJob({
  name: "payments.execute-refund",
  version: 1,
  schema: z.object({ refundId: z.string().uuid() }),
  queue: "payments",
  handler: () => import("./execute-refund.job"),
});

/** Re-reads an order's checkout, payment, refunds and disputes from Stripe and applies them. */
export const syncOrderJob = defineJob({
  name: "payments.sync-order",
  version: 1,
  schema: z.object({ orderId: z.string().uuid() }),
  queue: "payments",
  handler: () => import("./sync-order.job"),
});
