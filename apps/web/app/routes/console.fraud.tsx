import { decideFraudFlag, fraudFlagQueue } from "@propdesk/services/fraud";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/fraud"));
  const queue = await orHttpError(() =>
    fraudFlagQueue(principal, Object.fromEntries(new URL(request.url).searchParams)),
  );
  return { ...queue, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "screening.review");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const r = await decideFraudFlag(principal, form.get("flagId"), {
      ...formObject(form),
      decision: form.get("intent"),
    });
    throw redirect(`/console/fraud${new URL(request.url).search}`, {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message: `Flag ${r.status}.` }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const kinds: Record<string, string> = {
  shared_ip: "Shared IP address",
  shared_device: "Shared browser",
  shared_payment_method: "Shared card",
  copy_trading: "Copy trading",
  hedging: "Hedging",
  disposable_email: "Disposable e-mail",
  chargeback_history: "Chargebacks",
};

export default function FraudFlags() {
  const { rows, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Fraud flags</h1>
          <p>Signals that fired on traders, most severe first; each says why.</p>
        </div>
        <Form method="get" className="row">
          <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Status">
            <option value="">Open</option>
            <option value="confirmed">Confirmed</option>
            <option value="dismissed">Dismissed</option>
            <option value="cleared">Cleared (stopped firing)</option>
          </select>
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
      </div>
      <FormError result={result} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Trader</th>
              <th>Signal</th>
              <th>Why it fired</th>
              <th>Seen (UTC)</th>
              <th>Review</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No flags.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/console/traders/${r.trader.id}/compliance`}>{r.trader.name}</Link>
                  </td>
                  <td>
                    <Badge status={r.severity}>{r.severity}</Badge> {kinds[r.kind] ?? r.kind}
                  </td>
                  <td>
                    {r.reason}
                    {r.related.length ? (
                      <div className="muted">
                        With{" "}
                        {r.related.map((x, i) => (
                          <span key={x.id}>
                            {i ? ", " : ""}
                            <Link to={`/console/traders/${x.id}/compliance`}>{x.name}</Link>
                          </span>
                        ))}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <When at={r.lastDetectedAt} />
                  </td>
                  <td>
                    {r.status === "open" ? (
                      <Form method="post" className="stack">
                        <CsrfField token={csrf} />
                        <input type="hidden" name="flagId" value={r.id} />
                        <input
                          name="note"
                          placeholder="What you found"
                          aria-label={`Note on ${r.trader.name}`}
                          required
                          minLength={5}
                        />
                        <div className="row">
                          <SubmitButton name="intent" value="dismiss" className="secondary">
                            Dismiss
                          </SubmitButton>
                          <SubmitButton name="intent" value="confirm" className="danger">
                            Confirm
                          </SubmitButton>
                        </div>
                      </Form>
                    ) : (
                      <Badge status={r.status} />
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
