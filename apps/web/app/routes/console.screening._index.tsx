import { screeningQueue } from "@propdesk/services/compliance";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/screening"));
  return orHttpError(() => screeningQueue(principal, Object.fromEntries(new URL(request.url).searchParams)));
}

export default function ScreeningQueue() {
  const { rows, status, counts, threshold, listVersion, screenedAt } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Sanctions screening</h1>
          <p>
            Traders whose names match an OFAC or UN list entry at or above the firm's threshold ({threshold}).
            Lists <span className="mono">{listVersion ? listVersion.slice(0, 12) : "not screened yet"}</span>
            {screenedAt ? (
              <>
                , everyone screened <When at={screenedAt} />
              </>
            ) : null}
            .
          </p>
        </div>
        <Form method="get" className="row">
          <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Status">
            <option value="">Potential matches ({counts.potential_match ?? 0})</option>
            <option value="confirmed_match">Confirmed ({counts.confirmed_match ?? 0})</option>
            <option value="clear">Clear ({counts.clear ?? 0})</option>
          </select>
          <button type="submit" className="secondary">
            Show
          </button>
        </Form>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Person</th>
              <th>Best match</th>
              <th className="num">Score</th>
              <th className="num">Matches</th>
              <th>Screened (UTC)</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  {status === "potential_match" ? "No potential match waits for review." : "Nobody."}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/console/screening/${r.id}`}>{r.subjectName}</Link>{" "}
                    <span className="muted">{r.subjectType}</span>
                  </td>
                  <td>{r.topName ?? r.confirmed?.entryKey ?? "—"}</td>
                  <td className="num">{r.topScore !== null ? r.topScore.toFixed(3) : "—"}</td>
                  <td className="num">{r.pending}</td>
                  <td>
                    <When at={r.lastScreenedAt} />
                  </td>
                  <td>
                    <Badge status={r.status} />
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
