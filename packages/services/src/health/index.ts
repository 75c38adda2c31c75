export * from "./health-server";
