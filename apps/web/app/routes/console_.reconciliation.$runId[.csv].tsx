import { reconciliationCsv } from "@propdesk/services/reconciliation";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv-response.server";
import { resource } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

/** A reconciliation report's lines (or, with ?kind=summary, its totals) as CSV. */
export function loader({ request, context, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const { principal } = await requireStaff(request, context, "ledger.view");
    const kind = new URL(request.url).searchParams.get("kind") === "summary" ? "summary" : "lines";
    const file = await reconciliationCsv(principal, params.runId, kind);
    return csvResponse(file.fileName, file.csv);
  });
}
