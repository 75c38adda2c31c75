// The database ledger: posting and resolving transfers, balances, and the ledger explorer.
export * from "./ledger-balances";
export * from "./ledger-explorer";
export * from "./post-transfers";
