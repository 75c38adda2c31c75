import { receiveStripeWebhook } from "@propdesk/services/payments";
import type { ActionFunctionArgs } from "@remix-run/node";
import { resource } from "../lib/http.server";
import { requireDeskSite } from "../lib/site.server";

/**
 * Stripe's webhook endpoint for the firm of this host. The raw bytes reach the signature check
 * unchanged; the event is stored once and processed by a job, so the answer is immediate.
 */
export function action({ request, context }: ActionFunctionArgs) {
  return resource(async () => {
    const desk = requireDeskSite(context);
    const raw = Buffer.from(await request.arrayBuffer());
    const r = await receiveStripeWebhook(desk, raw, request.headers.get("stripe-signature"));
    return Response.json({ received: r.eventId, duplicate: r.duplicate });
  });
}

export function loader() {
  return new Response("Stripe delivers webhooks here with POST.\n", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
  });
}
