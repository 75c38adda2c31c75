export * from "./instrument-specs";
export * from "./load-price-file";
export * from "./parse-price-file";
export * from "./price-file-catalog";
export * from "./price-series";
export * from "./source-clock";
