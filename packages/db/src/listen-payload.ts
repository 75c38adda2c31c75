import pg from "pg";
import { databaseUrlsFromEnv } from "./database-urls";

/**
 * LISTEN on a channel and receive each notification's payload, over a dedicated platform-role
 * connection that reconnects with backoff. `onReconnect` runs after every (re)connection, so the
 * caller can catch up on what was committed while it was not listening. Returns a stop function.
 */
export function listenWithPayload(
  channel: string,
  onPayload: (payload: string) => void,
  opts: { onReconnect?: () => void; onError?: (e: Error) => void; url?: string } = {},
): () => Promise<void> {
  let client: pg.Client | undefined;
  let stopped = false;
  let delay = 250;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: opts.url ?? databaseUrlsFromEnv().platform });
    c.on("notification", (n) => onPayload(n.payload ?? ""));
    c.on("error", (e) => {
      opts.onError?.(e);
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
      opts.onReconnect?.();
    } catch (e) {
      opts.onError?.(e as Error);
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

/**
 * A dedicated connection holding session-level advisory locks: a process owns a piece of work
 * (a risk partition) exactly while it holds the lock, and loses it when it dies.
 */
export class AdvisoryClaims {
  private client: pg.Client | undefined;
  private readonly held = new Set<string>();

  constructor(private readonly url = databaseUrlsFromEnv().platform) {}

  private async connection(): Promise<pg.Client> {
    if (!this.client) {
      const c = new pg.Client({ connectionString: this.url });
      c.on("error", () => {
        // The connection (and every lock on it) is gone; claims are retried by the owner.
        this.held.clear();
        if (this.client === c) this.client = undefined;
      });
      await c.connect();
      this.client = c;
    }
    return this.client;
  }

  /** Tries to take `(hashtext(namespace), key)`; true when this process now holds it. */
  async tryClaim(namespace: string, key: number): Promise<boolean> {
    const id = `${namespace}:${key}`;
    if (this.held.has(id)) return true;
    const c = await this.connection();
    const r = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok", [
      namespace,
      key,
    ]);
    if (r.rows[0]?.ok) this.held.add(id);
    return r.rows[0]?.ok === true;
  }

  isHeld(namespace: string, key: number): boolean {
    return this.held.has(`${namespace}:${key}`);
  }

  async release(namespace: string, key: number): Promise<void> {
    const id = `${namespace}:${key}`;
    if (!this.held.delete(id) || !this.client) return;
    await this.client.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [namespace, key]).catch(() => {});
  }

  async close(): Promise<void> {
    this.held.clear();
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}
