import { traderComplianceForStaff } from "@propdesk/services/compliance";
import { requestKycByStaff } from "@propdesk/services/kyc";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

/** A trader's compliance: what payouts read, KYC, sanctions, fraud signals with reasons, purchases. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "traders.view");
  const page = await orHttpError(() => traderComplianceForStaff(principal, params.traderId));
  return { ...page, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

/** Compliance asks the trader to verify (again): a new case with the provider's link. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "kyc.review");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const v = await requestKycByStaff(principal, params.traderId);
    throw redirect(`/console/kyc/${v.id}`, {
      headers: {
        "Set-Cookie": await setFlash({ kind: "success", message: "Verification requested from the trader." }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function TraderCompliance() {
  const { trader, status, verifications, review, fraud, orders, can, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Compliance</p>
          <h1>{trader.name}</h1>
          <p>
            <Link to={`/console/traders/${trader.id}`}>{trader.email}</Link> ·{" "}
            {trader.country ?? "no country"}
          </p>
        </div>
      </div>
      <div className="grid cols-4">
        <div className="stat">
          <div className="label">KYC</div>
          <div className="value">
            <Badge status={status.kyc.status} />
          </div>
          <div className="muted">
            {status.kyc.approvedAt ? (
              <>
                verified <When at={status.kyc.approvedAt} />
                {status.kyc.fresh ? "" : " (too old)"}
              </>
            ) : (
              `required ${status.kycRequiredAt.replaceAll("_", " ")}`
            )}
          </div>
        </div>
        <div className="stat">
          <div className="label">Sanctions</div>
          <div className="value">
            <Badge status={status.sanctions.status} />
          </div>
          <div className="muted">
            {status.sanctions.blocksPurchasesAndPayouts
              ? "purchases and payouts blocked"
              : status.sanctions.screened
                ? "screened"
                : "not screened yet"}
          </div>
        </div>
        <div className="stat">
          <div className="label">Open fraud flags</div>
          <div className="value">{status.openFraudFlags.length}</div>
        </div>
        <div className="stat">
          <div className="label">Orders</div>
          <div className="value">{orders.length}</div>
        </div>
      </div>
      <section>
        <h2>Fraud signals</h2>
        {fraud.flags.length === 0 ? <p className="muted">No signal fired.</p> : null}
        {fraud.flags.map((f) => (
          <div key={f.id} className="card wide">
            <div className="spread">
              <strong>{f.kind.replaceAll("_", " ")}</strong>
              <span>
                <Badge status={f.severity} /> <Badge status={f.status} />
              </span>
            </div>
            <p>{f.reason}</p>
            {f.related.length ? (
              <p className="muted">
                Related:{" "}
                {f.related.map((r, i) => (
                  <span key={r.id}>
                    {i ? ", " : ""}
                    <Link to={`/console/traders/${r.id}/compliance`}>{r.name}</Link>
                  </span>
                ))}
              </p>
            ) : null}
            {f.reviewNote ? (
              <p className="muted">
                {f.reviewedBy}: {f.reviewNote}
              </p>
            ) : null}
          </div>
        ))}
      </section>
      <div className="grid cols-2">
        <section className="card">
          <h2>Identity verification</h2>
          <FormError result={result} />
          {verifications.length === 0 ? <p className="muted">None yet.</p> : null}
          <ul className="rules">
            {verifications.map((v) => (
              <li key={v.id}>
                {can.reviewKyc ? (
                  <Link to={`/console/kyc/${v.id}`}>{v.status.replaceAll("_", " ")}</Link>
                ) : (
                  v.status
                )}{" "}
                · {v.provider} · {v.reason.replaceAll("_", " ")} · <When at={v.createdAt} />
                {v.decidedBy ? ` · by ${v.decidedBy}` : ""}
              </li>
            ))}
          </ul>
          {can.reviewKyc ? (
            <Form method="post">
              <CsrfField token={csrf} />
              <SubmitButton className="secondary">
                {status.kyc.status === "none" ? "Ask the trader to verify" : "Ask the trader to verify again"}
              </SubmitButton>
            </Form>
          ) : null}
        </section>
        <section className="card">
          <h2>Sign-ins and checkouts</h2>
          <ul className="rules">
            {fraud.access.map((a) => (
              <li key={`${a.kind}-${a.at}`}>
                <When at={a.at} /> · {a.kind.replaceAll("_", " ")} ·{" "}
                <span className="mono">{a.ip ?? "—"}</span> · browser{" "}
                <span className="mono">{a.deviceId?.slice(0, 8) ?? "—"}</span>
              </li>
            ))}
          </ul>
          {review && can.reviewScreening ? (
            <p>
              <Link to={`/console/screening/${review.id}`}>Sanctions review</Link> (screened{" "}
              <When at={review.lastScreenedAt} />)
            </p>
          ) : null}
        </section>
      </div>
      {can.viewOrders ? (
        <section>
          <h2>Purchases</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Order</th>
                  <th>What</th>
                  <th className="num">Total</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {orders.length === 0 ? (
                  <tr>
                    <td colSpan={4} className="empty">
                      None.
                    </td>
                  </tr>
                ) : (
                  orders.map((o) => (
                    <tr key={o.id}>
                      <td className="mono">
                        <Link to={`/console/orders/${o.id}`}>{o.reference}</Link>
                      </td>
                      <td>{o.title}</td>
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
        </section>
      ) : null}
    </div>
  );
}
