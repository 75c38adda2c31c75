import { exportAuditCsv } from "@propdesk/services/audit";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { permissionFor } from "../lib/console-routes";
import { resource } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

/** The filtered audit trail as CSV (RFC 4180). */
export function loader({ request, context }: LoaderFunctionArgs) {
  return resource(async () => {
    const { principal } = await requireStaff(request, context, permissionFor("/console/audit.csv"));
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const csv = await exportAuditCsv(principal, params);
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-${stamp}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
