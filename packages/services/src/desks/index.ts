export * from "./desk-admin";
export * from "./desk-context";
export * from "./public-url";
