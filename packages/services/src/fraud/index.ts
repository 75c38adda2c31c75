export * from "./fraud-evaluation";
export * from "./fraud-jobs";
export * from "./fraud-review";
export * from "./trader-access";
