import { AppError } from "@propdesk/domain";
import { addKycNote, decideKyc, kycCase, kycReasonText } from "@propdesk/services/kyc";
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
  const { principal } = await requireStaff(request, context, permissionFor("/console/kyc"));
  const c = await orHttpError(() => kycCase(principal, params.verificationId));
  return {
    ...c,
    reasons: Object.entries(kycReasonText).map(([code, text]) => ({ code, text })),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "kyc.review");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = form.get("intent");
    let message: string;
    if (intent === "note") {
      await addKycNote(principal, params.verificationId, formObject(form));
      message = "Note added.";
    } else if (intent === "decide") {
      const r = await decideKyc(principal, params.verificationId, formObject(form));
      message = `Verification ${r.status.replaceAll("_", " ")}.`;
    } else throw new AppError("VALIDATION", "Unknown form.");
    throw redirect(`/console/kyc/${params.verificationId}`, {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const documentTypes = [
  ["passport", "Passport"],
  ["national_id", "National ID"],
  ["driving_licence", "Driving licence"],
  ["proof_of_address", "Proof of address"],
  ["selfie", "Selfie / liveness"],
  ["video_call", "Video call"],
  ["other", "Other"],
] as const;

export default function KycCase() {
  const { verification: v, trader, history, reasons, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const open = v.status === "pending" || v.status === "resubmission_requested";
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">KYC case</p>
          <h1>{trader.name}</h1>
          <p>
            <Link to={`/console/traders/${trader.id}`}>{trader.email}</Link> ·{" "}
            {trader.country ?? "no country"} ·{" "}
            {v.provider === "manual" ? "manual review" : `provider applicant ${v.applicantId}`}
          </p>
        </div>
        <Badge status={v.status} />
      </div>
      <FormError result={result} />
      <div className="grid cols-2">
        <section className="card">
          <h2>Case</h2>
          <table>
            <tbody>
              <tr>
                <td>Why</td>
                <td>{v.reason.replaceAll("_", " ")}</td>
              </tr>
              <tr>
                <td>Opened</td>
                <td>
                  <When at={v.createdAt} />
                </td>
              </tr>
              <tr>
                <td>Documents submitted</td>
                <td>
                  <When at={v.documentsSubmittedAt} />
                </td>
              </tr>
              <tr>
                <td>Decision</td>
                <td>
                  {v.decidedByLabel ? (
                    <>
                      {v.decidedByLabel} · <When at={v.decidedAt} />
                    </>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
              {v.rejectLabels.length ? (
                <tr>
                  <td>Reasons</td>
                  <td>{v.rejectLabels.join(", ")}</td>
                </tr>
              ) : null}
              {v.providerComment ? (
                <tr>
                  <td>Comment</td>
                  <td>{v.providerComment}</td>
                </tr>
              ) : null}
              {v.verifiedName ? (
                <tr>
                  <td>Verified identity</td>
                  <td>
                    {v.verifiedName}
                    {v.verifiedDob ? `, born ${new Date(v.verifiedDob).toISOString().slice(0, 10)}` : ""}
                    {v.verifiedCountry ? `, ${v.verifiedCountry}` : ""}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          {history.length ? (
            <p className="muted">
              Earlier cases:{" "}
              {history
                .map((h) => `${h.status} (${new Date(h.createdAt).toISOString().slice(0, 10)})`)
                .join(", ")}
            </p>
          ) : null}
        </section>
        <section className="card">
          <h2>Decision</h2>
          {open ? (
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <fieldset>
                <legend>Outcome</legend>
                <div className="checks">
                  <label>
                    <input type="radio" name="decision" value="approve" defaultChecked /> Approve
                  </label>
                  <label>
                    <input type="radio" name="decision" value="resubmit" /> Ask for new documents
                  </label>
                  <label>
                    <input type="radio" name="decision" value="reject" /> Reject for good
                  </label>
                </div>
              </fieldset>
              <div className="field">
                <label htmlFor="labels">Reasons the trader sees (to reject or ask again)</label>
                <select id="labels" name="labels" multiple size={5}>
                  {reasons.map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.text}
                    </option>
                  ))}
                </select>
                {fieldError(result, "labels") ? (
                  <div className="error">{fieldError(result, "labels")}</div>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor="d-doc">Document checked</label>
                <select id="d-doc" name="documentType" defaultValue="">
                  <option value="">—</option>
                  {documentTypes.map(([v2, l]) => (
                    <option key={v2} value={v2}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="d-note">Note (what you checked)</label>
                <textarea id="d-note" name="note" rows={3} required minLength={5} />
                {fieldError(result, "note") ? (
                  <div className="error">{fieldError(result, "note")}</div>
                ) : null}
              </div>
              <SubmitButton name="intent" value="decide">
                Record decision
              </SubmitButton>
            </Form>
          ) : (
            <p className="muted">This case is closed ({v.status.replaceAll("_", " ")}).</p>
          )}
        </section>
      </div>
      <section className="card wide">
        <h2>Notes</h2>
        {v.notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
        <ul className="rules">
          {v.notes.map((n) => (
            <li key={n.id}>
              <When at={n.createdAt} /> · {n.authorLabel}
              {n.documentType ? ` · ${n.documentType.replaceAll("_", " ")}` : ""}: {n.note}
            </li>
          ))}
        </ul>
        <Form method="post" className="stack">
          <CsrfField token={csrf} />
          <div className="field">
            <label htmlFor="n-doc">Document</label>
            <select id="n-doc" name="documentType" defaultValue="">
              <option value="">—</option>
              {documentTypes.map(([v2, l]) => (
                <option key={v2} value={v2}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="n-note">Add a note</label>
            <textarea id="n-note" name="note" rows={2} required minLength={3} />
          </div>
          <SubmitButton name="intent" value="note" className="secondary">
            Add note
          </SubmitButton>
        </Form>
      </section>
    </div>
  );
}
