export * from "./csrf";
export * from "./password";
export * from "./platform-auth";
export * from "./session-policy";
export * from "./staff-auth";
export * from "./totp";
