import { startTraderVerification, traderKycStatus } from "@propdesk/services/kyc";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

/** Identity verification: where the trader stands and what to do next. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  const status = await orHttpError(() => traderKycStatus(principal));
  return { ...status, csrf: issueCsrf({ kind: "trader", sessionId: principal.sessionId }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "trader", sessionId: principal.sessionId });
    const started = await startTraderVerification(principal);
    if (started.url) throw redirect(started.url);
    throw redirect("/portal/verification", {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "info",
          message: "Our compliance team will contact you to verify your identity.",
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const policyText = {
  purchase: "This desk verifies every trader before a challenge account is opened.",
  before_funded: "This desk verifies your identity before your funded account.",
  before_first_payout: "This desk verifies your identity before your first payout.",
} as const;

export default function Verification() {
  const s = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const label: Record<string, string> = {
    none: "not started",
    pending: "in progress",
    approved: "verified",
    rejected: "not accepted",
    resubmission_requested: "new documents needed",
  };
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Identity verification</h1>
          <p>{policyText[s.policy.kycRequiredAt]}</p>
        </div>
        <Badge status={s.status}>{label[s.status] ?? s.status}</Badge>
      </div>
      <section className="card narrow">
        <FormError result={result} />
        {s.waitingChallenges.length > 0 ? (
          <div className="alert warn">
            {s.waitingChallenges.join(", ")} {s.waitingChallenges.length === 1 ? "waits" : "wait"} for your
            verification before trading starts.
          </div>
        ) : null}
        {s.next === "none" ? (
          <p>
            You are verified since <When at={s.approvedAt} />. The verification is valid until{" "}
            <When at={s.expiresAt} />.
          </p>
        ) : null}
        {s.next === "wait" ? (
          <p>
            {s.provider === "manual"
              ? "Our compliance team is reviewing your identity; we will contact you if we need anything."
              : "Your documents were submitted and are being reviewed. This page shows the result as soon as it arrives."}
          </p>
        ) : null}
        {s.next === "contact_support" ? (
          <>
            <p>We could not verify your identity{s.reasons.length ? ":" : "."}</p>
            <ul className="rules">
              {s.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            <p>Please contact support.</p>
          </>
        ) : null}
        {s.next === "resubmit" ? (
          <>
            <p>Please upload your documents again:</p>
            <ul className="rules">
              {s.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
              {s.comment ? <li>{s.comment}</li> : null}
            </ul>
          </>
        ) : null}
        {["start", "continue", "resubmit", "reverify"].includes(s.next) ? (
          <Form method="post">
            <CsrfField token={s.csrf} />
            {s.next === "reverify" ? (
              <p>
                Your verification from <When at={s.approvedAt} /> is older than this desk accepts; please
                verify again.
              </p>
            ) : null}
            <SubmitButton>
              {s.next === "continue"
                ? "Continue verification"
                : s.next === "resubmit"
                  ? "Upload documents again"
                  : "Verify my identity"}
            </SubmitButton>
          </Form>
        ) : null}
      </section>
    </div>
  );
}
