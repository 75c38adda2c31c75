// Each area of the domain is its own entry point: `@propdesk/domain/<area>` resolves to
// `src/<area>/index.ts`. This root re-exports only what every layer needs.
export * from "./errors";
export * from "./money";
