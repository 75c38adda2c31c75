export * from "./challenge-jobs";
export * from "./challenge-lifecycle";
export * from "./challenge-queries";
