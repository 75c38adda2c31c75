export * from "./console-overview";
