import type { Permission } from "@propdesk/domain/access";
import { resolveStaffSession, type StaffPrincipal } from "@propdesk/services/auth";
import type { DeskContext } from "@propdesk/services/desks";
import { requirePermission } from "@propdesk/services/staff";
import { type AppLoadContext, data, redirect } from "@remix-run/node";
import { hasCookie, staffSessionCookie } from "./cookies.server";
import { setFlash } from "./flash.server";
import { throwHttp } from "./http.server";
import { requireDeskSite } from "./site.server";

export interface StaffRequest {
  principal: StaffPrincipal;
  desk: DeskContext;
  token: string;
}

/**
 * The session token from the cookie. A cookie that is present but fails its signature (or holds
 * something that is not a token) was altered: the request is refused and the cookie cleared.
 */
export async function staffToken(request: Request): Promise<string | null> {
  if (!hasCookie(request, "pd_staff")) return null;
  const token = (await staffSessionCookie.parse(request.headers.get("cookie"))) as unknown;
  if (typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token)) return token;
  if (token === "") return null;
  throw data(
    {
      message: "Your session cookie was altered or is not valid. It has been cleared; please sign in again.",
      code: "UNAUTHENTICATED",
    },
    { status: 400, headers: { "Set-Cookie": await staffSessionCookie.serialize("", { maxAge: 0 }) } },
  );
}

/**
 * One session lookup per request: the layout's loader and the page's loader run side by side for the
 * same request and share the answer (keyed by the request's load context object).
 */
const lookups = new WeakMap<AppLoadContext, Map<string, ReturnType<typeof resolveStaffSession>>>();
function lookupSession(context: AppLoadContext, tenantId: string, token: string) {
  let perRequest = lookups.get(context);
  if (!perRequest) {
    perRequest = new Map();
    lookups.set(context, perRequest);
  }
  let found = perRequest.get(token);
  if (!found) {
    found = resolveStaffSession(tenantId, token);
    perRequest.set(token, found);
  }
  return found;
}

export async function optionalStaff(request: Request, context: AppLoadContext): Promise<StaffRequest | null> {
  const desk = requireDeskSite(context);
  const token = await staffToken(request);
  if (!token) return null;
  const found = await lookupSession(context, desk.tenantId, token);
  return found.principal ? { principal: found.principal, desk, token } : null;
}

function loginRedirect(request: Request, reason?: string): Promise<never> {
  const url = new URL(request.url);
  const next = `${url.pathname}${url.search}`;
  return (async () => {
    const headers = new Headers();
    headers.append("Set-Cookie", await staffSessionCookie.serialize("", { maxAge: 0 }));
    if (reason) headers.append("Set-Cookie", await setFlash({ kind: "info", message: reason }));
    throw redirect(`/console/login?next=${encodeURIComponent(next)}`, { headers });
  })();
}

/**
 * Every console loader and action starts here: a valid, fully authenticated session on this firm,
 * with two-factor enrolled where the role requires it, and the permission the route needs.
 */
export async function requireStaff(
  request: Request,
  context: AppLoadContext,
  permission: Permission | null,
  opts: { allowEnrollment?: boolean; deskId?: string } = {},
): Promise<StaffRequest> {
  const desk = requireDeskSite(context);
  const token = await staffToken(request);
  if (!token) return loginRedirect(request);
  const found = await lookupSession(context, desk.tenantId, token);
  if (!found.principal) return loginRedirect(request, found.reason);
  const principal = found.principal;
  if (principal.mfaPending) throw redirect("/console/login/two-factor");
  if (principal.mustEnrollTwoFactor && !opts.allowEnrollment) {
    throw redirect("/console/security", {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "info",
          message: "Your role requires two-factor authentication. Set it up to continue.",
        }),
      },
    });
  }
  if (permission) {
    try {
      requirePermission(principal, permission, opts.deskId);
    } catch (e) {
      throwHttp(e);
    }
  }
  return { principal, desk, token };
}
