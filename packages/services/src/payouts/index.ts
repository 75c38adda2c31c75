// Payouts: trader requests with their checks, approvals, disbursement through rails (Stripe
// Connect, crypto, bank wire files), batch runs with progress, the platform side, and settings.
export * from "./bank-wire-batches";
export * from "./payout-admin";
export * from "./payout-clock";
export * from "./payout-context";
export * from "./payout-destinations";
export * from "./payout-jobs";
export * from "./payout-platform";
export * from "./payout-rails";
export * from "./payout-requests";
export * from "./payout-runs";
export * from "./payout-signals";
export * from "./payout-sweep";
export * from "./payout-terms-for-program";
export * from "./payout-workflow";
export * from "./rails/bank-wire-file";
export * from "./rails/crypto-rail";
export * from "./rails/payout-rail";
export * from "./rails/stripe-connect-rail";
