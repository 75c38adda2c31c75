import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField } from "../components/form";
import { issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { portalNav } from "../lib/portal-nav";
import { requireTrader } from "../lib/trader.server";

/** The trader portal shell on the desk's host, in the desk's theme. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, desk } = await requireTrader(request, context);
  const { flash, header } = await takeFlash(request);
  return data(
    {
      trader: { name: principal.name, email: principal.email },
      desk: desk.theme,
      csrf: issueCsrf({ kind: "trader", sessionId: principal.sessionId }),
      flash,
    },
    header ? { headers: { "Set-Cookie": header } } : undefined,
  );
}

export default function PortalLayout() {
  const { trader, desk, csrf, flash } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="portal-bar">
        <div className="portal-bar-inner">
          <Brand name={desk.name} logoUrl={desk.logoUrl} />
          <nav aria-label="Portal" className="row">
            {portalNav.map((n) => (
              <NavLink key={n.path} to={n.path} end className={({ isActive }) => (isActive ? "active" : "")}>
                {n.label}
              </NavLink>
            ))}
          </nav>
          <div className="row">
            <span className="muted">{trader.name}</span>
            <Form method="post" action="/portal/logout">
              <CsrfField token={csrf} />
              <button type="submit" className="secondary">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main className="portal-main">
        <FlashMessage flash={flash} />
        <Outlet />
      </main>
    </>
  );
}
