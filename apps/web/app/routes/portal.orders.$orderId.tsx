import { traderReceipt } from "@propdesk/services/payments";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { Badge, When } from "../components/commerce";
import { StatusBadge } from "../components/status-badge";
import { orHttpError } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

/** A receipt; right after paying, it waits for the payment's confirmation and then links the challenge. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  return orHttpError(() => traderReceipt(principal, params.orderId));
}

export default function Receipt() {
  const { order, desk, challenge } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  const returning = params.get("checkout");
  const waiting = returning === "done" && order.status === "pending";
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [waiting, revalidator]);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Receipt</p>
          <h1 className="mono">{order.reference}</h1>
          <p>
            {desk?.name} · <When at={order.paidAt ?? order.createdAt} />
          </p>
        </div>
        <Badge status={order.status} />
      </div>
      {waiting ? (
        <div className="alert info" role="status">
          Stripe has your payment; confirming it… this page updates by itself.
        </div>
      ) : null}
      {returning === "cancelled" && order.status === "pending" ? (
        <div className="alert warn" role="status">
          You left the payment page; nothing was charged.
        </div>
      ) : null}
      {order.status === "paid" && challenge ? (
        <div className="alert success" role="status">
          Payment confirmed. Your challenge{" "}
          <Link to={`/portal/challenges/${challenge.id}`}>{challenge.reference}</Link> is{" "}
          <StatusBadge status={challenge.status} />
          {challenge.status === "kyc_pending" ? (
            <>
              {" "}
              — <Link to="/portal/verification">verify your identity</Link> to start trading.
            </>
          ) : null}
        </div>
      ) : null}
      {order.fulfilmentError ? (
        <div className="alert error">{order.fulfilmentError} The payment is refunded.</div>
      ) : null}
      <section className="card">
        <table aria-label="Receipt">
          <tbody>
            {order.items.map((l) => (
              <tr key={`${l.kind}-${l.name}`}>
                <td>{l.name}</td>
                <td className="num">{l.amount}</td>
              </tr>
            ))}
            {order.discount ? (
              <tr>
                <td>Code {order.couponCode}</td>
                <td className="num">−{order.discount}</td>
              </tr>
            ) : null}
            <tr>
              <th>Total</th>
              <th className="num">{order.total}</th>
            </tr>
            {order.refunded ? (
              <tr>
                <td>Refunded</td>
                <td className="num">−{order.refunded}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
        {order.payments
          .filter((p) => p.status === "succeeded")
          .map((p) => (
            <p key={p.id} className="muted">
              Paid with {p.method} on <When at={p.at} />.
            </p>
          ))}
        {order.checkoutUrl && !waiting ? (
          <a href={order.checkoutUrl} className="button">
            Continue to payment
          </a>
        ) : null}
      </section>
    </div>
  );
}
