import { env } from "@propdesk/services/env";
import { createCookie } from "@remix-run/node";

/**
 * Signed cookies. Session cookies hold an opaque random token (its hash is in the database); a
 * cookie whose signature does not verify is treated as tampered, never as a session.
 */
const base = () => ({
  httpOnly: true,
  sameSite: "lax" as const,
  path: "/",
  secure: env().cookieSecure,
  secrets: [env().SESSION_SECRET],
});

export const staffSessionCookie = createCookie("pd_staff", { ...base(), maxAge: 7 * 24 * 3600 });
export const traderSessionCookie = createCookie("pd_trader", { ...base(), maxAge: 7 * 24 * 3600 });
export const platformSessionCookie = createCookie("pd_platform", { ...base(), maxAge: 7 * 24 * 3600 });
/** A random id for visitors without a session, so anonymous forms (sign-in) carry CSRF tokens too. */
export const anonCookie = createCookie("pd_anon", { ...base(), maxAge: 24 * 3600 });
/** One message carried across a redirect. */
export const flashCookie = createCookie("pd_flash", { ...base(), maxAge: 60 });

/** Whether the raw Cookie header carries a cookie of this name at all (to tell "absent" from "tampered"). */
export function hasCookie(request: Request, name: string): boolean {
  const header = request.headers.get("cookie") ?? "";
  return header.split(";").some((part) => part.trim().startsWith(`${name}=`));
}
