import { riskBreaches } from "@propdesk/services/risk";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LiveBadge, useLiveRefresh } from "../components/live-risk";
import { StatusBadge } from "../components/status-badge";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/risk/breaches"));
  return { rows: await orHttpError(() => riskBreaches(principal)), at: new Date() };
}

export default function Breaches() {
  const { rows, at } = useLoaderData<typeof loader>();
  useLiveRefresh(5);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Breaches</h1>
          <p>
            Every breach, expiry and pause with its evidence: the update that caused it, the floor it crossed,
            and what was done on the platform and how fast.
          </p>
        </div>
        <LiveBadge at={at} />
      </div>
      {rows.length === 0 ? <div className="card empty">No breach yet.</div> : null}
      {rows.map((b) => (
        <section key={b.id} className="card evidence">
          <div className="spread">
            <div>
              <Link className="mono" to={`/console/challenges/${b.challengeId}`}>
                {b.reference}
              </Link>{" "}
              · {b.trader} · <strong>{b.type}</strong> on {b.rule.replaceAll("_", " ") || "time limit"}
            </div>
            <div className="row">
              {b.overridden ? <span className="badge good">overridden</span> : null}
              <StatusBadge status={b.challengeStatus} />
            </div>
          </div>
          <p>{b.explanation}</p>
          {b.evidence ? (
            <dl className="facts">
              <dt>Update</dt>
              <dd className="mono">
                #{b.evidence.inputId} {b.evidence.kind}
                {b.evidence.seq !== null ? ` seq ${b.evidence.seq}` : ""}
              </dd>
              <dt>Platform time</dt>
              <dd className="mono">{new Date(b.evidence.platformTime).toISOString()}</dd>
              <dt>Received</dt>
              <dd className="mono">{new Date(b.evidence.receivedAt).toISOString()}</dd>
              <dt>Equity / balance</dt>
              <dd>
                {b.evidence.equity ?? "—"} / {b.evidence.balance ?? "—"}
              </dd>
              {b.rule === "daily_loss" || b.rule === "max_loss" ? (
                <>
                  <dt>Floor crossed</dt>
                  <dd>
                    {b.evidence.floor} = {b.evidence.reference} − {b.evidence.amount}
                  </dd>
                </>
              ) : null}
              <dt>Decided</dt>
              <dd className="mono">{new Date(b.decidedAt).toISOString()}</dd>
            </dl>
          ) : null}
          {b.actions.length > 0 ? (
            <ul className="actions">
              {b.actions.map((a) => (
                <li key={`${a.action}-${a.requestedAt}`}>
                  <code>{a.action}</code> {a.status}
                  {a.latencyMs !== null ? ` · issued ${a.latencyMs} ms after the update was received` : ""}
                  {a.error ? ` · ${a.error}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
          {b.note ? <p className="muted">{b.note}</p> : null}
          {b.overridden ? (
            <p className="muted">
              Overridden by {b.overridden.by}: {b.overridden.reason}
            </p>
          ) : null}
        </section>
      ))}
    </div>
  );
}
