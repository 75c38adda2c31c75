import { traderPurchases } from "@propdesk/services/payments";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { orHttpError } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

/** The trader's purchases with their receipts, and the retakes on offer after a breach. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  return orHttpError(() => traderPurchases(principal));
}

export default function Purchases() {
  const { orders, offers } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Purchases</h1>
          <p>Every challenge you bought, with its receipt.</p>
        </div>
        <Link to="/pricing" className="button">
          Buy a challenge
        </Link>
      </div>
      {offers.length > 0 ? (
        <section className="card">
          <h2>Retake a challenge</h2>
          <ul className="rules">
            {offers.map((o) => (
              <li key={o.challengeId}>
                {o.programName} <span className="mono">{o.reference}</span>:{" "}
                {o.free
                  ? "a free retake"
                  : `attempt ${o.attempt} for ${o.price} (${o.pricePct}% of the price)`}{" "}
                — <Link to={`/portal/retake/${o.challengeId}`}>retake</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Order</th>
              <th>What</th>
              <th>Date (UTC)</th>
              <th className="num">Total</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No purchase yet.
                </td>
              </tr>
            ) : (
              orders.map((o) => (
                <tr key={o.id}>
                  <td className="mono">
                    <Link to={`/portal/orders/${o.id}`}>{o.reference}</Link>
                  </td>
                  <td>{o.title}</td>
                  <td>
                    <When at={o.createdAt} />
                  </td>
                  <td className="num">{o.total}</td>
                  <td>
                    <Badge status={o.status} />
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
