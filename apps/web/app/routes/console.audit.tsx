import { can } from "@propdesk/domain/access";
import { searchAudit } from "@propdesk/services/audit";
import { visibleDesks } from "@propdesk/services/desks";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

const pageSize = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/audit"));
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const [page, desks] = await orHttpError(() =>
    Promise.all([searchAudit(principal, params, pageSize), visibleDesks(principal)]),
  );
  return {
    ...page,
    desks: desks.map((d) => ({ id: d.id, name: d.name })),
    canExport: can(principal, "audit.export"),
  };
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <pre className="json">{JSON.stringify(value, null, 1)}</pre>;
}

export default function AuditTrail() {
  const { rows, nextBefore, desks, canExport } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const exportParams = new URLSearchParams(params);
  exportParams.delete("before");
  const next = new URLSearchParams(params);
  if (nextBefore) next.set("before", nextBefore);
  const deskName = (id: string | null) => (id ? (desks.find((d) => d.id === id)?.name ?? "—") : "Firm");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Audit trail</h1>
          <p>Every state-changing action, append-only and hash-chained.</p>
        </div>
        {canExport ? (
          <a className="button secondary" href={`/console/audit.csv?${exportParams}`} download>
            Export CSV
          </a>
        ) : null}
      </div>
      <Form method="get" className="card">
        <div className="grid cols-4">
          <div className="field">
            <label htmlFor="from">From</label>
            <input id="from" type="date" name="from" defaultValue={params.get("from") ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="to">Until (exclusive)</label>
            <input id="to" type="date" name="to" defaultValue={params.get("to") ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="action">Action starts with</label>
            <input
              id="action"
              type="text"
              name="action"
              placeholder="staff."
              defaultValue={params.get("action") ?? ""}
            />
          </div>
          <div className="field">
            <label htmlFor="desk">Desk</label>
            <select id="desk" name="desk" defaultValue={params.get("desk") ?? ""}>
              <option value="">Any</option>
              {desks.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row">
          <button type="submit">Filter</button>
          <Link to="/console/audit">Clear</Link>
        </div>
      </Form>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th className="num">#</th>
              <th>When (UTC)</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Desk</th>
              <th>Target</th>
              <th>Change</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty">
                  No events match.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.seq}>
                  <td className="num mono">{r.seq}</td>
                  <td className="mono">
                    {new Date(r.occurredAt).toISOString().replace("T", " ").slice(0, 19)}
                  </td>
                  <td>
                    {r.actorLabel}
                    <div className="muted">{r.actorType}</div>
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{deskName(r.deskId)}</td>
                  <td>
                    {r.targetType ? (
                      <>
                        {r.targetType}
                        <div className="muted mono">{r.targetId}</div>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {r.before || r.after ? (
                      <details>
                        <summary>details</summary>
                        <div className="muted">before</div>
                        <Json value={r.before} />
                        <div className="muted">after</div>
                        <Json value={r.after} />
                      </details>
                    ) : null}
                  </td>
                  <td className="muted">
                    <div className="mono">{r.requestId?.slice(0, 8)}</div>
                    {r.ip}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {nextBefore ? (
        <p>
          <Link to={`/console/audit?${next}`}>Older events →</Link>
        </p>
      ) : null}
    </div>
  );
}
