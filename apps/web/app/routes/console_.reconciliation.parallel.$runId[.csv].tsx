import { parallelRunCsv } from "@propdesk/services/reconciliation";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv-response.server";
import { resource } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

/** The differences of a parallel run as CSV. */
export function loader({ request, context, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const { principal } = await requireStaff(request, context, "ledger.view");
    const file = await parallelRunCsv(principal, params.runId);
    return csvResponse(file.fileName, file.csv);
  });
}
