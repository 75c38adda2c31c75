import { claimFreeRetake, startCheckout } from "@propdesk/services/checkout";
import { traderResetOffer } from "@propdesk/services/payments";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

/** Retake a failed challenge: free when the program grants it, else at the program's reset price. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  const offer = await orHttpError(() => traderResetOffer(principal, params.challengeId));
  return { ...offer, csrf: issueCsrf({ kind: "trader", sessionId: principal.sessionId }) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "trader", sessionId: principal.sessionId });
    if (form.get("intent") === "free") {
      const next = await claimFreeRetake(principal, params.challengeId);
      throw redirect(`/portal/challenges/${next.challengeId}`, {
        headers: { "Set-Cookie": await setFlash({ kind: "success", message: "Your retake has started." }) },
      });
    }
    const started = await startCheckout(
      principal,
      { ...formObject(form), challengeId: params.challengeId },
      { returnBase: new URL(request.url).origin, reset: true },
    );
    throw redirect(started.checkoutUrl ?? `/portal/orders/${started.orderId}?checkout=done`);
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Retake() {
  const { challenge, offer, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow mono">{challenge.reference}</p>
          <h1>Retake {challenge.programName}</h1>
        </div>
      </div>
      <section className="card narrow">
        <FormError result={result} />
        {!offer ? (
          <p>This challenge cannot be retaken.</p>
        ) : offer.free ? (
          <Form method="post">
            <CsrfField token={csrf} />
            <p>Your program gives you a free retake: attempt {offer.attempt} starts at once.</p>
            <SubmitButton name="intent" value="free">
              Start my free retake
            </SubmitButton>
          </Form>
        ) : (
          <Form method="post">
            <CsrfField token={csrf} />
            <p>
              Attempt {offer.attempt} costs {offer.price} ({offer.pricePct}% of what you paid).
            </p>
            <Field label="Coupon or promo code" name="couponCode" error={fieldError(result, "couponCode")} />
            <SubmitButton name="intent" value="pay">
              Pay {offer.price}
            </SubmitButton>
          </Form>
        )}
      </section>
    </div>
  );
}
