import { decideSanctionsMatch, screeningReview } from "@propdesk/services/compliance";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/screening"));
  const review = await orHttpError(() => screeningReview(principal, params.reviewId));
  return { review, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "screening.review");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const decision = form.get("intent") === "confirm" ? "confirm" : "dismiss";
    const r = await decideSanctionsMatch(principal, params.reviewId, decision, formObject(form));
    throw redirect(`/console/screening/${params.reviewId}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: decision === "confirm" ? "info" : "success",
          message:
            decision === "confirm"
              ? "Match confirmed: purchases and payouts are blocked for this person."
              : `Match dismissed; the person is ${r.status.replaceAll("_", " ")}.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function ScreeningReview() {
  const { review, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const s = review.state;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Sanctions review</p>
          <h1>{review.subjectName}</h1>
          <p>
            {review.subjectType === "trader" ? (
              <Link to={`/console/traders/${review.subjectId}/compliance`}>Trader's compliance page</Link>
            ) : (
              review.subjectType
            )}{" "}
            · last screened <When at={review.lastScreenedAt} />
          </p>
        </div>
        <Badge status={review.status} />
      </div>
      <FormError result={result} />
      {s.confirmed ? (
        <div className="alert error">
          Confirmed match with {s.confirmed.entryKey} by {s.confirmed.by}: {s.confirmed.reason}
        </div>
      ) : null}
      {s.pending.length === 0 ? <p className="muted">No match waits for a decision.</p> : null}
      {s.pending.map((p) => (
        <section key={p.entryKey} className="card wide evidence" aria-label={`Match ${p.match.primaryName}`}>
          <div className="spread">
            <h2>{p.match.primaryName}</h2>
            <span className="badge warn">score {p.score.toFixed(3)}</span>
          </div>
          <p className="muted">
            {p.match.listId === "un"
              ? "UN consolidated list"
              : p.match.listId === "ofac_cons"
                ? "OFAC consolidated list"
                : "OFAC SDN list"}{" "}
            entry <span className="mono">{p.match.entryId}</span> · {p.match.entryType} · programs{" "}
            {p.match.programs.join(", ") || "—"}
          </p>
          <p>
            Matched{" "}
            {p.match.matchedNameKind === "primary" ? "the primary name" : `the ${p.match.matchedNameKind}`}{" "}
            <strong>{p.match.matchedName}</strong>
            {p.match.aliasQuality === "low" ? " (a low-quality alias)" : ""}, name score{" "}
            {p.match.nameScore.toFixed(3)}.
          </p>
          <table aria-label="Matched tokens">
            <thead>
              <tr>
                <th>Screened</th>
                <th>Listed</th>
                <th>How</th>
                <th className="num">Similarity</th>
              </tr>
            </thead>
            <tbody>
              {p.match.tokens.map((tk) => (
                <tr key={`${tk.query}-${tk.list}`}>
                  <td>{tk.query}</td>
                  <td>{tk.list}</td>
                  <td>{tk.kind}</td>
                  <td className="num">{tk.similarity.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            {p.match.missingListTokens.length
              ? `Not in the screened name: ${p.match.missingListTokens.join(", ")}. `
              : ""}
            {p.match.extraQueryTokens.length
              ? `Not on the list: ${p.match.extraQueryTokens.join(", ")}. `
              : ""}
            {p.match.adjustments
              .map((a) => `${a.reason} (${a.delta > 0 ? "+" : ""}${a.delta.toFixed(2)})`)
              .join("; ")}
          </p>
          {p.match.notes?.length ? <p className="muted">{p.match.notes.join(" ")}</p> : null}
          <Form method="post" className="stack">
            <CsrfField token={csrf} />
            <input type="hidden" name="entryKey" value={p.entryKey} />
            <div className="field">
              <label htmlFor={`reason-${p.entryKey}`}>Reason (what you compared)</label>
              <textarea id={`reason-${p.entryKey}`} name="reason" rows={2} required minLength={5} />
              {fieldError(result, "reason") ? (
                <div className="error">{fieldError(result, "reason")}</div>
              ) : null}
            </div>
            <div className="row">
              <SubmitButton name="intent" value="dismiss" className="secondary">
                Not this person
              </SubmitButton>
              {s.status !== "confirmed_match" ? (
                <SubmitButton name="intent" value="confirm" className="danger">
                  Confirm match
                </SubmitButton>
              ) : null}
            </div>
          </Form>
        </section>
      ))}
      {s.dismissed.length ? (
        <section className="card wide">
          <h2>Dismissed</h2>
          <ul className="rules">
            {s.dismissed.map((d) => (
              <li key={`${d.entryKey}-${d.at}`}>
                {d.entryKey} by {d.by} on <When at={new Date(d.at)} />: {d.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h2>Screenings</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Why</th>
                <th>Screened as</th>
                <th>List version</th>
                <th className="num">Threshold</th>
                <th className="num">Top score</th>
              </tr>
            </thead>
            <tbody>
              {review.screenings.map((x) => (
                <tr key={x.id}>
                  <td>
                    <When at={x.screenedAt} />
                  </td>
                  <td>{x.trigger.replaceAll("_", " ")}</td>
                  <td>
                    {x.query.fullName}
                    {x.query.dob ? `, ${x.query.dob}` : ""}
                    {x.query.country ? `, ${x.query.country}` : ""}
                  </td>
                  <td className="mono">{x.listVersion.slice(0, 12)}</td>
                  <td className="num">{x.threshold.toFixed(3)}</td>
                  <td className="num">{x.topScore !== null ? x.topScore.toFixed(3) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
