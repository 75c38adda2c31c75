export * from "./platform-tenants";
