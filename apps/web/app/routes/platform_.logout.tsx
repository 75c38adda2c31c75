import { logoutPlatformAdmin } from "@propdesk/services/auth";
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { platformSessionCookie } from "../lib/cookies.server";
import { consumeCsrf } from "../lib/csrf.server";
import { readFormData, throwHttp } from "../lib/http.server";
import { requirePlatformAdmin } from "../lib/platform.server";

export async function loader() {
  throw redirect("/platform");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, token } = await requirePlatformAdmin(request, context);
  try {
    await consumeCsrf(await readFormData(request), { kind: "platform", sessionId: principal.sessionId });
  } catch (e) {
    throwHttp(e);
  }
  await logoutPlatformAdmin(token);
  throw redirect("/platform/login", {
    headers: { "Set-Cookie": await platformSessionCookie.serialize("", { maxAge: 0 }) },
  });
}
