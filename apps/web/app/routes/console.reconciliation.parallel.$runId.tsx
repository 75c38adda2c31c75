import { parallelRunReport } from "@propdesk/services/reconciliation";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "ledger.view");
  const r = await orHttpError(() => parallelRunReport(principal, params.runId));
  return { run: r.run, view: r.view, matched: r.report.matched };
}

export default function ParallelRun() {
  const { run, view, matched } = useLoaderData<typeof loader>();
  const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);
  const clean = view.differing.length + view.onlyInTheirs.length + view.onlyInOurs.length === 0;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Parallel run</p>
          <h1>
            {run.sourceLabel} vs PropDesk, {day(run.periodFrom)} → {day(run.periodTo)}
          </h1>
          <p>
            {run.fileName}: {run.importedRows} rows, imported by {run.createdByLabel}. {matched} records
            agree.
          </p>
        </div>
        <span className={`badge ${clean ? "good" : "warn"}`}>{clean ? "no differences" : "differences"}</span>
      </div>
      <a href={`/console/reconciliation/parallel/${run.id}.csv`} download>
        Export differences (CSV)
      </a>
      <section>
        <h2>Totals that differ, per trader</h2>
        {view.totals.length === 0 ? (
          <p className="muted">Every trader's totals agree.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Trader</th>
                <th>Type</th>
                <th className="num">Theirs</th>
                <th className="num">Ours</th>
                <th className="num">Difference</th>
              </tr>
            </thead>
            <tbody>
              {view.totals.map((t) => (
                <tr key={`${t.traderId}-${t.type}-${t.currency}`}>
                  <td>
                    {t.name ?? t.traderId}
                    <div className="muted">{t.traderId}</div>
                  </td>
                  <td>{t.type.replace("_", " ")}</td>
                  <td className="num">{t.theirs}</td>
                  <td className="num">{t.ours}</td>
                  <td className="num">{t.difference}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Records that differ</h2>
        <table>
          <thead>
            <tr>
              <th>Trader</th>
              <th>Type</th>
              <th>Reference</th>
              <th>What differs</th>
              <th>Theirs</th>
              <th>Ours</th>
            </tr>
          </thead>
          <tbody>
            {view.differing.map((d) => (
              <tr key={`${d.theirsId}-${d.oursId}`}>
                <td>{d.traderId}</td>
                <td>{d.type}</td>
                <td className="mono">{d.reference}</td>
                <td>{d.fields}</td>
                <td>{d.theirs}</td>
                <td>{d.ours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="grid cols-2">
        <section>
          <h2>Only in {run.sourceLabel}</h2>
          <ul>
            {view.onlyInTheirs.map((x) => (
              <li key={x.id}>
                {x.day} · {x.traderId} · {x.type} {x.amount} {x.reference ? `(${x.reference})` : ""}
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h2>Only in PropDesk</h2>
          <ul>
            {view.onlyInOurs.map((x) => (
              <li key={x.id}>
                {x.day} · {x.traderId} · {x.type} {x.amount} <span className="mono muted">{x.id}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <Link to="/console/reconciliation">← Reconciliation</Link>
    </div>
  );
}
