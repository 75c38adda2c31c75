// Plain-language explanations of rules-engine decisions and account states, for traders (portal,
// bots) and for staff answering disputes.
export * from "./explain-decision";
export * from "./explain-state";
export * from "./local-time";
