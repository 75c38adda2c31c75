export * from "./demo-seed";
