import { AppError } from "@propdesk/domain";
import { listTenants, reactivateTenant, suspendTenant } from "@propdesk/services/tenants";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, readFormData } from "../lib/http.server";
import { requirePlatformAdmin } from "../lib/platform.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requirePlatformAdmin(request, context);
  return {
    tenants: await listTenants(principal),
    csrf: issueCsrf({ kind: "platform", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requirePlatformAdmin(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "platform", sessionId: principal.sessionId });
    const intent = form.get("intent");
    if (intent === "suspend") await suspendTenant(principal, form.get("tenantId"), form.get("reason"));
    else if (intent === "reactivate") await reactivateTenant(principal, form.get("tenantId"));
    else throw new AppError("VALIDATION", "Unknown action.");
    throw redirect("/platform", {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: intent === "suspend" ? "Tenant suspended." : "Tenant reactivated.",
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Tenants() {
  const { tenants, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Tenants</h1>
          <p>Every firm on this PropDesk installation.</p>
        </div>
        <Link className="button" to="/platform/tenants/new">
          New tenant
        </Link>
      </div>
      <FormError result={result} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Firm</th>
              <th>Desks and domains</th>
              <th className="num">Staff</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tenants.map((t) => (
              <tr key={t.id}>
                <td>
                  <strong>{t.name}</strong>
                  <div className="muted mono">{t.slug}</div>
                </td>
                <td>
                  {t.desks.map((d) => (
                    <div key={d.id}>
                      {d.name} <span className="muted mono">{d.hostnames.join(", ")}</span>
                    </div>
                  ))}
                </td>
                <td className="num">
                  {t.staff.active}
                  {t.openInvitations ? <div className="muted">{t.openInvitations} invited</div> : null}
                </td>
                <td>
                  {t.status === "active" ? (
                    <span className="badge good">active</span>
                  ) : (
                    <span className="badge bad">suspended</span>
                  )}
                  {t.suspendedReason ? <div className="muted">{t.suspendedReason}</div> : null}
                </td>
                <td>
                  {t.status === "active" ? (
                    <details>
                      <summary>Suspend</summary>
                      <Form method="post">
                        <CsrfField token={csrf} />
                        <input type="hidden" name="tenantId" value={t.id} />
                        <div className="field">
                          <label htmlFor={`reason-${t.id}`}>Reason</label>
                          <input id={`reason-${t.id}`} type="text" name="reason" required minLength={3} />
                        </div>
                        <SubmitButton name="intent" value="suspend" className="danger">
                          Suspend {t.name}
                        </SubmitButton>
                      </Form>
                    </details>
                  ) : (
                    <Form method="post">
                      <CsrfField token={csrf} />
                      <input type="hidden" name="tenantId" value={t.id} />
                      <SubmitButton name="intent" value="reactivate" className="secondary">
                        Reactivate
                      </SubmitButton>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
