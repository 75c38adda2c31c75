import { registerTrader } from "@propdesk/services/traders";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { traderSessionCookie } from "../lib/cookies.server";
import { anonBinding, consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, readFormData } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";
import { optionalTrader } from "../lib/trader.server";

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const countries = Array.from({ length: 26 * 26 }, (_, i) =>
  String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
)
  .map((code) => {
    try {
      const name = regionNames.of(code);
      return name && name !== code ? { code, name } : null;
    } catch {
      return null;
    }
  })
  .filter((c): c is { code: string; name: string } => c !== null)
  .sort((a, b) => a.name.localeCompare(b.name));
const timeZones = Intl.supportedValuesOf("timeZone");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  if (await optionalTrader(request, context)) throw redirect("/portal");
  const { binding, setCookie } = await anonBinding(request);
  return data(
    { csrf: issueCsrf(binding), desk: desk.theme, countries, timeZones },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const desk = requireDeskSite(context);
  try {
    const form = await readFormData(request);
    const { binding } = await anonBinding(request);
    await consumeCsrf(form, binding);
    const issued = await registerTrader(desk, formObject(form));
    throw redirect("/portal", {
      headers: { "Set-Cookie": await traderSessionCookie.serialize(issued.token) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function TraderRegister() {
  const { csrf, desk, countries, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const guessZone = typeof Intl !== "undefined" ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
  return (
    <main className="center-page">
      <section className="card narrow">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <h1>Create your trader account</h1>
        <FormError result={result} />
        <Form method="post">
          <CsrfField token={csrf} />
          <Field
            label="Full name (as on your ID)"
            name="name"
            autoComplete="name"
            required
            error={fieldError(result, "name")}
          />
          <Field
            label="E-mail"
            name="email"
            type="email"
            autoComplete="email"
            required
            error={fieldError(result, "email")}
          />
          <div className="field">
            <label htmlFor="country">Country of residence</label>
            <select id="country" name="country" required defaultValue="">
              <option value="" disabled>
                Choose…
              </option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
            {fieldError(result, "country") ? (
              <div className="error">{fieldError(result, "country")}</div>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="timezone">Your time zone</label>
            <select
              id="timezone"
              name="timezone"
              defaultValue={timeZones.includes(guessZone) ? guessZone : "UTC"}
              suppressHydrationWarning
            >
              {timeZones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </div>
          <Field
            label="Password"
            name="password"
            type="password"
            minLength={12}
            autoComplete="new-password"
            required
            hint="At least 12 characters."
            error={fieldError(result, "password")}
          />
          <Field
            label="Repeat the password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            error={fieldError(result, "confirmPassword")}
          />
          <div className="field checks">
            <label>
              <input type="checkbox" name="acceptTerms" required /> I accept the terms and the risk
              disclosure.
            </label>
            {fieldError(result, "acceptTerms") ? (
              <div className="error">{fieldError(result, "acceptTerms")}</div>
            ) : null}
          </div>
          <SubmitButton className="full">Create account</SubmitButton>
        </Form>
        <p className="muted" style={{ marginTop: "1rem" }}>
          Already registered? <Link to="/portal/login">Sign in</Link>
        </p>
      </section>
    </main>
  );
}
