import { pricingForDesk } from "@propdesk/services/catalogue";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { orHttpError } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";
import { optionalTrader } from "../lib/trader.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Pricing · ${data?.desk.name ?? ""}` },
];

/** The desk's public pricing page: every challenge on sale, its rules in words, and the add-ons. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const desk = requireDeskSite(context);
  const signedIn = (await optionalTrader(request, context)) !== null;
  const offer = await orHttpError(() => pricingForDesk(desk));
  return { ...offer, desk: { name: desk.theme.name, logoUrl: desk.theme.logoUrl }, signedIn };
}

export default function Pricing() {
  const { products, addons, desk, signedIn, kycAtPurchase } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="hero">
        <div className="topbar">
          <Brand name={desk.name} logoUrl={desk.logoUrl} />
          <nav className="row" aria-label="Account">
            {signedIn ? (
              <Link to="/portal">My account</Link>
            ) : (
              <>
                <Link to="/portal/login?next=/pricing">Sign in</Link>
                <Link to="/portal/register" className="button">
                  Create an account
                </Link>
              </>
            )}
          </nav>
        </div>
        <div className="hero-inner">
          <p className="eyebrow">Pricing</p>
          <h1>Choose your challenge</h1>
          <p>Pass the evaluation under clear rules and trade a funded account.</p>
        </div>
      </header>
      <section className="section">
        <div className="section-inner">
          {products.length === 0 ? (
            <div className="card empty">No challenge is on sale on this desk yet.</div>
          ) : (
            <div className="grid cols-2 plans">
              {products.map((p) => (
                <article key={p.id} className="card plan" aria-label={p.name}>
                  <div className="spread">
                    <h2>{p.name}</h2>
                    <span className="price" data-testid="price">
                      {p.price}
                    </span>
                  </div>
                  <p className="muted">
                    {p.accountSize} account · {p.program.phases.length} phase
                    {p.program.phases.length === 1 ? "" : "s"}
                    {p.program.profitSplit !== null ? ` · ${p.program.profitSplit}% profit split` : ""}
                  </p>
                  {p.description ? <p>{p.description}</p> : null}
                  {p.program.phases.map((ph) => (
                    <div key={ph.name}>
                      <h3>{ph.name}</h3>
                      <ul className="rules">
                        {ph.rules.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    </div>
                  ))}
                  <p className="muted">
                    {[
                      p.program.reset,
                      p.program.kycRequired || kycAtPurchase ? "Identity check before trading" : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                  <Link
                    to={`/portal/checkout?productId=${p.id}`}
                    className="button full"
                    aria-label={`Buy ${p.name}`}
                  >
                    Buy for {p.price}
                  </Link>
                </article>
              ))}
            </div>
          )}
          {addons.length > 0 ? (
            <div className="card" style={{ marginTop: "1.5rem" }}>
              <h2>Add-ons at checkout</h2>
              <ul className="rules">
                {addons.map((a) => (
                  <li key={a.id}>
                    <strong>{a.name}</strong> — {a.description} (+{a.pricePct}% of the price)
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      </section>
    </>
  );
}
