import { AppError } from "@propdesk/domain";
import { canOnDesk } from "@propdesk/domain/access";
import { addDeskDomain, deskDetail, updateDeskTheme } from "@propdesk/services/desks";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "desks.view");
  const desk = await orHttpError(() => deskDetail(principal, params.deskId));
  return {
    desk: {
      id: desk.id,
      name: desk.name,
      slug: desk.slug,
      logoUrl: desk.logoUrl ?? "",
      primaryColor: desk.primaryColor,
      accentColor: desk.accentColor,
      domains: desk.domains.map((d) => ({ id: d.id, hostname: d.hostname, isPrimary: d.isPrimary })),
    },
    canManage: canOnDesk(principal, "desks.manage", desk.id),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "desks.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = form.get("intent");
    if (intent === "theme") await updateDeskTheme(principal, params.deskId, formObject(form));
    else if (intent === "domain") await addDeskDomain(principal, params.deskId, formObject(form));
    else throw new AppError("VALIDATION", "Unknown action.");
    throw redirect(`/console/desks/${params.deskId}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: intent === "theme" ? "Theme saved." : "Domain added.",
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function DeskPage() {
  const { desk, canManage, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Desk</p>
          <h1>{desk.name}</h1>
        </div>
      </div>
      <FormError result={result} />
      <div className="grid cols-2">
        <section className="card">
          <h2>Theme</h2>
          <Form method="post">
            <CsrfField token={csrf} />
            <input type="hidden" name="intent" value="theme" />
            <fieldset disabled={!canManage} style={{ border: 0, padding: 0, margin: 0 }}>
              <Field
                label="Brand name"
                name="name"
                defaultValue={desk.name}
                required
                error={fieldError(result, "name")}
              />
              <Field
                label="Logo URL"
                name="logoUrl"
                type="url"
                defaultValue={desk.logoUrl}
                placeholder="https://…"
                error={fieldError(result, "logoUrl")}
              />
              <div className="row">
                <Field
                  label="Primary colour"
                  name="primaryColor"
                  type="color"
                  defaultValue={desk.primaryColor}
                  error={fieldError(result, "primaryColor")}
                />
                <Field
                  label="Accent colour"
                  name="accentColor"
                  type="color"
                  defaultValue={desk.accentColor}
                  error={fieldError(result, "accentColor")}
                />
              </div>
              {canManage ? (
                <SubmitButton name="intent" value="theme">
                  Save theme
                </SubmitButton>
              ) : (
                <p className="muted">You can view this desk but not change it.</p>
              )}
            </fieldset>
          </Form>
        </section>
        <section className="card">
          <h2>Domains</h2>
          <ul>
            {desk.domains.map((d) => (
              <li key={d.id} className="mono">
                {d.hostname} {d.isPrimary ? <span className="badge brand">primary</span> : null}
              </li>
            ))}
          </ul>
          {canManage ? (
            <Form method="post">
              <CsrfField token={csrf} />
              <input type="hidden" name="intent" value="domain" />
              <Field
                label="Add a domain"
                name="hostname"
                placeholder="trade.example.com"
                required
                error={fieldError(result, "hostname")}
                hint="Point the domain's DNS at PropDesk first."
              />
              <SubmitButton name="intent" value="domain">
                Add domain
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      </div>
    </div>
  );
}
