import { createTenant } from "@propdesk/services/tenants";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requirePlatformAdmin } from "../lib/platform.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requirePlatformAdmin(request, context);
  return { csrf: issueCsrf({ kind: "platform", sessionId: principal.sessionId }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requirePlatformAdmin(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "platform", sessionId: principal.sessionId });
    const created = await createTenant(principal, formObject(form));
    const message = created.invitation.emailQueued
      ? `Tenant created. The owner's invitation was e-mailed to ${created.invitation.email}; the link is also here:`
      : `Tenant created. Send this invitation link to the owner (${created.invitation.email}):`;
    throw redirect("/platform", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message, copy: created.invitation.link }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function NewTenant() {
  const { csrf } = useLoaderData<typeof loader>();
  const r = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>New tenant</h1>
          <p>A firm, its first desk on its own domain, and an invitation for its owner.</p>
        </div>
      </div>
      <section className="card wide">
        <FormError result={r} />
        <Form method="post">
          <CsrfField token={csrf} />
          <h2>Firm</h2>
          <Field label="Firm name" name="name" required error={fieldError(r, "name")} />
          <Field
            label="Slug"
            name="slug"
            required
            pattern="[a-z0-9\-]+"
            hint="Lower-case letters, digits and hyphens."
            error={fieldError(r, "slug")}
          />
          <h2>First desk</h2>
          <Field label="Desk brand name" name="deskName" required error={fieldError(r, "deskName")} />
          <Field
            label="Desk slug"
            name="deskSlug"
            required
            pattern="[a-z0-9\-]+"
            error={fieldError(r, "deskSlug")}
          />
          <Field
            label="Domain"
            name="hostname"
            required
            placeholder="trade.example.com"
            hint="The host name traders and staff use for this desk."
            error={fieldError(r, "hostname")}
          />
          <div className="row">
            <Field
              label="Primary colour"
              name="primaryColor"
              type="color"
              defaultValue="#1f6feb"
              error={fieldError(r, "primaryColor")}
            />
            <Field
              label="Accent colour"
              name="accentColor"
              type="color"
              defaultValue="#0b1221"
              error={fieldError(r, "accentColor")}
            />
          </div>
          <Field label="Logo URL (optional)" name="logoUrl" type="url" error={fieldError(r, "logoUrl")} />
          <h2>Owner</h2>
          <Field
            label="Owner's e-mail"
            name="ownerEmail"
            type="email"
            required
            error={fieldError(r, "ownerEmail")}
          />
          <Field label="Owner's name (optional)" name="ownerName" error={fieldError(r, "ownerName")} />
          <SubmitButton>Create tenant</SubmitButton>
        </Form>
      </section>
    </div>
  );
}
