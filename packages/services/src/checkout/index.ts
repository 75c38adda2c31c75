export * from "./start-checkout";
