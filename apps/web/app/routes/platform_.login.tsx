import { loginPlatformAdmin, resolvePlatformSession } from "@propdesk/services/auth";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { platformSessionCookie } from "../lib/cookies.server";
import { anonBinding, consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { platformToken } from "../lib/platform.server";
import { requirePlatformSite } from "../lib/site.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePlatformSite(context);
  const token = await platformToken(request);
  if (token && (await resolvePlatformSession(token)).principal?.mfaPending === false)
    throw redirect("/platform");
  const { binding, setCookie } = await anonBinding(request);
  const { flash, header } = await takeFlash(request);
  const headers = new Headers();
  if (setCookie) headers.append("Set-Cookie", setCookie);
  if (header) headers.append("Set-Cookie", header);
  return data({ csrf: issueCsrf(binding), flash }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  requirePlatformSite(context);
  try {
    const form = await readFormData(request);
    const { binding } = await anonBinding(request);
    await consumeCsrf(form, binding);
    const issued = await loginPlatformAdmin(formObject(form), {
      previousToken: (await platformToken(request)) ?? undefined,
    });
    throw redirect(issued.principal.mfaPending ? "/platform/login/two-factor" : "/platform", {
      headers: { "Set-Cookie": await platformSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function PlatformLogin() {
  const { csrf, flash } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name="PropDesk platform" logoUrl={null} />
        <h1>Platform administrator</h1>
        <FlashMessage flash={flash} />
        <FormError result={result} />
        <Form method="post">
          <CsrfField token={csrf} />
          <Field
            label="E-mail"
            name="email"
            type="email"
            autoComplete="username"
            required
            error={fieldError(result, "email")}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={fieldError(result, "password")}
          />
          <SubmitButton className="full">Sign in</SubmitButton>
        </Form>
      </section>
    </main>
  );
}
