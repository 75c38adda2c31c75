import { ordersForStaff } from "@propdesk/services/payments";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

const orderStatuses = [
  "pending",
  "paid",
  "payment_failed",
  "expired",
  "refunded",
  "partially_refunded",
  "disputed",
  "charged_back",
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/orders"));
  return orHttpError(() => ordersForStaff(principal, Object.fromEntries(new URL(request.url).searchParams)));
}

export default function Orders() {
  const { rows, hasMore, page } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set("page", String(page + 1));
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Orders and payments</h1>
          <p>Every checkout of the desks you can see, newest first, with what Stripe reported.</p>
        </div>
        <Form method="get" className="row">
          <input
            name="q"
            placeholder="ORD-…"
            defaultValue={params.get("q") ?? ""}
            aria-label="Order reference"
          />
          <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Status">
            <option value="">Any status</option>
            {orderStatuses.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll("_", " ")}
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
              <th>Order</th>
              <th>Trader</th>
              <th>What</th>
              <th>Created (UTC)</th>
              <th className="num">Total</th>
              <th>Payment</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  No orders match.
                </td>
              </tr>
            ) : (
              rows.map((o) => (
                <tr key={o.id}>
                  <td className="mono">
                    <Link to={`/console/orders/${o.id}`}>{o.reference}</Link>
                  </td>
                  <td>
                    <Link to={`/console/traders/${o.trader.id}`}>{o.trader.name}</Link>
                  </td>
                  <td>
                    {o.title} <span className="muted">{o.deskName}</span>
                    {o.couponCode ? <span className="muted"> · {o.couponCode}</span> : null}
                  </td>
                  <td>
                    <When at={o.createdAt} />
                  </td>
                  <td className="num">{o.total}</td>
                  <td>{o.payments.find((p) => p.status === "succeeded")?.method ?? "—"}</td>
                  <td>
                    <Badge status={o.status} />
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
