import { bankWireFile } from "@propdesk/services/payouts";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "../lib/csv-response.server";
import { resource } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

/** A bank wire file as exported, for upload to the bank. */
export function loader({ request, context, params }: LoaderFunctionArgs) {
  return resource(async () => {
    const { principal } = await requireStaff(request, context, "payouts.disburse");
    const file = await bankWireFile(principal, params.batchId);
    return csvResponse(file.fileName, file.csv);
  });
}
