import { visibleDesks } from "@propdesk/services/desks";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/desks"));
  const desks = await orHttpError(() => visibleDesks(principal));
  return {
    desks: desks.map((d) => ({
      id: d.id,
      name: d.name,
      slug: d.slug,
      primaryColor: d.primaryColor,
      accentColor: d.accentColor,
      hostnames: d.domains.map((x) => x.hostname),
    })),
  };
}

export default function Desks() {
  const { desks } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Desks</h1>
          <p>Each desk is a brand with its own domains and theme.</p>
        </div>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Desk</th>
              <th>Domains</th>
              <th>Theme</th>
            </tr>
          </thead>
          <tbody>
            {desks.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/console/desks/${d.id}`}>{d.name}</Link>{" "}
                  <span className="muted mono">{d.slug}</span>
                </td>
                <td className="mono">{d.hostnames.join(", ")}</td>
                <td>
                  <span className="swatch" style={{ background: d.primaryColor }} />{" "}
                  <span className="swatch" style={{ background: d.accentColor }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
