export * from "./csv";
export * from "./csv-table";
export * from "./parallel-run";
export * from "./reconcile";
export * from "./records";
export * from "./report-csv";
