import { AppError } from "@propdesk/domain";
import {
  beginTwoFactorEnrollment,
  changeStaffPassword,
  confirmTwoFactorEnrollment,
  totpUri,
} from "@propdesk/services/auth";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { staffSessionCookie } from "../lib/cookies.server";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, desk } = await requireStaff(request, context, null, { allowEnrollment: true });
  let enrollment: { secret: string; qrSrc: string } | null = null;
  if (!principal.twoFactorEnabled) {
    const secret = await beginTwoFactorEnrollment(principal);
    const uri = totpUri(secret, desk.theme.name, principal.email);
    const svg = await QRCode.toString(uri, { type: "svg", margin: 1, width: 180 });
    enrollment = { secret, qrSrc: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
  }
  return {
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
    twoFactorEnabled: principal.twoFactorEnabled,
    required: principal.mustEnrollTwoFactor,
    enrollment,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, null, { allowEnrollment: true });
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = form.get("intent");
    let issued: { token: string };
    let message: string;
    if (intent === "enable-2fa") {
      issued = await confirmTwoFactorEnrollment(principal, formObject(form));
      message = "Two-factor authentication is on. Your other sessions were signed out.";
    } else if (intent === "password") {
      issued = await changeStaffPassword(principal, formObject(form));
      message = "Password changed. Your other sessions were signed out.";
    } else throw new AppError("VALIDATION", "Unknown action.");
    const headers = new Headers();
    headers.append("Set-Cookie", await staffSessionCookie.serialize(issued.token));
    headers.append("Set-Cookie", await setFlash({ kind: "success", message }));
    throw redirect(intent === "enable-2fa" ? "/console" : "/console/security", { headers });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Security() {
  const { csrf, twoFactorEnabled, required, enrollment } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Security</h1>
          <p>Your password and two-factor authentication.</p>
        </div>
      </div>
      <FormError result={result} />
      <div className="grid cols-2">
        <section className="card">
          <h2>Two-factor authentication</h2>
          {twoFactorEnabled ? (
            <p>
              <span className="badge good">on</span> Every sign-in asks for a code from your authenticator
              app.
            </p>
          ) : enrollment ? (
            <>
              {required ? (
                <div className="alert warn">
                  Your role requires two-factor authentication before you can use the console.
                </div>
              ) : null}
              <p>
                Scan this code with an authenticator app (1Password, Google Authenticator, Authy…), then enter
                the 6-digit code it shows.
              </p>
              <img src={enrollment.qrSrc} alt="QR code for your authenticator app" width={180} height={180} />
              <p className="muted">
                Or enter this key: <code data-testid="totp-secret">{enrollment.secret}</code>
              </p>
              <Form method="post">
                <CsrfField token={csrf} />
                <input type="hidden" name="intent" value="enable-2fa" />
                <Field
                  label="Code from the app"
                  name="code"
                  inputMode="numeric"
                  pattern="[0-9]{6}"
                  maxLength={6}
                  autoComplete="one-time-code"
                  required
                  error={fieldError(result, "code")}
                />
                <SubmitButton>Turn on two-factor</SubmitButton>
              </Form>
            </>
          ) : null}
        </section>
        <section className="card">
          <h2>Change password</h2>
          <Form method="post">
            <CsrfField token={csrf} />
            <input type="hidden" name="intent" value="password" />
            <Field
              label="Current password"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              error={fieldError(result, "currentPassword")}
            />
            <Field
              label="New password"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              hint="At least 12 characters."
              error={fieldError(result, "newPassword")}
            />
            <Field
              label="Repeat the new password"
              name="confirmPassword"
              type="password"
              autoComplete="new-password"
              required
              error={fieldError(result, "confirmPassword")}
            />
            <SubmitButton className="secondary">Change password</SubmitButton>
          </Form>
        </section>
      </div>
    </div>
  );
}
