// Platform updates into the risk pipeline: the signed bridge delivery and the durable ingest.
export * from "./bridge-delivery";
export * from "./ingest-updates";
export * from "./parse-delivery";
