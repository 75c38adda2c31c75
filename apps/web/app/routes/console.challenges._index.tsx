import { challengeStates } from "@propdesk/domain/lifecycle";
import { listChallengesForStaff } from "@propdesk/services/challenges";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { StatusBadge, statusLabel } from "../components/status-badge";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/challenges"));
  return orHttpError(() =>
    listChallengesForStaff(principal, Object.fromEntries(new URL(request.url).searchParams)),
  );
}

export default function Challenges() {
  const { rows, hasMore, page } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set("page", String(page + 1));
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Challenges</h1>
          <p>Every challenge of the desks you can see, newest first.</p>
        </div>
        <Form method="get" className="row">
          <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Status">
            <option value="">Any status</option>
            {challengeStates.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary">
            Filter
          </button>
        </Form>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Reference</th>
              <th>Trader</th>
              <th>Program</th>
              <th>Size</th>
              <th>Phase</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  No challenges match.
                </td>
              </tr>
            ) : (
              rows.map((c) => (
                <tr key={c.id}>
                  <td className="mono">
                    <Link to={`/console/challenges/${c.id}`}>{c.reference}</Link>
                  </td>
                  <td>
                    <Link to={`/console/traders/${c.trader.id}`}>{c.trader.name}</Link>
                  </td>
                  <td>
                    {c.programName} <span className="muted">v{c.programVersion}</span>
                  </td>
                  <td>{c.accountSize}</td>
                  <td>
                    {c.phaseName}{" "}
                    <span className="muted">
                      ({c.phaseIndex + 1}/{c.phaseCount})
                    </span>
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {hasMore ? <Link to={`?${next}`}>Next page →</Link> : null}
    </div>
  );
}
