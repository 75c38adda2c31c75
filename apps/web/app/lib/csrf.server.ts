import { randomUUID } from "node:crypto";
import { consumeCsrfToken, issueCsrfToken } from "@propdesk/services/auth";
import { env } from "@propdesk/services/env";
import { redis } from "@propdesk/services/redis";
import { anonCookie } from "./cookies.server";

/**
 * CSRF tokens are bound to the visitor: their session when signed in, else an anonymous cookie id.
 * Every POST form carries one in `_csrf`, and every action consumes it before doing anything.
 */
export type CsrfBinding =
  | { kind: "staff" | "platform" | "trader"; sessionId: string }
  | { kind: "anon"; anonId: string };

const bindingKey = (b: CsrfBinding) => (b.kind === "anon" ? `anon:${b.anonId}` : `${b.kind}:${b.sessionId}`);

export function issueCsrf(binding: CsrfBinding): string {
  return issueCsrfToken(env().SESSION_SECRET, bindingKey(binding));
}

export async function consumeCsrf(form: FormData, binding: CsrfBinding): Promise<void> {
  await consumeCsrfToken(redis(), env().SESSION_SECRET, bindingKey(binding), form.get("_csrf"));
}

/** The anonymous id of this visitor, and a Set-Cookie header when a new one had to be made. */
export async function anonBinding(
  request: Request,
): Promise<{ binding: CsrfBinding; setCookie: string | null }> {
  const existing = (await anonCookie.parse(request.headers.get("cookie"))) as string | null;
  if (typeof existing === "string" && /^[0-9a-f-]{36}$/.test(existing))
    return { binding: { kind: "anon", anonId: existing }, setCookie: null };
  const anonId = randomUUID();
  return { binding: { kind: "anon", anonId }, setCookie: await anonCookie.serialize(anonId) };
}
