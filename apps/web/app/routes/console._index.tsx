import { consoleOverview } from "@propdesk/services/console";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console"));
  return orHttpError(() => consoleOverview(principal));
}

export default function Dashboard() {
  const o = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">{o.tenantName}</p>
          <h1>Dashboard</h1>
          <p>
            {o.consolidated
              ? "Consolidated view of every desk of the firm."
              : "The desks you have access to."}
          </p>
        </div>
      </div>
      <div className="grid cols-4">
        <div className="stat">
          <div className="value">{o.totals.desks}</div>
          <div className="label">Desks</div>
        </div>
        <div className="stat">
          <div className="value">{o.totals.staff}</div>
          <div className="label">Active staff</div>
        </div>
        <div className="stat">
          <div className="value">{o.totals.auditEvents7d}</div>
          <div className="label">Audited actions, 7 days</div>
        </div>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Desk</th>
              <th>Domains</th>
              <th className="num">Staff with access</th>
              <th className="num">Actions, 7 days</th>
            </tr>
          </thead>
          <tbody>
            {o.desks.map((d) => (
              <tr key={d.id}>
                <td>
                  <span className="swatch" style={{ background: d.primaryColor }} />{" "}
                  <Link to={`/console/desks/${d.id}`}>{d.name}</Link>
                </td>
                <td className="mono">{d.hostnames.join(", ")}</td>
                <td className="num">{d.staffWithAccess}</td>
                <td className="num">{d.auditEvents7d}</td>
              </tr>
            ))}
            {o.consolidated ? (
              <tr>
                <td>
                  <strong>All desks</strong>
                </td>
                <td />
                <td className="num">
                  <strong>{o.totals.staff}</strong>
                </td>
                <td className="num">
                  <strong>{o.totals.auditEvents7d}</strong>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {o.recent.length > 0 ? (
        <section>
          <h2>Latest activity</h2>
          <div className="table-wrap">
            <table>
              <tbody>
                {o.recent.map((r) => (
                  <tr key={r.seq}>
                    <td className="mono">
                      {new Date(r.occurredAt).toISOString().replace("T", " ").slice(0, 19)}
                    </td>
                    <td>{r.actorLabel}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
