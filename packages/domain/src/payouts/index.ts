export * from "./approvals";
export * from "./compute-payout";
export * from "./eligibility";
export * from "./payout-terms";
export * from "./scaling";
