import { completePlatformTwoFactor, resolvePlatformSession } from "@propdesk/services/auth";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { platformSessionCookie } from "../lib/cookies.server";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { platformToken } from "../lib/platform.server";
import { requirePlatformSite } from "../lib/site.server";

async function pending(request: Request) {
  const token = await platformToken(request);
  const found = token ? await resolvePlatformSession(token) : null;
  if (!token || !found?.principal?.mfaPending) throw redirect("/platform/login");
  return { token, principal: found.principal };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatformSite(context);
  const { principal } = await pending(request);
  return { csrf: issueCsrf({ kind: "platform", sessionId: principal.sessionId }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformSite(context);
  try {
    const { token, principal } = await pending(request);
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "platform", sessionId: principal.sessionId });
    const issued = await completePlatformTwoFactor(token, formObject(form));
    throw redirect("/platform", {
      headers: { "Set-Cookie": await platformSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function PlatformTwoFactor() {
  const { csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="center-page">
      <section className="card narrow">
        <h1>Two-factor code</h1>
        <FormError result={result} />
        <Form method="post">
          <CsrfField token={csrf} />
          <Field
            label="Code"
            name="code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            maxLength={6}
            autoComplete="one-time-code"
            required
            error={fieldError(result, "code")}
          />
          <SubmitButton className="full">Verify</SubmitButton>
        </Form>
      </section>
    </main>
  );
}
