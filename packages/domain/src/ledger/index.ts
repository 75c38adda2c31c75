export * from "./balances";
export * from "./chart-of-accounts";
export * from "./in-memory-ledger";
export * from "./instant";
export * from "./posting-templates";
export * from "./transfer";
