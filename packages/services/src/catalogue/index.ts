export * from "./catalogue-admin";
export * from "./price-quote";
export * from "./program-variant";
export * from "./public-catalogue";
export * from "./reset-attempts";
export * from "./sold-version";
