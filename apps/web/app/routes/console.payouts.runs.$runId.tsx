import { payoutRunProgress } from "@propdesk/services/payouts";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "payouts.view");
  return orHttpError(() => payoutRunProgress(principal, params.runId));
}

/** A batch approval or disbursement as it runs: the page refreshes itself until the run is done. */
export default function PayoutRun() {
  const run = useLoaderData<typeof loader>();
  const { revalidate, state } = useRevalidator();
  const done = run.status === "completed";
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => {
      if (state === "idle") revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [done, revalidate, state]);
  const verb = run.kind === "approve" ? "Approval" : "Disbursement";
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">{verb} run</p>
          <h1>
            {verb} of {run.total} payout{run.total === 1 ? "" : "s"}
          </h1>
          <p>
            Started by {run.requestedBy} at{" "}
            {new Date(run.createdAt).toISOString().replace("T", " ").slice(0, 19)}
          </p>
        </div>
        <span className={`badge ${done ? (run.failed > 0 ? "warn" : "good") : "brand"}`}>
          {done ? "completed" : run.status}
        </span>
      </div>
      <section className="card" aria-live="polite">
        <progress
          value={run.done}
          max={run.total}
          aria-label={`${verb} progress`}
          style={{ width: "100%" }}
        />
        <p>
          <strong>
            {run.done} of {run.total}
          </strong>{" "}
          done ({run.percent} %): {run.succeeded} succeeded, {run.failed} failed.
        </p>
      </section>
      {run.failures.length > 0 ? (
        <section>
          <h2>Not done</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Payout</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {run.failures.map((f) => (
                  <tr key={f.payoutId}>
                    <td className="mono">
                      <Link to={`/console/payouts/${f.payoutId}`}>{f.reference}</Link>
                    </td>
                    <td>{f.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <p>
        <Link to="/console/payouts">← Back to the payout queue</Link>
      </p>
    </div>
  );
}
