import type { DeskContext } from "@propdesk/services/desks";
import { resolveTraderSession, type TraderPrincipal } from "@propdesk/services/traders";
import { type AppLoadContext, data, redirect } from "@remix-run/node";
import { hasCookie, traderSessionCookie } from "./cookies.server";
import { setFlash } from "./flash.server";
import { requireDeskSite } from "./site.server";

export interface TraderRequest {
  principal: TraderPrincipal;
  desk: DeskContext;
  token: string;
}

/** The trader's session token; an altered cookie is refused and cleared. */
export async function traderToken(request: Request): Promise<string | null> {
  if (!hasCookie(request, "pd_trader")) return null;
  const token = (await traderSessionCookie.parse(request.headers.get("cookie"))) as unknown;
  if (typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token)) return token;
  if (token === "") return null;
  throw data(
    {
      message: "Your session cookie was altered or is not valid. It has been cleared; please sign in again.",
      code: "UNAUTHENTICATED",
    },
    { status: 400, headers: { "Set-Cookie": await traderSessionCookie.serialize("", { maxAge: 0 }) } },
  );
}

const lookups = new WeakMap<AppLoadContext, ReturnType<typeof resolveTraderSession>>();

export async function optionalTrader(
  request: Request,
  context: AppLoadContext,
): Promise<TraderRequest | null> {
  const desk = requireDeskSite(context);
  const token = await traderToken(request);
  if (!token) return null;
  let found = lookups.get(context);
  if (!found) {
    found = resolveTraderSession(desk, token);
    lookups.set(context, found);
  }
  const r = await found;
  return r.principal ? { principal: r.principal, desk, token } : null;
}

/** Every trader portal loader and action starts here. */
export async function requireTrader(request: Request, context: AppLoadContext): Promise<TraderRequest> {
  const current = await optionalTrader(request, context);
  if (current) return current;
  const url = new URL(request.url);
  const headers = new Headers({ "Set-Cookie": await traderSessionCookie.serialize("", { maxAge: 0 }) });
  if (await traderToken(request))
    headers.append(
      "Set-Cookie",
      await setFlash({ kind: "info", message: "Your session has ended. Please sign in again." }),
    );
  throw redirect(`/portal/login?next=${encodeURIComponent(url.pathname + url.search)}`, { headers });
}

/** Only portal paths are accepted as a place to return to after sign-in. */
export function safePortalNext(next: string | null): string {
  return next && /^\/portal(\/[\w./?=&%-]*)?$/.test(next) ? next : "/portal";
}
