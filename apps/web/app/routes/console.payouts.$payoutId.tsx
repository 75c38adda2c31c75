import { AppError } from "@propdesk/domain";
import { approvePayout, payoutDetail, rejectPayout, startPayoutRun } from "@propdesk/services/payouts";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { PayoutStatusBadge, SignalBadges } from "../components/payout-badges";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "payouts.view");
  const detail = await orHttpError(() => payoutDetail(principal, params.payoutId));
  return { ...detail, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "payouts.view");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const fields = formObject(form);
    const here = `/console/payouts/${params.payoutId}`;
    switch (form.get("intent")) {
      case "approve": {
        const r = await approvePayout(principal, params.payoutId);
        throw redirect(here, {
          headers: { "Set-Cookie": await setFlash({ kind: "success", message: r.message ?? "Approved." }) },
        });
      }
      case "reject":
        await rejectPayout(principal, { payoutId: params.payoutId, reason: fields.reason });
        throw redirect(here, {
          headers: {
            "Set-Cookie": await setFlash({
              kind: "success",
              message: "Payout rejected; the trader was told why.",
            }),
          },
        });
      case "disburse": {
        const run = await startPayoutRun(principal, {
          kind: "disburse",
          payoutIds: [String(params.payoutId)],
        });
        throw redirect(`/console/payouts/runs/${run.id}`);
      }
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
  } catch (e) {
    return actionFailure(e);
  }
}

const when = (d: string | Date | null) =>
  d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : "—";

export default function PayoutDetail() {
  const {
    payout: p,
    trader,
    destination,
    liveCompliance,
    transfers,
    events,
    can,
    policy,
    csrf,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const standing = (p.checks.standing ?? {}) as Record<string, unknown>;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow mono">{p.reference}</p>
          <h1>
            {p.total} to {trader ? <Link to={`/console/traders/${trader.id}`}>{trader.name}</Link> : "?"}
          </h1>
          <p>
            Payout #{p.payoutNumber} of{" "}
            <Link to={`/console/challenges/${p.challengeId}`}>the funded account</Link> · {p.railLabel} ·
            requested {when(p.requestedAt)} by {p.requestedBy}
          </p>
        </div>
        <PayoutStatusBadge status={p.status} />
      </div>
      <FormError result={result} />
      {p.failureReason ? <div className="alert error">Last attempt failed: {p.failureReason}</div> : null}
      {p.rejectionReason ? <div className="alert warn">Rejected: {p.rejectionReason}</div> : null}

      <div className="grid cols-2">
        <section className="card">
          <h2>Amounts</h2>
          <table>
            <tbody>
              {p.computation.lines.map((l) => (
                <tr key={l.code}>
                  <td>{l.label}</td>
                  <td className="num mono">{l.amount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{p.computation.roundingNote}</p>
          <p className="muted">Amounts in minor units of {p.currency}.</p>
        </section>
        <section className="card">
          <h2>Checks at request</h2>
          <ul>
            <li>
              Balance {String(standing.balance ?? "?")}, equity {String(standing.equity ?? "?")} (minor
              units), {standing.flat ? "flat" : "not flat"}
            </li>
            <li>
              {String(standing.tradingDays ?? "?")} trading days; first trade{" "}
              {when(standing.firstTradeAt as string)}
            </li>
            <li>Best day: {standing.bestDayPct ? `${String(standing.bestDayPct)} % of profit` : "—"}</li>
            <li>
              KYC {String((p.checks.compliance as Record<string, unknown> | undefined)?.kyc ?? "?")},
              sanctions{" "}
              {String((p.checks.compliance as Record<string, unknown> | undefined)?.sanctions ?? "?")}
            </li>
          </ul>
          <h3>Now</h3>
          <ul>
            <li>
              KYC {liveCompliance.kyc}
              {liveCompliance.kycFresh ? " (valid)" : " (not valid for payouts)"}
            </li>
            <li>Sanctions: {liveCompliance.sanctions.replaceAll("_", " ")}</li>
            <li>
              Open fraud flags:{" "}
              {liveCompliance.openFraudFlags.length === 0
                ? "none"
                : liveCompliance.openFraudFlags.map((f) => `${f.kind} (${f.reason})`).join("; ")}
            </li>
          </ul>
          <h3>Signals</h3>
          {p.signals.length === 0 ? (
            <p className="muted">Nothing unusual.</p>
          ) : (
            <SignalBadges signals={p.signals} />
          )}
        </section>
      </div>

      <div className="grid cols-2">
        <section className="card">
          <h2>Review</h2>
          <p>{policy}</p>
          <ul>
            {p.approvals.map((a) => (
              <li key={a.approverId}>
                Approved by {a.label} at {when(a.at)}
              </li>
            ))}
            {p.approvals.length === 0 ? <li className="muted">No approval yet.</li> : null}
          </ul>
          {can.approve ? (
            <Form method="post">
              <CsrfField token={csrf} />
              <SubmitButton name="intent" value="approve">
                Approve
              </SubmitButton>
            </Form>
          ) : null}
          {can.disburse ? (
            <Form method="post">
              <CsrfField token={csrf} />
              <SubmitButton name="intent" value="disburse">
                {p.status === "failed" ? "Retry disbursement" : "Disburse"}
              </SubmitButton>
            </Form>
          ) : null}
          {can.reject ? (
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <Field
                label="Reason (the trader sees it)"
                name="reason"
                required
                minLength={3}
                error={fieldError(result, "reason")}
              />
              <SubmitButton name="intent" value="reject" className="secondary">
                Reject
              </SubmitButton>
            </Form>
          ) : null}
        </section>
        <section className="card">
          <h2>Destination</h2>
          {destination ? (
            <p>
              <strong>{destination.label}</strong> ({destination.rail.replace("_", " ")}):{" "}
              {destination.details}
              <br />
              <span className="muted">
                {destination.status}, added {when(destination.createdAt)}, usable from{" "}
                {when(destination.usableFrom)}
              </span>
            </p>
          ) : (
            <p className="muted">Unknown destination.</p>
          )}
          <h3>Attempts</h3>
          {p.attempts.length === 0 ? (
            <p className="muted">Not sent yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>#</th>
                  <th>Status</th>
                  <th>Rail reference</th>
                  <th>Settled</th>
                </tr>
              </thead>
              <tbody>
                {p.attempts.map((a) => (
                  <tr key={a.attempt}>
                    <td>{a.attempt}</td>
                    <td>
                      {a.status}
                      {a.failureReason ? <div className="muted">{a.failureReason}</div> : null}
                    </td>
                    <td className="mono">
                      {a.railReference ?? "—"}
                      {a.txHash ? (
                        <div className="muted">
                          {a.chain} tx {a.txHash}
                        </div>
                      ) : null}
                    </td>
                    <td>{when(a.settledAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.platformAdjustmentId ? (
            <p className="muted">
              Trading account reduced by {p.balanceReduction} (platform adjustment {p.platformAdjustmentId}).
            </p>
          ) : null}
          {p.nextCycleAt ? <p className="muted">Next payout window: {when(p.nextCycleAt)}</p> : null}
        </section>
      </div>

      <section>
        <h2>Ledger</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Transfer</th>
                <th>Debit</th>
                <th>Credit</th>
                <th className="num">Amount</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {transfers.map((t) => (
                <tr key={t.key}>
                  <td className="mono">
                    <Link to={`/console/ledger?ref=${encodeURIComponent(t.key)}`}>{t.key}</Link>
                    <div className="muted">{t.memo}</div>
                  </td>
                  <td>{t.debit}</td>
                  <td>{t.credit}</td>
                  <td className="num">{t.amount}</td>
                  <td>{t.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h2>History</h2>
        <ol className="stack">
          {events.map((e) => (
            <li key={e.seq}>
              <span className="mono">{when(e.at)}</span> <code>{e.action}</code> by {e.actor}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
