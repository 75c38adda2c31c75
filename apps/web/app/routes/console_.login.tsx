import { loginStaff } from "@propdesk/services/auth";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { staffSessionCookie } from "../lib/cookies.server";
import { anonBinding, consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";
import { optionalStaff, staffToken } from "../lib/staff.server";

/** Only console paths are accepted as a place to return to after sign-in. */
export function safeNext(next: string | null): string {
  return next && /^\/console(\/[\w./?=&%-]*)?$/.test(next) && !next.startsWith("//") ? next : "/console";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  const current = await optionalStaff(request, context);
  if (current && !current.principal.mfaPending)
    throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  const { binding, setCookie } = await anonBinding(request);
  const { flash, header } = await takeFlash(request);
  const headers = new Headers();
  if (setCookie) headers.append("Set-Cookie", setCookie);
  if (header) headers.append("Set-Cookie", header);
  return data(
    { csrf: issueCsrf(binding), flash, desk: { name: desk.theme.name, logoUrl: desk.theme.logoUrl } },
    { headers },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const desk = requireDeskSite(context);
  try {
    const form = await readFormData(request);
    const { binding } = await anonBinding(request);
    await consumeCsrf(form, binding);
    const previousToken = (await staffToken(request)) ?? undefined;
    const issued = await loginStaff(desk.tenantId, formObject(form), { previousToken });
    const cookie = await staffSessionCookie.serialize(issued.token);
    const next = safeNext(new URL(request.url).searchParams.get("next"));
    if (issued.principal.mfaPending) {
      throw redirect(`/console/login/two-factor?next=${encodeURIComponent(next)}`, {
        headers: { "Set-Cookie": cookie },
      });
    }
    throw redirect(next, { headers: { "Set-Cookie": cookie } });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function StaffLogin() {
  const { csrf, flash, desk } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <h1>Staff sign-in</h1>
        <FlashMessage flash={flash} />
        <FormError result={result} />
        <Form
          method="post"
          action={`/console/login${params.get("next") ? `?next=${encodeURIComponent(params.get("next")!)}` : ""}`}
        >
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
