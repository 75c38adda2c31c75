import { orderForStaff, refundOrder } from "@propdesk/services/payments";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { StatusBadge } from "../components/status-badge";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/orders"));
  const detail = await orHttpError(() => orderForStaff(principal, params.orderId));
  return { ...detail, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "orders.refund");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const r = await refundOrder(principal, params.orderId, formObject(form));
    throw redirect(`/console/orders/${params.orderId}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: `Refund requested${r.full ? " in full" : ""}; Stripe confirms it in a moment.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function OrderPage() {
  const { order, trader, challenge, refundable, canRefund, stripe, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Order</p>
          <h1 className="mono">{order.reference}</h1>
          <p>
            {trader ? <Link to={`/console/traders/${trader.id}`}>{trader.name}</Link> : null} · {order.title}{" "}
            · <When at={order.createdAt} />
          </p>
        </div>
        <Badge status={order.status} />
      </div>
      {order.fulfilmentError ? (
        <div className="alert error">Not delivered: {order.fulfilmentError}</div>
      ) : null}
      <div className="grid cols-2">
        <section className="card">
          <h2>Lines</h2>
          <table>
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
          <p className="muted">
            {challenge ? (
              <>
                Challenge <Link to={`/console/challenges/${challenge.id}`}>{challenge.reference}</Link>{" "}
                <StatusBadge status={challenge.status} />
              </>
            ) : (
              "No challenge delivered."
            )}
          </p>
          <p className="muted mono">
            {stripe.checkoutSessionId ?? "no checkout session"}
            <br />
            {stripe.paymentIntentId ?? ""}
          </p>
        </section>
        <section className="card">
          <h2>Refund</h2>
          {canRefund ? (
            <>
              <FormError result={result} />
              <Form method="post" className="stack">
                <CsrfField token={csrf} />
                <Field
                  label={`Amount (empty: all ${refundable})`}
                  name="amount"
                  inputMode="decimal"
                  error={fieldError(result, "amount")}
                />
                <Field
                  label="Reason"
                  name="reason"
                  required
                  minLength={5}
                  error={fieldError(result, "reason")}
                />
                <SubmitButton className="danger">Refund</SubmitButton>
              </Form>
              <p className="muted">
                A full refund also ends the challenge (trading stops). Stripe returns the money.
              </p>
            </>
          ) : (
            <p className="muted">
              {refundable ? "Your role does not allow refunds." : "Nothing on this order can be refunded."}
            </p>
          )}
        </section>
      </div>
      <section>
        <h2>Payments</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Method</th>
                <th>Card fingerprint</th>
                <th className="num">Amount</th>
                <th className="num">Stripe fee</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {order.payments.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty">
                    No payment yet.
                  </td>
                </tr>
              ) : (
                order.payments.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <When at={p.at} />
                    </td>
                    <td>
                      {p.method} {p.country ? <span className="muted">{p.country}</span> : null}
                    </td>
                    <td className="mono">{p.fingerprint ?? "—"}</td>
                    <td className="num">{p.amount}</td>
                    <td className="num">{p.fee ?? "—"}</td>
                    <td>
                      <Badge status={p.status} />{" "}
                      {p.failure ? <span className="muted">{p.failure}</span> : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>Refunds and disputes</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>What</th>
                <th className="num">Amount</th>
                <th>Status</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {order.refunds.length + order.disputes.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    None.
                  </td>
                </tr>
              ) : null}
              {order.refunds.map((r) => (
                <tr key={r.id}>
                  <td>
                    <When at={r.at} />
                  </td>
                  <td>
                    Refund ({r.origin}){r.by ? ` by ${r.by}` : ""}
                  </td>
                  <td className="num">{r.amount}</td>
                  <td>
                    <Badge status={r.status} />
                  </td>
                  <td>{r.failure ?? r.reason}</td>
                </tr>
              ))}
              {order.disputes.map((d) => (
                <tr key={d.id}>
                  <td>
                    <When at={d.openedAt} />
                  </td>
                  <td>
                    Dispute <span className="mono">{d.stripeDisputeId}</span>
                  </td>
                  <td className="num">{d.amount}</td>
                  <td>
                    <Badge status={d.outcome === "open" ? "disputed" : d.outcome}>
                      {d.status.replaceAll("_", " ")}
                    </Badge>
                  </td>
                  <td>
                    {d.reason}
                    {d.outcome === "open" && d.evidenceDueBy ? (
                      <>
                        {" "}
                        · evidence due <When at={d.evidenceDueBy} />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
