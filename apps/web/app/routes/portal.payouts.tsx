import { AppError } from "@propdesk/domain";
import {
  addPayoutDestination,
  cancelPayout,
  changePayoutDestination,
  listTraderDestinations,
  payoutPreviews,
  removePayoutDestination,
  requestPayout,
  traderPayoutHistory,
} from "@propdesk/services/payouts";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { PayoutStatusBadge } from "../components/payout-badges";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireTrader } from "../lib/trader.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  const [previews, destinations, history] = await orHttpError(() =>
    Promise.all([
      payoutPreviews(principal),
      listTraderDestinations(principal),
      traderPayoutHistory(principal),
    ]),
  );
  return {
    previews: previews.map((p) => ({ ...p, total: p.total.toString() })),
    destinations,
    history,
    csrf: issueCsrf({ kind: "trader", sessionId: principal.sessionId }),
  };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "trader", sessionId: principal.sessionId });
    const fields = formObject(form);
    let message: string;
    switch (form.get("intent")) {
      case "request": {
        if (fields.confirm !== "yes")
          throw new AppError("VALIDATION", "Tick the box to confirm the amount.", {
            issues: [{ path: "confirm", message: "Confirm the amount to request the payout." }],
          });
        const p = await requestPayout(principal, fields);
        message = `Payout ${p.reference} requested. We will review it and let you know here.`;
        break;
      }
      case "cancel":
        await cancelPayout(principal, fields);
        message = "Payout cancelled.";
        break;
      case "change-destination":
        await changePayoutDestination(principal, fields);
        message = "The payout will be sent to the destination you chose.";
        break;
      case "add-destination": {
        const d = await addPayoutDestination(principal, fields);
        message = d.usable
          ? `${d.label} added.`
          : `${d.label} added. For your security it can receive payouts from ${new Date(d.usableFrom).toISOString().replace("T", " ").slice(0, 16)} UTC.`;
        break;
      }
      case "remove-destination":
        await removePayoutDestination(principal, fields.destinationId);
        message = "Destination removed.";
        break;
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
    throw redirect("/portal/payouts", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const when = (d: string | Date | null) =>
  d ? `${new Date(d).toISOString().replace("T", " ").slice(0, 16)} UTC` : "";

export default function PortalPayouts() {
  const { previews, destinations, history, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const refusal =
    result && !result.ok && result.code === "PRECONDITION_FAILED" ? Object.values(result.fieldErrors) : [];
  const active = destinations.filter((d) => d.status === "active");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Payouts</h1>
          <p>See what you can withdraw from your funded accounts, how it is computed, and where it goes.</p>
        </div>
      </div>
      {result && !result.ok ? (
        <div className="alert error" role="alert">
          {refusal.length > 0 ? (
            <>
              <strong>This payout cannot be requested now:</strong>
              <ul>
                {refusal.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : (
            result.error
          )}
        </div>
      ) : (
        <FormError result={result} />
      )}

      {previews.length === 0 ? (
        <div className="card empty">
          You have no funded account yet. Payouts are made from funded accounts.
        </div>
      ) : (
        previews.map((p) => (
          <section key={p.challengeId} className="card stack" aria-label={`Payout from ${p.reference}`}>
            <div className="spread">
              <div>
                <strong>{p.programName}</strong> <span className="mono muted">{p.reference}</span>
                <div className="muted">
                  Balance {p.balance} · payout #{p.payoutNumber} · your split {p.traderPct} %
                </div>
              </div>
              <span className={`badge ${p.eligible ? "good" : "warn"}`}>
                {p.eligible ? "Payout available" : "Not available yet"}
              </span>
            </div>
            {!p.eligible ? (
              <div className="alert warn">
                <ul>
                  {p.reasons.map((r) => (
                    <li key={r.code}>
                      {r.message}
                      {r.code.startsWith("kyc_") ? (
                        <>
                          {" "}
                          <Link to="/portal/verification">Verify your identity</Link>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {p.availableAt ? <p>Possible from {when(p.availableAt)}.</p> : null}
              </div>
            ) : null}
            <table aria-label="How the payout is computed">
              <tbody>
                {p.lines.map((l) => (
                  <tr key={l.code} className={l.code === "total_to_trader" ? "strong" : ""}>
                    <td>{l.label}</td>
                    <td className="num">
                      {l.code === "total_to_trader" ? <strong>{l.amount}</strong> : l.amount}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              {p.roundingNote} First payout {p.terms.firstPayoutDelayDays} days after your first funded trade,
              then every {p.terms.cycleDays} days; minimum {p.terms.minimumPayout}.
            </p>
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <input type="hidden" name="challengeId" value={p.challengeId} />
              <input type="hidden" name="expectedTotal" value={p.totalInput} />
              <div className="field">
                <label htmlFor={`dest-${p.challengeId}`}>Pay to</label>
                <select id={`dest-${p.challengeId}`} name="destinationId" required defaultValue="">
                  <option value="" disabled>
                    Choose a destination
                  </option>
                  {active.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.label}: {d.details}
                      {d.usable ? "" : ` (usable from ${when(d.usableFrom)})`}
                    </option>
                  ))}
                </select>
                {fieldError(result, "destinationId") ? (
                  <div className="error">{fieldError(result, "destinationId")}</div>
                ) : null}
              </div>
              <label>
                <input type="checkbox" name="confirm" value="yes" /> I confirm a payout of {p.totalDisplay}
              </label>
              <SubmitButton name="intent" value="request">
                Request payout of {p.totalDisplay}
              </SubmitButton>
            </Form>
          </section>
        ))
      )}

      <section>
        <h2>History</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Payout</th>
                <th className="num">Amount</th>
                <th>Status</th>
                <th>Details</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {history.payouts.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    No payout yet.
                  </td>
                </tr>
              ) : (
                history.payouts.map((p) => (
                  <tr key={p.id}>
                    <td className="mono">
                      {p.reference}
                      <div className="muted">{when(p.requestedAt)}</div>
                    </td>
                    <td className="num">{p.total}</td>
                    <td>
                      <PayoutStatusBadge status={p.status} />
                    </td>
                    <td>
                      {p.status === "paid" ? `Paid ${when(p.paidAt)}` : null}
                      {p.txHash ? <div className="mono muted">tx {p.txHash}</div> : null}
                      {p.failureReason ? <div>{p.failureReason}</div> : null}
                      {p.rejectionReason ? <div>Rejected: {p.rejectionReason}</div> : null}
                      {p.nextCycleAt ? <div className="muted">Next window {when(p.nextCycleAt)}</div> : null}
                    </td>
                    <td>
                      {p.cancellable ? (
                        <div className="stack">
                          {p.status === "failed" && active.length > 1 ? (
                            <Form method="post" className="row">
                              <CsrfField token={csrf} />
                              <input type="hidden" name="payoutId" value={p.id} />
                              <select name="destinationId" aria-label={`New destination for ${p.reference}`}>
                                {active.map((d) => (
                                  <option key={d.id} value={d.id}>
                                    {d.label}
                                  </option>
                                ))}
                              </select>
                              <SubmitButton name="intent" value="change-destination" className="secondary">
                                Send there instead
                              </SubmitButton>
                            </Form>
                          ) : null}
                          <Form method="post">
                            <CsrfField token={csrf} />
                            <input type="hidden" name="payoutId" value={p.id} />
                            <SubmitButton name="intent" value="cancel" className="secondary">
                              Cancel
                            </SubmitButton>
                          </Form>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {history.notices.length > 0 ? (
          <>
            <h3>Messages</h3>
            <ul className="stack" aria-label="Payout messages">
              {history.notices.map((n) => (
                <li key={n.id}>
                  <span className="muted">{when(n.at)}</span> {n.message}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section className="stack">
        <h2>Where you are paid</h2>
        <p className="muted">
          Payouts only go to destinations on this list. A new destination can receive payouts after a short
          security delay.
        </p>
        <ul className="stack">
          {destinations.map((d) => (
            <li key={d.id} className="spread">
              <span>
                <strong>{d.label}</strong> {d.details}{" "}
                <span className="muted">
                  {d.status === "revoked"
                    ? "(removed)"
                    : d.usable
                      ? ""
                      : `(usable from ${when(d.usableFrom)})`}
                </span>
              </span>
              {d.status === "active" ? (
                <Form method="post">
                  <CsrfField token={csrf} />
                  <input type="hidden" name="destinationId" value={d.id} />
                  <SubmitButton name="intent" value="remove-destination" className="secondary">
                    Remove
                  </SubmitButton>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        <div className="grid cols-2">
          <Form method="post" className="card stack">
            <h3>Add a crypto wallet</h3>
            <CsrfField token={csrf} />
            <input type="hidden" name="rail" value="crypto" />
            <Field label="Name" name="label" placeholder="My wallet" required />
            <div className="field">
              <label htmlFor="chain">Network</label>
              <select id="chain" name="chain" defaultValue="tron">
                <option value="tron">Tron (TRC-20)</option>
                <option value="ethereum">Ethereum (ERC-20)</option>
                <option value="polygon">Polygon</option>
                <option value="solana">Solana</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="asset">Coin</label>
              <select id="asset" name="asset" defaultValue="USDT">
                <option value="USDT">USDT</option>
                <option value="USDC">USDC</option>
              </select>
            </div>
            <Field label="Address" name="address" required error={fieldError(result, "address")} />
            <SubmitButton name="intent" value="add-destination">
              Add wallet
            </SubmitButton>
          </Form>
          <Form method="post" className="card stack">
            <h3>Add a bank account</h3>
            <CsrfField token={csrf} />
            <input type="hidden" name="rail" value="bank_wire" />
            <Field label="Name" name="label" placeholder="Main account" required />
            <Field
              label="Account holder"
              name="accountHolder"
              required
              error={fieldError(result, "accountHolder")}
            />
            <Field label="IBAN" name="iban" required error={fieldError(result, "iban")} />
            <Field label="BIC" name="bic" required error={fieldError(result, "bic")} />
            <Field label="Bank name" name="bankName" />
            <SubmitButton name="intent" value="add-destination">
              Add bank account
            </SubmitButton>
          </Form>
          <Form method="post" className="card stack">
            <h3>Add a Stripe account</h3>
            <CsrfField token={csrf} />
            <input type="hidden" name="rail" value="stripe_connect" />
            <Field label="Name" name="label" placeholder="Stripe" required />
            <Field
              label="Stripe account id"
              name="stripeAccountId"
              placeholder="acct_…"
              required
              error={fieldError(result, "stripeAccountId")}
            />
            <SubmitButton name="intent" value="add-destination">
              Add Stripe account
            </SubmitButton>
          </Form>
        </div>
      </section>
    </div>
  );
}
