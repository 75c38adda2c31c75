import { can, roleLabels } from "@propdesk/domain/access";
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField } from "../components/form";
import { consoleRoutes } from "../lib/console-routes";
import { issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { requireStaff } from "../lib/staff.server";

/** The authenticated console shell: sidebar with only the pages this role may open. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, desk } = await requireStaff(request, context, null, { allowEnrollment: true });
  const { flash, header } = await takeFlash(request);
  const nav = principal.mustEnrollTwoFactor
    ? consoleRoutes.filter((r) => r.path === "/console/security")
    : consoleRoutes.filter((r) => r.nav && (r.permission === null || can(principal, r.permission)));
  return data(
    {
      nav: nav.map((r) => ({ path: r.path, label: r.label, group: r.group })),
      user: {
        name: principal.name,
        email: principal.email,
        role: roleLabels[principal.role],
        limited: principal.deskIds !== null,
      },
      tenantName: desk.tenantName,
      desk: { name: desk.theme.name, logoUrl: desk.theme.logoUrl },
      csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
      flash,
    },
    header ? { headers: { "Set-Cookie": header } } : undefined,
  );
}

export default function ConsoleLayout() {
  const { nav, user, tenantName, desk, csrf, flash } = useLoaderData<typeof loader>();
  const groups = [...new Set(nav.map((n) => n.group))];
  return (
    <div className="shell">
      <aside className="sidebar">
        <Brand name={desk.name} logoUrl={desk.logoUrl} />
        <nav aria-label="Console">
          {groups.map((g) => (
            <div key={g}>
              <div className="nav-group">{g}</div>
              {nav
                .filter((n) => n.group === g)
                .map((n) => (
                  <NavLink
                    key={n.path}
                    to={n.path}
                    end={n.path === "/console"}
                    className={({ isActive }) => (isActive ? "active" : "")}
                  >
                    {n.label}
                  </NavLink>
                ))}
            </div>
          ))}
        </nav>
        <div className="who">
          <strong>{user.name}</strong>
          <span>
            {user.role}
            {user.limited ? " · some desks" : ""}
          </span>
          <div className="muted">{tenantName}</div>
          <Form method="post" action="/console/logout">
            <CsrfField token={csrf} />
            <button type="submit" className="link">
              Sign out
            </button>
          </Form>
        </div>
      </aside>
      <main className="main">
        <FlashMessage flash={flash} />
        <Outlet />
      </main>
    </div>
  );
}
