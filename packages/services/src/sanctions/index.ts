export * from "./altered-entries";
export * from "./load-sanctions-lists";
export * from "./ordinary-names";
export * from "./sanctions-screener";
export * from "./screening-evaluation";
export * from "./un-consolidated-xml";
