export * from "./market";
export * from "./paced-clock";
export * from "./position-profit";
export * from "./seeded-random";
export * from "./simulation";
export * from "./simulator-platform";
export * from "./synthetic-series";
export * from "./trader-styles";
