export * from "./chargeback-history";
export * from "./copy-trading";
export * from "./disposable-email";
export * from "./fraud-signal";
export * from "./shared-identifiers";
export * from "./trader-fraud-signals";
