import { receiveKycCallback } from "@propdesk/services/kyc";
import type { ActionFunctionArgs } from "@remix-run/node";
import { resource } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";

/** The KYC vendor's callback endpoint for the firm of this host: digest checked over the raw body. */
export function action({ request, context }: ActionFunctionArgs) {
  return resource(async () => {
    const desk = requireDeskSite(context);
    const raw = Buffer.from(await request.arrayBuffer());
    const r = await receiveKycCallback(desk, raw, {
      digest: request.headers.get("x-payload-digest"),
      algorithm: request.headers.get("x-payload-digest-alg"),
    });
    return Response.json({ ok: true, duplicate: r.duplicate });
  });
}

export function loader() {
  return new Response("The KYC provider delivers callbacks here with POST.\n", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
  });
}
