// Live risk: the challenge engine fed from stored inputs, the evaluator, ingest, account standing,
// platform effects of lifecycle transitions, and the risk console's use cases.
export * from "./account-standing";
export * from "./bridge-admin";
export * from "./challenge-engine";
export * from "./challenge-replay";
export * from "./evaluator-service";
export * from "./partition-evaluator";
export * from "./platform-effects";
export * from "./program-cache";
export * from "./program-rules-text";
export * from "./replay-challenge";
export * from "./risk-actions";
export * from "./risk-config";
export * from "./risk-input";
export * from "./risk-jobs";
export * from "./risk-queries";
export * from "./risk-scheduler";
export * from "./risk-worker";
export * from "./simulator-runner";
