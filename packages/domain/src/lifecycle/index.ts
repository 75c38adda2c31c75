// The challenge lifecycle: a pure state machine with causes, guards and effects, and the mapping
// from rules-engine decisions to lifecycle events.
export * from "./challenge-lifecycle";
export * from "./engine-lifecycle";
