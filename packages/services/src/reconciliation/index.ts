// Reconciliation: three-way runs (ledger, processor and rails, trading platforms) with stored
// reports, drill-down and CSV; parallel runs against another system; the worker's schedulers.
export * from "./finance-schedulers";
export * from "./parallel-runs";
export * from "./reconciliation-jobs";
export * from "./reconciliation-runs";
