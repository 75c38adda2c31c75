// The data layer's only public surface for queries: business logic calls these functions and never
// builds Prisma queries itself.
export * as audit from "./audit-repository";
export * as bots from "./bot-repository";
export * as bridge from "./bridge-repository";
export * as catalogue from "./catalogue-repository";
export * as challenges from "./challenge-repository";
export * as commerceSettings from "./commerce-settings-repository";
export * as desks from "./desk-repository";
export * as fraud from "./fraud-repository";
export * as kyc from "./kyc-repository";
export * as ledger from "./ledger-repository";
export * as orders from "./order-repository";
export * as outbox from "./outbox-repository";
export * as payouts from "./payout-repository";
export * as platformActions from "./platform-action-repository";
export * as platformAdmins from "./platform-admin-repository";
export * as programs from "./program-repository";
export * as reconciliation from "./reconciliation-repository";
export * as riskPipeline from "./risk-pipeline-repository";
export * as risk from "./risk-repository";
export * as sanctions from "./sanctions-repository";
export * as simulator from "./simulator-repository";
export * as staff from "./staff-repository";
export * as tenants from "./tenant-repository";
export * as trades from "./trade-repository";
export * as traders from "./trader-repository";
