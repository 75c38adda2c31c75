import { checkoutPage, startCheckout } from "@propdesk/services/checkout";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, FormError, fieldError, SubmitButton } from "../components/form";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

/** The checkout page: add-ons, a code, the price, then off to the firm's Stripe checkout. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  const params = new URL(request.url).searchParams;
  const page = await orHttpError(() =>
    checkoutPage(principal, {
      productId: params.get("productId") ?? "",
      addonIds: params.getAll("addonIds"),
      couponCode: params.get("couponCode") ?? "",
    }),
  );
  return {
    ...page,
    selected: params.getAll("addonIds"),
    code: params.get("couponCode") ?? "",
    csrf: issueCsrf({ kind: "trader", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "trader", sessionId: principal.sessionId });
    const started = await startCheckout(principal, formObject(form), {
      returnBase: new URL(request.url).origin,
    });
    throw redirect(started.checkoutUrl ?? `/portal/orders/${started.orderId}?checkout=done`);
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Checkout() {
  const { product, addons, quote, couponError, selected, code, csrf, kycAtPurchase } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Checkout</p>
          <h1>{product.name}</h1>
          <p>
            {product.accountSize} account · <Link to="/pricing">change</Link>
          </p>
        </div>
      </div>
      <div className="grid cols-2">
        <section className="card">
          <h2>Your choice</h2>
          <Form method="get" className="stack" id="choice">
            <input type="hidden" name="productId" value={product.id} />
            {addons.length > 0 ? (
              <fieldset>
                <legend>Add-ons</legend>
                <div className="checks">
                  {addons.map((a) => (
                    <label key={a.id}>
                      <input
                        type="checkbox"
                        name="addonIds"
                        value={a.id}
                        defaultChecked={selected.includes(a.id)}
                      />{" "}
                      {a.name} (+{a.price}) <span className="muted">{a.description}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            <div className="field">
              <label htmlFor="couponCode">Coupon or promo code</label>
              <input
                id="couponCode"
                name="couponCode"
                defaultValue={code}
                autoComplete="off"
                aria-invalid={couponError ? true : undefined}
              />
              {couponError ? <div className="error">{couponError}</div> : null}
            </div>
            <button type="submit" className="secondary">
              Update price
            </button>
          </Form>
        </section>
        <section className="card">
          <h2>Summary</h2>
          <table aria-label="Order summary">
            <tbody>
              {quote.lines.map((l) => (
                <tr key={l.id}>
                  <td>{l.name}</td>
                  <td className="num">{l.amount}</td>
                </tr>
              ))}
              {quote.discount ? (
                <tr>
                  <td>
                    Code {quote.coupon?.code} ({quote.coupon?.description})
                  </td>
                  <td className="num">−{quote.discount}</td>
                </tr>
              ) : null}
              <tr>
                <th>Total</th>
                <th className="num" data-testid="total">
                  {quote.total}
                </th>
              </tr>
            </tbody>
          </table>
          {kycAtPurchase ? (
            <p className="muted">This desk verifies your identity before your account is opened.</p>
          ) : null}
          <FormError result={result} />
          {fieldError(result, "couponCode") ? (
            <div className="alert error">{fieldError(result, "couponCode")}</div>
          ) : null}
          <Form method="post">
            <CsrfField token={csrf} />
            <input type="hidden" name="productId" value={product.id} />
            {selected.map((id) => (
              <input key={id} type="hidden" name="addonIds" value={id} />
            ))}
            {quote.coupon ? <input type="hidden" name="couponCode" value={quote.coupon.code} /> : null}
            <SubmitButton className="full">{quote.free ? "Get it free" : `Pay ${quote.total}`}</SubmitButton>
          </Form>
          <p className="muted">
            You pay on Stripe's secure page. Your challenge starts when the payment is confirmed.
          </p>
        </section>
      </div>
    </div>
  );
}
