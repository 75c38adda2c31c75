// The challenge rules engine: incremental (`createEngineState` + `applyEvent`) and as the replay
// contract of spec/challenge-rules.md (`replayScenario`). Both run the same `applyEvent`.
export * from "./apply-event";
export * from "./day-starts";
export * from "./describe-state";
export * from "./engine-types";
export * from "./exact-math";
export * from "./parse-instant";
export * from "./replay-scenario";
