import { type PlatformPrincipal, resolvePlatformSession } from "@propdesk/services/auth";
import { type AppLoadContext, data, redirect } from "@remix-run/node";
import { hasCookie, platformSessionCookie } from "./cookies.server";
import { setFlash } from "./flash.server";
import { requirePlatformSite } from "./site.server";

export async function platformToken(request: Request): Promise<string | null> {
  if (!hasCookie(request, "pd_platform")) return null;
  const token = (await platformSessionCookie.parse(request.headers.get("cookie"))) as unknown;
  if (typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token)) return token;
  if (token === "") return null;
  throw data(
    {
      message: "Your session cookie was altered or is not valid. It has been cleared; please sign in again.",
      code: "UNAUTHENTICATED",
    },
    { status: 400, headers: { "Set-Cookie": await platformSessionCookie.serialize("", { maxAge: 0 }) } },
  );
}

/** Every platform console loader and action starts here. */
export async function requirePlatformAdmin(
  request: Request,
  context: AppLoadContext,
): Promise<{ principal: PlatformPrincipal; token: string }> {
  requirePlatformSite(context);
  const token = await platformToken(request);
  const found = token ? await resolvePlatformSession(token) : null;
  if (!token || !found?.principal) {
    const headers = new Headers({ "Set-Cookie": await platformSessionCookie.serialize("", { maxAge: 0 }) });
    if (found && !found.principal)
      headers.append("Set-Cookie", await setFlash({ kind: "info", message: found.reason }));
    throw redirect("/platform/login", { headers });
  }
  if (found.principal.mfaPending) throw redirect("/platform/login/two-factor");
  return { principal: found.principal, token };
}
