import { completeTwoFactor, resolveStaffSession } from "@propdesk/services/auth";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { staffSessionCookie } from "../lib/cookies.server";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";
import { staffToken } from "../lib/staff.server";
import { safeNext } from "./console_.login";

async function pendingSession(request: Request, tenantId: string) {
  const token = await staffToken(request);
  const found = token ? await resolveStaffSession(tenantId, token) : null;
  if (!token || !found?.principal?.mfaPending) throw redirect("/console/login");
  return { token, principal: found.principal };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  const { principal } = await pendingSession(request, desk.tenantId);
  return data({
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
    email: principal.email,
    desk: desk.theme,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const desk = requireDeskSite(context);
  try {
    const { token, principal } = await pendingSession(request, desk.tenantId);
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const issued = await completeTwoFactor(desk.tenantId, token, formObject(form));
    throw redirect(safeNext(new URL(request.url).searchParams.get("next")), {
      headers: { "Set-Cookie": await staffSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function TwoFactor() {
  const { csrf, email, desk } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <h1>Two-factor code</h1>
        <p className="muted">Enter the 6-digit code your authenticator app shows for {email}.</p>
        <FormError result={result} />
        <Form method="post">
          <CsrfField token={csrf} />
          <Field
            label="Code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            autoFocus
            error={fieldError(result, "code")}
          />
          <SubmitButton className="full">Verify</SubmitButton>
        </Form>
      </section>
    </main>
  );
}
