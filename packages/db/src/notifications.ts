import pg from "pg";
import { databaseUrlsFromEnv } from "./database-urls";

/**
 * LISTEN on a PostgreSQL channel over a dedicated platform-role connection, reconnecting with backoff
 * if the connection drops. Returns a function that stops listening.
 */
export function listen(
  channel: string,
  onNotify: () => void,
  onError: (e: Error) => void = () => {},
): () => Promise<void> {
  let client: pg.Client | undefined;
  let stopped = false;
  let delay = 250;

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrlsFromEnv().platform });
    c.on("notification", () => onNotify());
    c.on("error", (e) => {
      onError(e);
      c.end().catch(() => {});
      if (client === c) client = undefined;
      if (!stopped) setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = c;
      delay = 250;
      onNotify(); // catch up on anything committed while we were not listening
    } catch (e) {
      onError(e as Error);
      await c.end().catch(() => {});
      if (!stopped) setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}
