import { AppError } from "@propdesk/domain";
import { can } from "@propdesk/domain/access";
import {
  connectCryptoRail,
  payoutSettings,
  saveApprovalThreshold,
  saveBankOriginator,
  saveDestinationCooloff,
} from "@propdesk/services/payouts";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/payouts/settings"));
  const settings = await orHttpError(() => payoutSettings(principal));
  return {
    ...settings,
    canManage: can(principal, "settings.manage"),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "settings.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const fields = formObject(form);
    let message: string;
    switch (form.get("intent")) {
      case "threshold":
        await saveApprovalThreshold(principal, fields);
        message = fields.amount ? "Approval threshold saved." : "Approval threshold removed.";
        break;
      case "cooloff":
        await saveDestinationCooloff(principal, fields);
        message = "Cool-off for new payout destinations saved.";
        break;
      case "crypto":
        await connectCryptoRail(principal, fields);
        message = "Crypto custody provider connected.";
        break;
      case "bank":
        await saveBankOriginator(principal, fields);
        message = "The firm's bank account for wire files is saved.";
        break;
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
    throw redirect("/console/payouts/settings", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function PayoutSettings() {
  const { desks, crypto, bank, canManage, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Payout settings</h1>
          <p>
            Approval thresholds, how long a new payout destination waits before it can be paid to, and the
            rails' connections.
          </p>
        </div>
      </div>
      <FormError result={result} />
      <section className="card">
        <h2>Approvals and cool-off per desk</h2>
        <p className="muted">
          Above a desk's threshold (per currency) a payout needs two different finance users; the requester
          can never approve it. Without a threshold one approval is enough.
        </p>
        <table>
          <thead>
            <tr>
              <th>Desk</th>
              <th>Two approvals above</th>
              <th>New destination cool-off</th>
            </tr>
          </thead>
          <tbody>
            {desks.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>
                  {d.thresholds.length === 0
                    ? "No threshold: one approval"
                    : d.thresholds.map((t) => `${t.currency} ${t.amount}`).join(", ")}
                </td>
                <td>{d.cooloffHours} h</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canManage ? (
          <div className="grid cols-2">
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <div className="field">
                <label htmlFor="threshold-desk">Desk</label>
                <select id="threshold-desk" name="deskId">
                  {desks.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </div>
              <Field
                label="Currency"
                name="currency"
                defaultValue="USD"
                error={fieldError(result, "currency")}
              />
              <Field
                label="Threshold amount"
                name="amount"
                placeholder="5000.00"
                hint="Empty removes the threshold."
                error={fieldError(result, "amount")}
              />
              <SubmitButton name="intent" value="threshold">
                Save threshold
              </SubmitButton>
            </Form>
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <div className="field">
                <label htmlFor="cooloff-desk">Desk</label>
                <select id="cooloff-desk" name="deskId">
                  {desks.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </div>
              <Field
                label="Cool-off (hours)"
                name="hours"
                type="number"
                min={0}
                max={720}
                defaultValue={24}
                error={fieldError(result, "hours")}
              />
              <SubmitButton name="intent" value="cooloff">
                Save cool-off
              </SubmitButton>
            </Form>
          </div>
        ) : null}
      </section>
      <div className="grid cols-2">
        <section className="card">
          <h2>Crypto custody provider</h2>
          {crypto ? (
            <p>
              Connected to <span className="mono">{crypto.endpointUrl}</span> with key {crypto.apiKeyHint} (by{" "}
              {crypto.updatedBy}).
            </p>
          ) : (
            <p className="muted">Not connected: crypto payouts fail until it is.</p>
          )}
          {canManage ? (
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <Field
                label="API address"
                name="endpointUrl"
                type="url"
                required
                error={fieldError(result, "endpointUrl")}
              />
              <Field
                label="API key"
                name="apiKey"
                type="password"
                autoComplete="off"
                required
                error={fieldError(result, "apiKey")}
              />
              <SubmitButton name="intent" value="crypto">
                {crypto ? "Replace connection" : "Connect"}
              </SubmitButton>
            </Form>
          ) : null}
        </section>
        <section className="card">
          <h2>The firm's bank account (wire files)</h2>
          {bank?.iban ? (
            <p>
              {bank.name}, <span className="mono">{bank.iban}</span> ({bank.bic})
            </p>
          ) : (
            <p className="muted">Not set: wire files cannot be exported.</p>
          )}
          {canManage ? (
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <Field
                label="Account name"
                name="name"
                defaultValue={bank?.name ?? ""}
                error={fieldError(result, "name")}
              />
              <Field
                label="IBAN"
                name="iban"
                defaultValue={bank?.iban ?? ""}
                error={fieldError(result, "iban")}
              />
              <Field
                label="BIC"
                name="bic"
                defaultValue={bank?.bic ?? ""}
                error={fieldError(result, "bic")}
              />
              <SubmitButton name="intent" value="bank">
                Save bank account
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      </div>
    </div>
  );
}
