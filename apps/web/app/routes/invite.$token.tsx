import { roleLabels } from "@propdesk/domain/access";
import { loginStaff } from "@propdesk/services/auth";
import { acceptInvitation, previewInvitation } from "@propdesk/services/staff";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { staffSessionCookie } from "../lib/cookies.server";
import { anonBinding, consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  const invitation = await orHttpError(() => previewInvitation(desk.tenantId, params.token ?? ""));
  const { binding, setCookie } = await anonBinding(request);
  return data(
    {
      invitation: { ...invitation, roleLabel: roleLabels[invitation.role] },
      csrf: issueCsrf(binding),
      desk: desk.theme,
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const desk = requireDeskSite(context);
  try {
    const form = await readFormData(request);
    const { binding } = await anonBinding(request);
    await consumeCsrf(form, binding);
    const fields = formObject(form);
    const { email } = await acceptInvitation(desk.tenantId, params.token ?? "", fields);
    // Signed in straight away; roles that need two-factor are sent to set it up first.
    const issued = await loginStaff(desk.tenantId, { email, password: fields.password });
    throw redirect("/console", {
      headers: { "Set-Cookie": await staffSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function AcceptInvitation() {
  const { invitation, csrf, desk } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <h1>Join {invitation.tenantName}</h1>
        <p>
          You are invited as <strong>{invitation.roleLabel}</strong> with the e-mail{" "}
          <strong>{invitation.email}</strong>.
        </p>
        {invitation.requiresTwoFactor ? (
          <div className="alert info">
            This role requires two-factor authentication: you will set it up right after choosing your
            password.
          </div>
        ) : null}
        <FormError result={result} />
        <Form method="post">
          <CsrfField token={csrf} />
          <Field
            label="Your name"
            name="name"
            defaultValue={invitation.name ?? ""}
            required
            autoComplete="name"
            error={fieldError(result, "name")}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            minLength={12}
            required
            autoComplete="new-password"
            hint="At least 12 characters."
            error={fieldError(result, "password")}
          />
          <Field
            label="Repeat the password"
            name="confirmPassword"
            type="password"
            required
            autoComplete="new-password"
            error={fieldError(result, "confirmPassword")}
          />
          <SubmitButton className="full">Create my account</SubmitButton>
        </Form>
      </section>
    </main>
  );
}
