import { logoutStaff } from "@propdesk/services/auth";
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { staffSessionCookie } from "../lib/cookies.server";
import { consumeCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { readFormData, throwHttp } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader() {
  throw redirect("/console");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, desk, token } = await requireStaff(request, context, null, { allowEnrollment: true });
  try {
    await consumeCsrf(await readFormData(request), { kind: "staff", sessionId: principal.sessionId });
  } catch (e) {
    throwHttp(e);
  }
  await logoutStaff(desk.tenantId, token);
  const headers = new Headers();
  headers.append("Set-Cookie", await staffSessionCookie.serialize("", { maxAge: 0 }));
  headers.append("Set-Cookie", await setFlash({ kind: "success", message: "You are signed out." }));
  throw redirect("/console/login", { headers });
}
