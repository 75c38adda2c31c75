export * from "./audit-queries";
export * from "./record-audit";
export * from "./verify-audit-chain";
