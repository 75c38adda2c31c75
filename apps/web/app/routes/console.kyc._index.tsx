import { kycQueue } from "@propdesk/services/kyc";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/kyc"));
  return orHttpError(() => kycQueue(principal, Object.fromEntries(new URL(request.url).searchParams)));
}

export default function KycQueue() {
  const { rows } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>KYC reviews</h1>
          <p>Identity verifications waiting on the trader, the provider or you; oldest first.</p>
        </div>
        <Form method="get" className="row">
          <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Status">
            <option value="">Waiting</option>
            <option value="pending">Pending</option>
            <option value="resubmission_requested">New documents requested</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
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
              <th>Trader</th>
              <th>Why</th>
              <th>Provider</th>
              <th>Documents</th>
              <th>Since (UTC)</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  Nothing to review.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/console/kyc/${r.id}`}>{r.trader.name}</Link>{" "}
                    <span className="muted">
                      {r.trader.email} {r.trader.country ?? ""}
                    </span>
                  </td>
                  <td>{r.reason.replaceAll("_", " ")}</td>
                  <td>{r.provider === "manual" ? "manual review" : r.provider}</td>
                  <td>{r.documentsSubmittedAt ? <When at={r.documentsSubmittedAt} /> : "not submitted"}</td>
                  <td>
                    <When at={r.createdAt} />
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
