import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";

/** The desk's public home page, in its theme; the platform host sends visitors to its console. */
export async function loader({ context }: LoaderFunctionArgs) {
  if (context.site.kind === "platform") throw redirect("/platform");
  const { desk } = context.site;
  return { name: desk.theme.name, logoUrl: desk.theme.logoUrl, tenantName: desk.tenantName };
}

export default function DeskHome() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <header className="hero">
        <div className="topbar">
          <Brand name={d.name} logoUrl={d.logoUrl} />
          <nav className="row" aria-label="Account">
            <Link to="/portal/login">Sign in</Link>
            <Link to="/portal/register" className="button">
              Create an account
            </Link>
          </nav>
        </div>
        <div className="hero-inner">
          <p className="eyebrow">{d.tenantName}</p>
          <h1>Trade our capital with {d.name}</h1>
          <p>
            Pass the evaluation, follow the rules, keep up to 90% of the profit you make on a funded account.
          </p>
        </div>
      </header>
      <section className="section">
        <div className="section-inner muted" style={{ textAlign: "right" }}>
          <Link to="/console/login">Staff sign-in</Link>
        </div>
        <div className="section-inner grid cols-2">
          <div className="card">
            <h2>Clear rules</h2>
            <p className="muted">
              Daily loss and maximum loss floors, profit targets and trading days, shown live with the room
              you have left.
            </p>
          </div>
          <div className="card">
            <h2>Paid on time</h2>
            <p className="muted">Every payout is computed, explained and reconciled to the cent.</p>
          </div>
        </div>
      </section>
    </>
  );
}
