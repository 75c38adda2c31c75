// Challenge programs: the zod schema a firm's program is validated with, its compiled form (minor
// units, precomputed limits) that the rules engine runs on, templates and versions.
export * from "./compile-program";
export * from "./program-schema";
export * from "./program-templates";
export * from "./program-versions";
