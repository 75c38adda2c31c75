export * from "./rate-limiter";
export * from "./redis";
