import { desksWith } from "@propdesk/domain/access";
import { visibleDesks } from "@propdesk/services/desks";
import {
  createProgramFromTemplate,
  listProgramsFor,
  listProgramTemplates,
} from "@propdesk/services/programs";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/programs"));
  const [programs, desks] = await orHttpError(() =>
    Promise.all([listProgramsFor(principal), visibleDesks(principal)]),
  );
  const manageable = desksWith(
    principal,
    "programs.manage",
    desks.map((d) => d.id),
  );
  return {
    programs,
    templates: listProgramTemplates().map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      size: t.program.initialBalance,
      currency: t.program.currency,
    })),
    desks: desks.filter((d) => manageable.includes(d.id)).map((d) => ({ id: d.id, name: d.name })),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "programs.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const { program } = await createProgramFromTemplate(principal, formObject(form));
    throw redirect(`/console/programs/${program.id}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: `Program ${program.name} created as version 1.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Programs() {
  const { programs, templates, desks, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Challenge programs</h1>
          <p>
            The rules each desk sells. Editing a program creates a new version; challenges keep the version
            they were sold under.
          </p>
        </div>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Program</th>
              <th>Desk</th>
              <th>Template</th>
              <th className="num">Version</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {programs.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No programs yet. Start one from a template below.
                </td>
              </tr>
            ) : (
              programs.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/console/programs/${p.id}`}>{p.name}</Link>
                    <div className="muted mono">{p.slug}</div>
                  </td>
                  <td>{p.deskName}</td>
                  <td className="mono">{p.templateId ?? "—"}</td>
                  <td className="num">v{p.latestVersion}</td>
                  <td>
                    {p.status === "active" ? (
                      <span className="badge good">active</span>
                    ) : (
                      <span className="badge">archived</span>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {desks.length > 0 ? (
        <section className="card wide">
          <h2>New program from a template</h2>
          <FormError result={result} />
          <Form method="post">
            <CsrfField token={csrf} />
            <fieldset className="checks">
              <legend>Template</legend>
              {templates.map((t, i) => (
                <label key={t.id} style={{ alignItems: "flex-start" }}>
                  <input type="radio" name="templateId" value={t.id} defaultChecked={i === 0} />
                  <span>
                    <strong>{t.name}</strong>{" "}
                    <span className="muted">
                      ({t.size} {t.currency})
                    </span>
                    <br />
                    <span className="muted">{t.description}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label htmlFor="deskId">Desk</label>
              <select id="deskId" name="deskId">
                {desks.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Name" name="name" required error={fieldError(result, "name")} />
            <Field
              label="Slug"
              name="slug"
              required
              pattern="[a-z0-9\-]+"
              error={fieldError(result, "slug")}
              hint="Used in links and the catalogue."
            />
            <Field
              label="Account size"
              name="initialBalance"
              placeholder="100000.00"
              hint="Leave empty for the template's size."
              error={fieldError(result, "initialBalance") ?? fieldError(result, "program.initialBalance")}
            />
            <SubmitButton>Create program</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
