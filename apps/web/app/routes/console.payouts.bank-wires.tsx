import { AppError } from "@propdesk/domain";
import { bankWireOverview, exportBankWireBatch, importBankConfirmation } from "@propdesk/services/payouts";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { uploadedText } from "../lib/csv-response.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/payouts/bank-wires"));
  const overview = await orHttpError(() => bankWireOverview(principal));
  return { ...overview, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "payouts.disburse");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    let message: string;
    switch (form.get("intent")) {
      case "export": {
        const b = await exportBankWireBatch(principal, { currency: form.get("currency") });
        message = `Wire file ${b.reference} created: ${b.items} payment${b.items === 1 ? "" : "s"}, ${b.total}. Download it and upload it to the bank.`;
        break;
      }
      case "import": {
        const { fileName, text } = await uploadedText(form, "file");
        const r = await importBankConfirmation(principal, { batchId: form.get("batchId"), fileName, text });
        message = `Confirmation for ${r.reference} imported: ${r.settled} paid, ${r.rejected} rejected${
          r.alreadyConfirmed ? `, ${r.alreadyConfirmed} already confirmed before` : ""
        }${r.stillOpen ? `; ${r.stillOpen} still waiting for the bank` : ""}.`;
        break;
      }
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
    throw redirect("/console/payouts/bank-wires", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function BankWires() {
  const { ready, batches, originatorSet, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const issues =
    result && !result.ok ? Object.entries(result.fieldErrors).filter(([k]) => k.startsWith("rows.")) : [];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Bank wires</h1>
          <p>
            Approved bank payouts are gathered into a file for the bank; importing the bank's confirmation
            marks each payment paid or rejected.
          </p>
        </div>
      </div>
      <FormError result={result} />
      {issues.length > 0 ? (
        <ul className="alert error">
          {issues.map(([k, v]) => (
            <li key={k}>{v}</li>
          ))}
        </ul>
      ) : null}
      {!originatorSet ? (
        <div className="alert warn">
          Enter the firm's bank account in <Link to="/console/payouts/settings">payout settings</Link> before
          exporting wire files.
        </div>
      ) : null}
      <section className="card">
        <h2>Waiting for a wire file</h2>
        {ready.length === 0 ? (
          <p className="muted">No bank payouts are waiting.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Currency</th>
                <th className="num">Payments</th>
                <th className="num">Total</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {ready.map((r) => (
                <tr key={r.currency}>
                  <td>{r.currency}</td>
                  <td className="num">{r.count}</td>
                  <td className="num">{r.total}</td>
                  <td>
                    <Form method="post">
                      <CsrfField token={csrf} />
                      <input type="hidden" name="currency" value={r.currency} />
                      <SubmitButton name="intent" value="export">
                        Export wire file
                      </SubmitButton>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Wire files</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th className="num">Payments</th>
                <th className="num">Total</th>
                <th>Status</th>
                <th>Bank's confirmation</th>
              </tr>
            </thead>
            <tbody>
              {batches.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    No wire files yet.
                  </td>
                </tr>
              ) : (
                batches.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <a className="mono" href={`/console/payouts/bank-wires/${b.id}.csv`} download>
                        {b.fileName}
                      </a>
                      <div className="muted">
                        {new Date(b.exportedAt).toISOString().replace("T", " ").slice(0, 16)} by{" "}
                        {b.exportedByLabel}
                      </div>
                    </td>
                    <td className="num">{b.items}</td>
                    <td className="num">{b.total}</td>
                    <td>
                      <span className={`badge ${b.status === "confirmed" ? "good" : "warn"}`}>
                        {b.status.replace("_", " ")}
                      </span>
                    </td>
                    <td>
                      {b.status === "confirmed" ? (
                        <span className="muted">Confirmed</span>
                      ) : (
                        <Form method="post" encType="multipart/form-data" className="row">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="batchId" value={b.id} />
                          <input
                            type="file"
                            name="file"
                            accept=".csv,text/csv"
                            aria-label={`Confirmation file for ${b.reference}`}
                            required
                          />
                          <SubmitButton name="intent" value="import">
                            Import
                          </SubmitButton>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
