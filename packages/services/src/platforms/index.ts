// Trading platforms behind one adapter: the interface, the wire format of platform updates,
// the price data loaders and the deterministic market simulator.

export * from "./bridge/bridge-platform";
export * from "./bridge/bridge-signature";
export * from "./decimal-strings";
export * from "./idempotency-store";
export * from "./platform-registry";
export * from "./platform-update";
export * from "./prices";
export * from "./recorded-platform";
export * from "./simulator";
export type * from "./trading-platform";
