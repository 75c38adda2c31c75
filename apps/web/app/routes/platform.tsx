import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { Brand } from "../components/brand";
import { FlashMessage } from "../components/flash-message";
import { CsrfField } from "../components/form";
import { issueCsrf } from "../lib/csrf.server";
import { takeFlash } from "../lib/flash.server";
import { requirePlatformAdmin } from "../lib/platform.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requirePlatformAdmin(request, context);
  const { flash, header } = await takeFlash(request);
  return data(
    {
      admin: { name: principal.name, email: principal.email },
      csrf: issueCsrf({ kind: "platform", sessionId: principal.sessionId }),
      flash,
    },
    header ? { headers: { "Set-Cookie": header } } : undefined,
  );
}

export default function PlatformLayout() {
  const { admin, csrf, flash } = useLoaderData<typeof loader>();
  return (
    <div className="shell">
      <aside className="sidebar">
        <Brand name="PropDesk platform" logoUrl={null} />
        <nav aria-label="Platform">
          <NavLink to="/platform" end className={({ isActive }) => (isActive ? "active" : "")}>
            Tenants
          </NavLink>
          <NavLink to="/platform/tenants/new" className={({ isActive }) => (isActive ? "active" : "")}>
            New tenant
          </NavLink>
        </nav>
        <div className="who">
          <strong>{admin.name}</strong>
          <span>{admin.email}</span>
          <Form method="post" action="/platform/logout">
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
