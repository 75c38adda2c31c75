import { AppError } from "@propdesk/domain";
import { can } from "@propdesk/domain/access";
import {
  importParallelRun,
  listParallelRuns,
  listReconciliationRuns,
  requestReconciliation,
} from "@propdesk/services/reconciliation";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { uploadedText } from "../lib/csv-response.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/reconciliation"));
  const [runs, parallel] = await orHttpError(() =>
    Promise.all([listReconciliationRuns(principal), listParallelRuns(principal)]),
  );
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return {
    runs,
    parallel,
    defaults: { from: yesterday, to: tomorrow, today },
    canRun: can(principal, "reconciliation.run"),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "reconciliation.run");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const text = (k: string) => (typeof form.get(k) === "string" ? String(form.get(k)) : undefined);
    switch (form.get("intent")) {
      case "run": {
        const source = text("source");
        const statement = source === "statement" ? await uploadedText(form, "statement") : null;
        const run = await requestReconciliation(principal, {
          from: text("from"),
          to: text("to"),
          source,
          ...(statement ? { statementFileName: statement.fileName, statementCsv: statement.text } : {}),
        });
        throw redirect(`/console/reconciliation/${run.id}`);
      }
      case "parallel": {
        const file = await uploadedText(form, "file");
        const run = await importParallelRun(principal, {
          from: text("from"),
          to: text("to"),
          sourceLabel: text("sourceLabel"),
          fileName: file.fileName,
          text: file.text,
        });
        throw redirect(`/console/reconciliation/parallel/${run.id}`);
      }
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
  } catch (e) {
    return actionFailure(e);
  }
}

const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);

export default function Reconciliation() {
  const { runs, parallel, defaults, canRun, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const rowIssues =
    result && !result.ok ? Object.entries(result.fieldErrors).filter(([k]) => k.startsWith("rows.")) : [];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Reconciliation</h1>
          <p>
            The ledger against the payment processor and payout rails, and against the trading platforms,
            period by period. A run is scheduled every night for the previous day; run one any time.
          </p>
        </div>
      </div>
      <FormError result={result} />
      {rowIssues.length > 0 ? (
        <ul className="alert error">
          {rowIssues.map(([k, v]) => (
            <li key={k}>{v}</li>
          ))}
        </ul>
      ) : null}
      {canRun ? (
        <section className="card">
          <h2>Run a reconciliation</h2>
          <Form method="post" encType="multipart/form-data" className="stack">
            <CsrfField token={csrf} />
            <div className="row">
              <Field
                label="From (first day)"
                name="from"
                type="date"
                defaultValue={defaults.from}
                error={fieldError(result, "from")}
              />
              <Field
                label="To (day after the last)"
                name="to"
                type="date"
                defaultValue={defaults.to}
                error={fieldError(result, "to")}
              />
            </div>
            <fieldset className="checks">
              <legend>Processor records</legend>
              <label>
                <input type="radio" name="source" value="stripe" defaultChecked /> From Stripe (balance
                transactions and payouts)
              </label>
              <label>
                <input type="radio" name="source" value="statement" /> From a statement file (CSV):{" "}
                <input type="file" name="statement" accept=".csv,text/csv" aria-label="Statement file" />
              </label>
              <label>
                <input type="radio" name="source" value="none" /> None (payout rails and platforms only)
              </label>
            </fieldset>
            <SubmitButton name="intent" value="run">
              Run reconciliation
            </SubmitButton>
          </Form>
        </section>
      ) : null}
      <section>
        <h2>Runs</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Period</th>
                <th>How</th>
                <th>Status</th>
                <th className="num">Matched</th>
                <th className="num">Amounts differ</th>
                <th className="num">Missing in ledger</th>
                <th className="num">Missing outside</th>
              </tr>
            </thead>
            <tbody>
              {runs.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    No runs yet.
                  </td>
                </tr>
              ) : (
                runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/console/reconciliation/${r.id}`}>
                        {day(r.periodFrom)} → {day(r.periodTo)}
                      </Link>
                    </td>
                    <td>
                      {r.trigger} · {r.processorSource}
                      {r.statementFileName ? ` (${r.statementFileName})` : ""}
                      <div className="muted">{r.requestedByLabel}</div>
                    </td>
                    <td>
                      <span
                        className={`badge ${r.status === "completed" ? (r.mismatched + r.missingInLedger + r.missingExternally === 0 ? "good" : "warn") : r.status === "failed" ? "bad" : "brand"}`}
                      >
                        {r.status}
                      </span>
                      {r.error ? <div className="muted">{r.error}</div> : null}
                    </td>
                    <td className="num">{r.matched}</td>
                    <td className="num">{r.mismatched}</td>
                    <td className="num">{r.missingInLedger}</td>
                    <td className="num">{r.missingExternally}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card">
        <h2>Parallel run</h2>
        <p className="muted">
          Moving from another system? Import its payout and fee records (CSV with trader e-mail, type, amount,
          currency, date and optionally a reference) and see where they differ from PropDesk for the same
          period.
        </p>
        {canRun ? (
          <Form method="post" encType="multipart/form-data" className="stack">
            <CsrfField token={csrf} />
            <div className="row">
              <Field label="From" name="from" type="date" defaultValue={defaults.from} />
              <Field label="To" name="to" type="date" defaultValue={defaults.to} />
              <Field
                label="Other system"
                name="sourceLabel"
                placeholder="Old CRM"
                error={fieldError(result, "sourceLabel")}
              />
            </div>
            <input type="file" name="file" accept=".csv,text/csv" aria-label="Records to compare" required />
            <SubmitButton name="intent" value="parallel">
              Compare
            </SubmitButton>
          </Form>
        ) : null}
        <table>
          <thead>
            <tr>
              <th>Period</th>
              <th>File</th>
              <th className="num">Matched</th>
              <th className="num">Differ</th>
              <th className="num">Only theirs</th>
              <th className="num">Only ours</th>
            </tr>
          </thead>
          <tbody>
            {parallel.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/console/reconciliation/parallel/${p.id}`}>
                    {day(p.periodFrom)} → {day(p.periodTo)}
                  </Link>
                </td>
                <td>
                  {p.sourceLabel}: {p.fileName} ({p.importedRows} rows)
                </td>
                <td className="num">{p.matched}</td>
                <td className="num">{p.differing}</td>
                <td className="num">{p.onlyTheirs}</td>
                <td className="num">{p.onlyOurs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
