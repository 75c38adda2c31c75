import { listTradersForStaff } from "@propdesk/services/traders";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/traders"));
  return orHttpError(() =>
    listTradersForStaff(principal, Object.fromEntries(new URL(request.url).searchParams)),
  );
}

export default function Traders() {
  const { rows, hasMore, page } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set("page", String(page + 1));
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Traders</h1>
          <p>Traders belong to the firm; the desks column shows where each signed up or bought.</p>
        </div>
        <Form method="get" className="row">
          <input
            type="search"
            name="q"
            placeholder="Name or e-mail"
            defaultValue={params.get("q") ?? ""}
            aria-label="Search traders"
          />
          <button type="submit" className="secondary">
            Search
          </button>
        </Form>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Trader</th>
              <th>Country</th>
              <th>Desks</th>
              <th className="num">Challenges</th>
              <th>Status</th>
              <th>Joined</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  No traders match.
                </td>
              </tr>
            ) : (
              rows.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`/console/traders/${t.id}`}>{t.name}</Link>
                    <div className="muted">{t.email}</div>
                  </td>
                  <td>{t.country ?? "—"}</td>
                  <td>{t.desks.join(", ")}</td>
                  <td className="num">{t.challenges}</td>
                  <td>
                    {t.status === "active" ? (
                      <span className="badge good">active</span>
                    ) : (
                      <span className="badge bad">{t.status}</span>
                    )}
                  </td>
                  <td className="mono">{new Date(t.createdAt).toISOString().slice(0, 10)}</td>
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
