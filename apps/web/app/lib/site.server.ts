import type { DeskContext } from "@propdesk/services/desks";
import type { AppLoadContext } from "@remix-run/node";
import { data } from "@remix-run/node";

/** Desk pages exist only on desk hosts; the platform console only on the platform host. */
export function requireDeskSite(context: AppLoadContext): DeskContext {
  if (context.site.kind !== "desk")
    throw data(
      { message: "This page does not exist on the platform host.", code: "NOT_FOUND" },
      { status: 404 },
    );
  return context.site.desk;
}

export function requirePlatformSite(context: AppLoadContext): void {
  if (context.site.kind !== "platform")
    throw data({ message: "This page does not exist on this desk.", code: "NOT_FOUND" }, { status: 404 });
}
