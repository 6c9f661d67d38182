/** Pure domain rules: dates, ID numbers, division codes, other identifiers, policy constants. */
export * from "./dates.ts";
export * from "./division-codes.ts";
export * from "./id-number.ts";
export * from "./identifiers.ts";
export * from "./insurance-policy.ts";
export * from "./names.ts";
