export * from "./invitations";
export * from "./require-permission";
export * from "./staff-admin";
export * from "./staff-jobs";
