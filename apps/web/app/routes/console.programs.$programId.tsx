import { AppError } from "@propdesk/domain";
import { programDetail, saveProgramVersion } from "@propdesk/services/programs";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "programs.view");
  const { program, canManage } = await orHttpError(() => programDetail(principal, params.programId));
  return {
    program: {
      id: program.id,
      name: program.name,
      slug: program.slug,
      description: program.description,
      status: program.status,
    },
    versions: program.versions.map((v) => ({
      id: v.id,
      version: v.version,
      fingerprint: v.fingerprint,
      createdAt: v.createdAt,
      createdBy: v.createdByLabel,
      definition: JSON.stringify(v.definition, null, 2),
    })),
    canManage,
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "programs.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    let definition: unknown;
    try {
      definition = JSON.parse(String(form.get("definition") ?? ""));
    } catch (e) {
      throw new AppError("VALIDATION", `definition: not valid JSON (${(e as Error).message}).`, {
        issues: [{ path: "definition", message: "not valid JSON" }],
      });
    }
    const saved = await saveProgramVersion(principal, params.programId, definition);
    throw redirect(`/console/programs/${params.programId}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: saved.created ? "success" : "info",
          message: saved.created
            ? `Saved as version ${saved.version.version}.`
            : "Nothing changed: no new version.",
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function ProgramPage() {
  const { program, versions, canManage, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const latest = versions[0];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Program · {program.slug}</p>
          <h1>{program.name}</h1>
          <p>{program.description}</p>
        </div>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th className="num">Version</th>
              <th>Fingerprint</th>
              <th>Created</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td className="num">v{v.version}</td>
                <td className="mono">{v.fingerprint}</td>
                <td className="mono">{new Date(v.createdAt).toISOString().slice(0, 16).replace("T", " ")}</td>
                <td>{v.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {latest ? (
        <section className="card">
          <h2>Rules of version {latest.version}</h2>
          <FormError result={result} />
          <Form method="post">
            <CsrfField token={csrf} />
            <div className="field">
              <label htmlFor="definition">Definition (JSON, validated by the rules engine's schema)</label>
              <textarea
                id="definition"
                name="definition"
                rows={24}
                defaultValue={latest.definition}
                readOnly={!canManage}
                className="mono"
              />
            </div>
            {canManage ? <SubmitButton>Save as a new version</SubmitButton> : null}
          </Form>
        </section>
      ) : null}
    </div>
  );
}
