export * from "./define-job";
export * from "./enqueue";
export * from "./job-worker";
export * from "./outbox-relay";
export * from "./queues";
export * from "./registry";
export * from "./run-job";
