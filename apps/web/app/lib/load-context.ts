import type { DeskContext } from "@propdesk/services/desks";

/** What the HTTP server resolved before Remix runs: which site the host is, and request facts. */
export type Site = { kind: "platform" } | { kind: "desk"; desk: DeskContext };

declare module "@remix-run/node" {
  interface AppLoadContext {
    requestId: string;
    /** Per-request nonce for the Content-Security-Policy. */
    nonce: string;
    site: Site;
  }
}
