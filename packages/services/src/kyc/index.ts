export * from "./kyc-callbacks";
export * from "./kyc-connection";
export * from "./kyc-jobs";
export * from "./kyc-provider";
export * from "./kyc-review";
export * from "./kyc-status";
export * from "./kyc-verification";
