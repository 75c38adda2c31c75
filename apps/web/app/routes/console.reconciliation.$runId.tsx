import { reconciliationReport } from "@propdesk/services/reconciliation";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "ledger.view");
  const filter = Object.fromEntries(new URL(request.url).searchParams);
  return orHttpError(() => reconciliationReport(principal, params.runId, filter));
}

const statusText: Record<string, string> = {
  matched: "matched",
  mismatch: "amounts differ",
  missing_in_ledger: "missing in the ledger",
  missing_in_processor: "missing at the processor / rail",
  missing_on_platform: "missing on the platform",
};

export default function ReconciliationReportPage() {
  const { run, summary, lines, filter } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { revalidate, state } = useRevalidator();
  const pending = run.status === "queued" || run.status === "running";
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => state === "idle" && revalidate(), 1000);
    return () => clearInterval(timer);
  }, [pending, revalidate, state]);
  const problems = run.mismatched + run.missingInLedger + run.missingExternally;
  const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Reconciliation</p>
          <h1>
            {day(run.periodFrom)} → {day(run.periodTo)}
          </h1>
          <p>
            {run.trigger} run by {run.requestedByLabel}; processor records from {run.processorSource}
            {run.statementFileName ? ` (${run.statementFileName})` : ""}.
          </p>
        </div>
        <span
          className={`badge ${pending ? "brand" : run.status === "failed" ? "bad" : problems === 0 ? "good" : "warn"}`}
        >
          {pending
            ? run.status
            : run.status === "failed"
              ? "failed"
              : problems === 0
                ? "all matched"
                : `${problems} to look at`}
        </span>
      </div>
      {run.error ? <div className="alert error">{run.error}</div> : null}
      {!pending && run.status === "completed" ? (
        <>
          <div className="row">
            <a href={`/console/reconciliation/${run.id}.csv`} download>
              Export lines (CSV)
            </a>
            <a href={`/console/reconciliation/${run.id}.csv?kind=summary`} download>
              Export summary (CSV)
            </a>
          </div>
          <section>
            <h2>Summary</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Pair</th>
                    <th>Currency</th>
                    <th className="num">Matched</th>
                    <th className="num">Differ</th>
                    <th className="num">Missing in ledger</th>
                    <th className="num">Missing outside</th>
                    <th className="num">Ledger total</th>
                    <th className="num">External total</th>
                    <th className="num">Difference</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.map((s) => (
                    <tr key={`${s.pair}-${s.currency}`}>
                      <td>
                        {s.pair === "processor"
                          ? "Ledger ↔ processor and rails"
                          : "Ledger ↔ trading platform"}
                      </td>
                      <td>{s.currency}</td>
                      <td className="num">{s.matched}</td>
                      <td className="num">{s.mismatched}</td>
                      <td className="num">{s.missingInLedger}</td>
                      <td className="num">{s.missingExternally}</td>
                      <td className="num">{s.ledgerTotal}</td>
                      <td className="num">{s.externalTotal}</td>
                      <td className="num">{s.difference}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section>
            <div className="row">
              <h2>Lines</h2>
              <Link to="?" className={filter.problems ? "" : "active"}>
                All
              </Link>
              <Link to="?problems=1" className={filter.problems ? "active" : ""}>
                Only problems
              </Link>
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Status</th>
                    <th>What</th>
                    <th>Reference</th>
                    <th className="num">Ledger</th>
                    <th className="num">External</th>
                    <th className="num">Difference</th>
                    <th>Drill down</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.length === 0 ? (
                    <tr>
                      <td colSpan={8} className="empty">
                        {params.get("problems")
                          ? "Nothing to look at: every line matched."
                          : "No lines in this period."}
                      </td>
                    </tr>
                  ) : (
                    lines.map((l) => (
                      <tr key={l.lineNo}>
                        <td>{l.lineNo}</td>
                        <td>
                          <span
                            className={`badge ${l.status === "matched" ? "good" : l.status === "mismatch" ? "warn" : "bad"}`}
                          >
                            {statusText[l.status]}
                          </span>
                          {l.matchedBy ? (
                            <div className="muted">by {l.matchedBy.replaceAll("_", " ")}</div>
                          ) : null}
                        </td>
                        <td>
                          {l.category.replaceAll("_", " ")}
                          <div className="muted">{l.date.replace("T", " ").slice(0, 19)}</div>
                        </td>
                        <td className="mono">{l.reference}</td>
                        <td className="num">{l.ledgerAmountText}</td>
                        <td className="num">{l.externalAmountText}</td>
                        <td className="num">{l.differenceText}</td>
                        <td>
                          <div className="row">
                            {l.drill.transferKey ? (
                              <Link to={`/console/ledger?ref=${encodeURIComponent(l.drill.transferKey)}`}>
                                transfer
                              </Link>
                            ) : null}
                            {l.drill.payoutId ? (
                              <Link to={`/console/payouts/${l.drill.payoutId}`}>payout</Link>
                            ) : null}
                            {l.challengeId ? (
                              <Link to={`/console/challenges/${l.challengeId}`}>account</Link>
                            ) : null}
                            {l.drill.paymentId ? (
                              <span className="mono">payment {l.drill.paymentId}</span>
                            ) : null}
                            {l.drill.processorRecordId ? (
                              <span className="mono muted">{l.drill.processorRecordId}</span>
                            ) : null}
                            {l.drill.platformAdjustmentId ? (
                              <span className="mono muted">platform {l.drill.platformAdjustmentId}</span>
                            ) : null}
                          </div>
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
      <p>
        <Link to="/console/reconciliation">← All runs</Link>
      </p>
    </div>
  );
}
