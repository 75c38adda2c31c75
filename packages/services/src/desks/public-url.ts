import { env } from "../env/env";

/** An absolute URL on one of our hosts (links in e-mails and the console). */
export function publicUrl(hostname: string, path: string): string {
  const e = env();
  const port = e.PUBLIC_PORT ?? e.PORT;
  const defaultPort = e.PUBLIC_SCHEME === "https" ? 443 : 80;
  return `${e.PUBLIC_SCHEME}://${hostname}${port === defaultPort ? "" : `:${port}`}${path}`;
}
