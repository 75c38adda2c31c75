export * from "./trader-auth";
export * from "./trader-queries";
