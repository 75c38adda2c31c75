import { dataLayer, desks, type ResolvedHost } from "@propdesk/db";
import { AppError } from "@propdesk/domain";

/** The desk a request is for, found from its Host header. */
export type DeskContext = ResolvedHost;

const hostPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Lower-cases and strips the port; refuses anything that is not a plain host name. */
export function normaliseHost(hostHeader: string | null | undefined): string {
  const host = (hostHeader ?? "").trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  if (!host || host.length > 253 || !hostPattern.test(host)) {
    throw new AppError("VALIDATION", `"${hostHeader ?? ""}" is not a valid host name.`);
  }
  return host;
}

/** Which desk serves this host; NOT_FOUND for an unknown host, TENANT_SUSPENDED for a suspended firm. */
export async function deskForHost(hostHeader: string | null | undefined): Promise<DeskContext> {
  const host = normaliseHost(hostHeader);
  const resolved = await dataLayer().anonymous((db) => desks.resolveHost(db, host));
  if (!resolved) throw new AppError("NOT_FOUND", `No desk is configured for the host "${host}".`);
  if (resolved.tenantStatus !== "active") {
    throw new AppError(
      "TENANT_SUSPENDED",
      `${resolved.tenantName} is suspended on PropDesk. Please contact the firm.`,
    );
  }
  if (resolved.deskStatus !== "active")
    throw new AppError("NOT_FOUND", `The desk at "${host}" is no longer active.`);
  return resolved;
}
