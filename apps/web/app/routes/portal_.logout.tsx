import { logoutTrader } from "@propdesk/services/traders";
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { traderSessionCookie } from "../lib/cookies.server";
import { consumeCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { readFormData, throwHttp } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

export async function loader() {
  throw redirect("/portal");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, desk, token } = await requireTrader(request, context);
  try {
    await consumeCsrf(await readFormData(request), { kind: "trader", sessionId: principal.sessionId });
  } catch (e) {
    throwHttp(e);
  }
  await logoutTrader(desk, token);
  const headers = new Headers();
  headers.append("Set-Cookie", await traderSessionCookie.serialize("", { maxAge: 0 }));
  headers.append("Set-Cookie", await setFlash({ kind: "success", message: "You are signed out." }));
  throw redirect("/portal/login", { headers });
}
