import { riskWarnings } from "@propdesk/services/risk";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LiveBadge, useLiveRefresh } from "../components/live-risk";
import { StatusBadge } from "../components/status-badge";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/risk/warnings"));
  return { rows: await orHttpError(() => riskWarnings(principal)), at: new Date() };
}

export default function Warnings() {
  const { rows, at } = useLoaderData<typeof loader>();
  useLiveRefresh(5);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Warnings</h1>
          <p>
            Accounts that used a large share of a loss limit, and soft-rule violations to review. Newest
            first.
          </p>
        </div>
        <LiveBadge at={at} />
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Challenge</th>
              <th>Warning</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={4} className="empty">
                  No warning yet.
                </td>
              </tr>
            ) : (
              rows.map((w) => (
                <tr key={w.id}>
                  <td className="mono">{new Date(w.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>
                    <Link className="mono" to={`/console/challenges/${w.challengeId}`}>
                      {w.reference}
                    </Link>
                    <div className="muted">{w.trader}</div>
                    <StatusBadge status={w.challengeStatus} />
                  </td>
                  <td>
                    {w.type === "warning" ? (
                      <span className={`badge ${w.level >= 80 ? "bad" : "warn"}`}>
                        {w.level}% of {w.rule.replaceAll("_", " ")}
                      </span>
                    ) : (
                      <span className="badge warn">violation: {w.rule.replaceAll("_", " ")}</span>
                    )}
                  </td>
                  <td>{w.explanation}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
