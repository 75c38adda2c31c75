export * from "./program-admin";
