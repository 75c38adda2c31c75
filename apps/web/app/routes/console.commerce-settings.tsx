import { AppError } from "@propdesk/domain";
import {
  commerceSettingsPage,
  setScreeningThreshold,
  updateDeskCommerceSettings,
} from "@propdesk/services/compliance";
import { connectKyc } from "@propdesk/services/kyc";
import { connectStripe, disconnectStripe } from "@propdesk/services/payments";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { When } from "../components/commerce";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/commerce-settings"));
  const page = await orHttpError(() => commerceSettingsPage(principal));
  const origin = new URL(request.url).origin;
  return {
    ...page,
    webhookUrls: { stripe: `${origin}/webhooks/stripe`, kyc: `${origin}/webhooks/kyc` },
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "settings.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const input = formObject(form);
    const intent = form.get("intent");
    let message: string;
    if (intent === "stripe") {
      const r = await connectStripe(principal, input);
      message = `Stripe account ${r.accountId} connected (${r.mode} mode).`;
    } else if (intent === "stripe-disconnect") {
      await disconnectStripe(principal);
      message = "Stripe disconnected: checkouts are closed until an account is connected.";
    } else if (intent === "kyc") {
      await connectKyc(principal, input);
      message = "KYC provider connected.";
    } else if (intent === "threshold") {
      const r = await setScreeningThreshold(principal, input);
      message = `Screening threshold set to ${r.threshold}.`;
    } else if (intent === "desk") {
      await updateDeskCommerceSettings(principal, form.get("deskId"), input);
      message = "Desk settings saved.";
    } else throw new AppError("VALIDATION", "Unknown form.");
    throw redirect("/console/commerce-settings", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const when = {
  purchase: "At purchase (before the challenge account opens)",
  before_funded: "Before the funded account",
  before_first_payout: "Before the first payout",
} as const;

export default function CommerceSettings() {
  const { stripe, kyc, deskSettings, threshold, webhookUrls, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Payments and KYC</h1>
          <p>
            The firm's own Stripe account and identity verification provider. Secrets are sealed and never
            shown again.
          </p>
        </div>
      </div>
      <FormError result={result} />
      <div className="grid cols-2">
        <section className="card">
          <h2>Stripe</h2>
          {stripe ? (
            <p>
              Connected to <strong>{stripe.label}</strong> <span className="mono">{stripe.accountId}</span> (
              {stripe.mode} mode), secret key <span className="mono">{stripe.hints.secretKey}</span>, signing
              secret <span className="mono">{stripe.hints.webhookSecret}</span>, by {stripe.connectedBy} on{" "}
              <When at={stripe.connectedAt} />.
            </p>
          ) : (
            <p className="muted">Not connected: the pricing page cannot take payments.</p>
          )}
          <p>
            In Stripe, add a webhook endpoint for <span className="mono">{webhookUrls.stripe}</span> with the
            checkout, charge, refund and dispute events, and paste its signing secret here.
          </p>
          <Form method="post" className="stack">
            <CsrfField token={csrf} />
            <Field
              label="Secret key"
              name="secretKey"
              type="password"
              autoComplete="off"
              required
              error={fieldError(result, "secretKey")}
            />
            <Field
              label="Webhook signing secret"
              name="webhookSecret"
              type="password"
              autoComplete="off"
              required
              error={fieldError(result, "webhookSecret")}
            />
            <SubmitButton name="intent" value="stripe">
              {stripe ? "Replace the Stripe account" : "Connect Stripe"}
            </SubmitButton>
          </Form>
          {stripe ? (
            <Form method="post">
              <CsrfField token={csrf} />
              <SubmitButton name="intent" value="stripe-disconnect" className="link">
                Disconnect
              </SubmitButton>
            </Form>
          ) : null}
        </section>
        <section className="card">
          <h2>KYC provider</h2>
          {kyc ? (
            <p>
              Connected ({kyc.provider}), level <strong>{kyc.levelName}</strong>, app token{" "}
              <span className="mono">{kyc.hints.appToken}</span>, by {kyc.connectedBy} on{" "}
              <When at={kyc.connectedAt} />.
            </p>
          ) : (
            <p className="muted">Not connected: compliance reviews identities by hand.</p>
          )}
          <p>
            Callbacks go to <span className="mono">{webhookUrls.kyc}</span>.
          </p>
          <Form method="post" className="stack">
            <CsrfField token={csrf} />
            <Field
              label="App token"
              name="appToken"
              type="password"
              autoComplete="off"
              required
              error={fieldError(result, "appToken")}
            />
            <Field
              label="Secret key"
              name="secretKey"
              type="password"
              autoComplete="off"
              required
              error={fieldError(result, "secretKey")}
            />
            <Field
              label="Webhook secret"
              name="webhookSecret"
              type="password"
              autoComplete="off"
              required
              error={fieldError(result, "webhookSecret")}
            />
            <Field
              label="Verification level"
              name="levelName"
              defaultValue={kyc?.levelName ?? "basic-kyc-level"}
              required
              error={fieldError(result, "levelName")}
            />
            <SubmitButton name="intent" value="kyc">
              {kyc ? "Replace the provider" : "Connect the provider"}
            </SubmitButton>
          </Form>
        </section>
      </div>
      <section className="card wide">
        <h2>Sanctions screening threshold</h2>
        <p className="muted">
          Matches scoring at least this go to the compliance review queue. Lower finds more altered names and
          flags more ordinary ones.
        </p>
        <Form method="post" className="row">
          <CsrfField token={csrf} />
          <Field
            label="Threshold (0.5 to 1)"
            name="threshold"
            defaultValue={String(threshold)}
            inputMode="decimal"
            error={fieldError(result, "threshold")}
          />
          <SubmitButton name="intent" value="threshold">
            Save threshold
          </SubmitButton>
        </Form>
      </section>
      <section>
        <h2>When each desk requires KYC</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Desk</th>
                <th>Required</th>
                <th>Maximum age at payout (days)</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {deskSettings.map((d) => (
                <tr key={d.deskId}>
                  <td>{d.deskName}</td>
                  <td colSpan={3}>
                    <Form method="post" className="row">
                      <CsrfField token={csrf} />
                      <input type="hidden" name="deskId" value={d.deskId} />
                      <select
                        name="kycRequiredAt"
                        defaultValue={d.kycRequiredAt}
                        aria-label={`When ${d.deskName} requires KYC`}
                      >
                        {Object.entries(when).map(([v, l]) => (
                          <option key={v} value={v}>
                            {l}
                          </option>
                        ))}
                      </select>
                      <input
                        name="kycMaxAgeDays"
                        defaultValue={d.kycMaxAgeDays}
                        inputMode="numeric"
                        size={5}
                        aria-label={`Maximum KYC age on ${d.deskName}`}
                      />
                      <SubmitButton name="intent" value="desk" className="secondary">
                        Save
                      </SubmitButton>
                    </Form>
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
