import { AppError } from "@propdesk/domain";
import {
  catalogueForStaff,
  createAddon,
  createCoupon,
  createProduct,
  setAddonStatus,
  setCouponStatus,
  updateProduct,
} from "@propdesk/services/catalogue";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, When } from "../components/commerce";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/catalogue"));
  const data = await orHttpError(() => catalogueForStaff(principal));
  return { ...data, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

const done: Record<string, string> = {
  product: "Product created.",
  "product-update": "Product updated.",
  addon: "Add-on created.",
  "addon-status": "Add-on updated.",
  coupon: "Coupon created.",
  "coupon-status": "Coupon updated.",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "programs.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = String(form.get("intent") ?? "");
    const input = formObject(form);
    const id = String(form.get("id") ?? "");
    if (intent === "product") await createProduct(principal, input);
    else if (intent === "product-update") await updateProduct(principal, id, input);
    else if (intent === "addon") await createAddon(principal, input);
    else if (intent === "addon-status") await setAddonStatus(principal, id, input);
    else if (intent === "coupon") await createCoupon(principal, input);
    else if (intent === "coupon-status") await setCouponStatus(principal, id, input);
    else return actionFailure(new AppError("VALIDATION", `Unknown form "${intent}".`));
    throw redirect("/console/catalogue", {
      headers: { "Set-Cookie": await setFlash({ kind: "success", message: done[intent]! }) },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Catalogue() {
  const { desks, programs, products, addons, coupons, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const manageable = desks.filter((d) => d.canManage);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Catalogue</h1>
          <p>
            What each desk sells on its pricing page: challenges, add-ons that change their terms, and codes.
          </p>
        </div>
      </div>
      <FormError result={result} />

      <section>
        <h2>Products</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Product</th>
                <th>Desk</th>
                <th>Program</th>
                <th>Account</th>
                <th className="num">Price</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {products.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    Nothing on sale yet.
                  </td>
                </tr>
              ) : (
                products.map((p) => (
                  <tr key={p.id}>
                    <td>{p.name}</td>
                    <td>{p.deskName}</td>
                    <td>{p.programName}</td>
                    <td>{p.accountSize}</td>
                    <td className="num">{p.price}</td>
                    <td>
                      <Badge status={p.status === "active" ? "approved" : "none"}>{p.status}</Badge>
                    </td>
                    <td>
                      {p.canManage ? (
                        <Form method="post" className="row">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="id" value={p.id} />
                          <input
                            name="price"
                            defaultValue={p.priceInput}
                            aria-label={`Price of ${p.name}`}
                            size={8}
                          />
                          <input type="hidden" name="status" value={p.status} />
                          <SubmitButton name="intent" value="product-update" className="secondary">
                            Save price
                          </SubmitButton>
                        </Form>
                      ) : null}
                      {p.canManage ? (
                        <Form method="post">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="id" value={p.id} />
                          <input
                            type="hidden"
                            name="status"
                            value={p.status === "active" ? "archived" : "active"}
                          />
                          <SubmitButton name="intent" value="product-update" className="link">
                            {p.status === "active" ? "Stop selling" : "Sell again"}
                          </SubmitButton>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {manageable.length > 0 && programs.length > 0 ? (
          <Form method="post" className="card wide stack" aria-label="New product">
            <h3>New product</h3>
            <CsrfField token={csrf} />
            <div className="field">
              <label htmlFor="p-desk">Desk</label>
              <select id="p-desk" name="deskId">
                {manageable.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="p-program">Program (its latest version)</label>
              <select id="p-program" name="programId">
                {programs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} v{p.version} · {p.initialBalance} {p.currency}
                  </option>
                ))}
              </select>
              {fieldError(result, "programId") ? (
                <div className="error">{fieldError(result, "programId")}</div>
              ) : null}
            </div>
            <Field label="Name on the pricing page" name="name" required error={fieldError(result, "name")} />
            <Field label="Description" name="description" />
            <Field
              label="Account size (empty: the program's)"
              name="accountSize"
              inputMode="decimal"
              error={fieldError(result, "accountSize")}
            />
            <div className="row">
              <Field
                label="Price"
                name="price"
                inputMode="decimal"
                required
                error={fieldError(result, "price")}
              />
              <Field
                label="Currency"
                name="currency"
                defaultValue="USD"
                maxLength={3}
                error={fieldError(result, "currency")}
              />
            </div>
            <SubmitButton name="intent" value="product">
              Create product
            </SubmitButton>
          </Form>
        ) : null}
      </section>

      <section>
        <h2>Add-ons</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Add-on</th>
                <th>Desk</th>
                <th>Changes</th>
                <th>Price</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {addons.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty">
                    No add-ons.
                  </td>
                </tr>
              ) : (
                addons.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.name} <span className="muted mono">{a.code}</span>
                    </td>
                    <td>{a.deskName}</td>
                    <td>{a.description}</td>
                    <td>{a.price}</td>
                    <td>{a.status}</td>
                    <td>
                      {a.canManage ? (
                        <Form method="post">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="id" value={a.id} />
                          <input
                            type="hidden"
                            name="status"
                            value={a.status === "active" ? "archived" : "active"}
                          />
                          <SubmitButton name="intent" value="addon-status" className="link">
                            {a.status === "active" ? "Archive" : "Offer again"}
                          </SubmitButton>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {manageable.length > 0 ? (
          <Form method="post" className="card wide stack" aria-label="New add-on">
            <h3>New add-on</h3>
            <CsrfField token={csrf} />
            <div className="field">
              <label htmlFor="a-desk">Desk</label>
              <select id="a-desk" name="deskId">
                {manageable.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <Field
              label="Code"
              name="code"
              placeholder="split-90"
              required
              error={fieldError(result, "code")}
            />
            <Field label="Name" name="name" required error={fieldError(result, "name")} />
            <div className="field">
              <label htmlFor="a-kind">What it changes</label>
              <select id="a-kind" name="kind">
                <option value="profit_split">A higher profit split</option>
                <option value="no_time_limit">No time limit on evaluation phases</option>
              </select>
            </div>
            <Field
              label="Trader's share with a profit split add-on (%)"
              name="traderPct"
              inputMode="decimal"
              error={fieldError(result, "traderPct")}
            />
            <Field
              label="Price (% of the product's price)"
              name="pricePct"
              inputMode="decimal"
              required
              error={fieldError(result, "pricePct")}
            />
            <SubmitButton name="intent" value="addon">
              Create add-on
            </SubmitButton>
          </Form>
        ) : null}
      </section>

      <section>
        <h2>Coupons and promo codes</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Code</th>
                <th>Desk</th>
                <th>Discount</th>
                <th>Valid</th>
                <th className="num">Used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {coupons.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    No codes.
                  </td>
                </tr>
              ) : (
                coupons.map((c) => (
                  <tr key={c.id}>
                    <td className="mono">{c.code}</td>
                    <td>{c.deskName}</td>
                    <td>
                      {c.discount} {c.description ? <span className="muted">{c.description}</span> : null}
                    </td>
                    <td>
                      {c.validFrom ? <When at={c.validFrom} /> : "now"} →{" "}
                      {c.validUntil ? <When at={c.validUntil} /> : "no end"}
                    </td>
                    <td className="num">
                      {c.uses}
                      {c.maxRedemptions ? ` / ${c.maxRedemptions}` : ""}
                    </td>
                    <td>{c.status}</td>
                    <td>
                      {c.canManage ? (
                        <Form method="post">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="id" value={c.id} />
                          <input
                            type="hidden"
                            name="status"
                            value={c.status === "active" ? "disabled" : "active"}
                          />
                          <SubmitButton name="intent" value="coupon-status" className="link">
                            {c.status === "active" ? "Disable" : "Enable"}
                          </SubmitButton>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {manageable.length > 0 ? (
          <Form method="post" className="card wide stack" aria-label="New coupon">
            <h3>New code</h3>
            <CsrfField token={csrf} />
            <div className="field">
              <label htmlFor="c-desk">Desk</label>
              <select id="c-desk" name="deskId">
                {manageable.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Code" name="code" required error={fieldError(result, "code")} />
            <Field label="Description" name="description" />
            <div className="field">
              <label htmlFor="c-type">Discount</label>
              <select id="c-type" name="discountType">
                <option value="percent">Percentage off</option>
                <option value="amount">Amount off</option>
              </select>
            </div>
            <div className="row">
              <Field
                label="Percent off"
                name="percentOff"
                inputMode="decimal"
                error={fieldError(result, "percentOff")}
              />
              <Field
                label="Amount off"
                name="amountOff"
                inputMode="decimal"
                error={fieldError(result, "amountOff")}
              />
              <Field label="Currency" name="currency" maxLength={3} error={fieldError(result, "currency")} />
            </div>
            <div className="row">
              <Field
                label="First valid day"
                name="validFrom"
                type="date"
                error={fieldError(result, "validFrom")}
              />
              <Field
                label="Last valid day"
                name="validUntil"
                type="date"
                error={fieldError(result, "validUntil")}
              />
            </div>
            <div className="row">
              <Field
                label="Uses in total"
                name="maxRedemptions"
                inputMode="numeric"
                error={fieldError(result, "maxRedemptions")}
              />
              <Field
                label="Uses per trader"
                name="maxPerTrader"
                inputMode="numeric"
                error={fieldError(result, "maxPerTrader")}
              />
            </div>
            <div className="field checks">
              <label>
                <input type="checkbox" name="firstPurchaseOnly" /> First purchase only
              </label>
              <label>
                <input type="checkbox" name="appliesToResets" /> Also for retakes
              </label>
            </div>
            <SubmitButton name="intent" value="coupon">
              Create code
            </SubmitButton>
          </Form>
        ) : null}
      </section>
    </div>
  );
}
