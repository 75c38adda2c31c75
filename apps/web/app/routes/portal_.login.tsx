import { loginTrader } from "@propdesk/services/traders";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { traderSessionCookie } from "../lib/cookies.server";
import { anonBinding, consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";
import { optionalTrader, safePortalNext, traderToken } from "../lib/trader.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  if (await optionalTrader(request, context))
    throw redirect(safePortalNext(new URL(request.url).searchParams.get("next")));
  const { binding, setCookie } = await anonBinding(request);
  const { flash, header } = await takeFlash(request);
  const headers = new Headers();
  if (setCookie) headers.append("Set-Cookie", setCookie);
  if (header) headers.append("Set-Cookie", header);
  return data({ csrf: issueCsrf(binding), flash, desk: desk.theme }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const desk = requireDeskSite(context);
  try {
    const form = await readFormData(request);
    const { binding } = await anonBinding(request);
    await consumeCsrf(form, binding);
    const issued = await loginTrader(desk, formObject(form), {
      previousToken: (await traderToken(request)) ?? undefined,
    });
    throw redirect(safePortalNext(new URL(request.url).searchParams.get("next")), {
      headers: { "Set-Cookie": await traderSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function TraderLogin() {
  const { csrf, flash, desk } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const next = params.get("next");
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <h1>Sign in</h1>
        <FlashMessage flash={flash} />
        <FormError result={result} />
        <Form method="post" action={`/portal/login${next ? `?next=${encodeURIComponent(next)}` : ""}`}>
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
        <p className="muted" style={{ marginTop: "1rem" }}>
          New here? <Link to="/portal/register">Create an account</Link>
        </p>
      </section>
    </main>
  );
}
