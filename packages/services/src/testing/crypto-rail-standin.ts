import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { addressPatterns, type CryptoChain, type CryptoWithdrawal } from "../payouts/rails/crypto-rail";

/**
 * A local stand-in for a crypto custody provider's withdrawal API (see `CryptoRail` for the wire
 * format): API keys, idempotency keys (same key and body → the first answer; another body → 409),
 * address validation per chain, transaction hashes, listing by period with cursors.
 *
 * Test controls: `failAddresses` (withdrawals to them fail), `pendingAddresses` (they stay pending
 * until `confirm(id)`), `transientFailures` (the next N creations answer 503 before doing
 * anything), `latencyMs` (each creation waits this long before answering). The same over HTTP
 * under `/__standin/…` for browser tests and other processes.
 */
export class CryptoRailStandIn {
  readonly apiKeys = new Set<string>();
  readonly withdrawals = new Map<string, CryptoWithdrawal>();
  /** How many withdrawals were really created per reference (a replayed key does not count). */
  readonly createdPerReference = new Map<string, number>();
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  readonly failAddresses = new Set<string>();
  readonly pendingAddresses = new Set<string>();
  transientFailures = 0;
  latencyMs = 0;
  now: () => Date = () => new Date();

  private readonly idempotency = new Map<
    string,
    { hash: string; answer: Promise<{ status: number; body: unknown }> }
  >();
  private server: http.Server | undefined;
  private seq = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addApiKey(key = `ck_test_${randomBytes(12).toString("hex")}`): string {
    this.apiKeys.add(key);
    return key;
  }

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  confirm(id: string): CryptoWithdrawal {
    const w = this.withdrawals.get(id);
    if (!w) throw new Error(`stand-in: no withdrawal ${id}`);
    w.status = "confirmed";
    w.tx_hash = txHashOf(w.chain, w.id);
    w.confirmed_at = this.now().toISOString();
    return w;
  }

  /** Withdrawals really created (not replays), oldest first. */
  list(): CryptoWithdrawal[] {
    return [...this.withdrawals.values()];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname.startsWith("/__standin/")) return send(200, this.control(method, url.pathname, raw));
      const key = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!this.apiKeys.has(key))
        return send(401, { error: { type: "unauthorized", message: "Invalid API key." } });
      const idem = req.headers["idempotency-key"] as string | undefined;
      this.requests.push({ method, path: url.pathname, ...(idem ? { idempotencyKey: idem } : {}) });
      if (method === "POST" && url.pathname === "/v1/withdrawals") {
        if (!idem)
          return send(400, { error: { type: "invalid_request", message: "Idempotency-Key is required." } });
        const hash = createHash("sha256").update(raw).digest("hex");
        const seen = this.idempotency.get(`${key}:${idem}`);
        if (seen) {
          if (seen.hash !== hash)
            return send(409, {
              error: {
                type: "idempotency_conflict",
                message: `Idempotency-Key ${idem} was used with another body.`,
              },
            });
          // A repeat sent while the first is still being processed gets the first's answer when it
          // comes (as custody APIs do), never a second withdrawal.
          const first = await seen.answer;
          return send(first.status, first.body);
        }
        if (this.transientFailures > 0) {
          this.transientFailures -= 1;
          return send(503, { error: { type: "unavailable", message: "Signing service busy, try again." } });
        }
        const answer = (async () => {
          if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
          const [status, body] = this.create(JSON.parse(raw || "{}") as Record<string, unknown>);
          return { status, body };
        })();
        this.idempotency.set(`${key}:${idem}`, { hash, answer });
        const { status, body } = await answer;
        return send(status, body);
      }
      const one = /^\/v1\/withdrawals\/([^/]+)$/.exec(url.pathname);
      if (method === "GET" && one) {
        const w = this.withdrawals.get(decodeURIComponent(one[1]!));
        return w ? send(200, w) : send(404, { error: { type: "not_found", message: "No such withdrawal." } });
      }
      if (method === "GET" && url.pathname === "/v1/withdrawals") {
        const from = Date.parse(url.searchParams.get("from") ?? "");
        const to = Date.parse(url.searchParams.get("to") ?? "");
        if (Number.isNaN(from) || Number.isNaN(to))
          return send(400, {
            error: { type: "invalid_request", message: "from and to must be ISO instants." },
          });
        const all = this.list().filter((w) => {
          const t = Date.parse(w.created_at);
          return t >= from && t < to;
        });
        const start = Number(url.searchParams.get("cursor") ?? 0);
        const page = all.slice(start, start + 500);
        return send(200, { data: page, next_cursor: start + 500 < all.length ? String(start + 500) : null });
      }
      return send(404, { error: { type: "not_found", message: `No route ${method} ${url.pathname}.` } });
    } catch (e) {
      return send(500, { error: { type: "internal", message: (e as Error).message } });
    }
  }

  private create(body: Record<string, unknown>): [number, unknown] {
    const invalid = (message: string): [number, unknown] => [
      422,
      { error: { type: "invalid_request", message } },
    ];
    const chain = String(body.chain ?? "") as CryptoChain;
    const pattern = addressPatterns[chain];
    if (!pattern) return invalid(`Unsupported chain "${chain}".`);
    const asset = String(body.asset ?? "");
    if (asset !== "USDT" && asset !== "USDC") return invalid(`Unsupported asset "${asset}".`);
    const address = String(body.address ?? "");
    if (!pattern.test(address)) return invalid(`"${address}" is not a valid ${chain} address.`);
    const amount = String(body.amount ?? "");
    if (!/^\d+(\.\d{1,6})?$/.test(amount) || Number(amount) <= 0)
      return invalid(`Invalid amount "${amount}".`);
    const reference = String(body.reference ?? "");
    this.seq += 1;
    const id = `wd_${this.seq.toString().padStart(8, "0")}_${randomBytes(4).toString("hex")}`;
    const now = this.now().toISOString();
    const failed = this.failAddresses.has(address);
    const pending = !failed && this.pendingAddresses.has(address);
    const w: CryptoWithdrawal = {
      id,
      status: failed ? "failed" : pending ? "pending" : "confirmed",
      tx_hash: failed || pending ? null : txHashOf(chain, id),
      chain,
      asset,
      address,
      amount,
      reference,
      created_at: now,
      confirmed_at: failed || pending ? null : now,
      failure_reason: failed ? "destination address blocked by the provider's screening" : null,
    };
    this.withdrawals.set(id, w);
    this.createdPerReference.set(reference, (this.createdPerReference.get(reference) ?? 0) + 1);
    return [201, w];
  }

  private control(method: string, path: string, raw: string): unknown {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (method === "GET" && path === "/__standin/state")
      return {
        withdrawals: this.list(),
        createdPerReference: Object.fromEntries(this.createdPerReference),
      };
    if (method === "POST" && path === "/__standin/keys")
      return { apiKey: this.addApiKey(body.apiKey as string) };
    if (method === "POST" && path === "/__standin/fail-address") {
      this.failAddresses.add(String(body.address));
      return { ok: true };
    }
    const confirm = /^\/__standin\/withdrawals\/([^/]+)\/confirm$/.exec(path);
    if (method === "POST" && confirm) return this.confirm(decodeURIComponent(confirm[1]!));
    throw new Error(`no control route ${method} ${path}`);
  }
}

/** A transaction hash as the chain writes it (0x-prefixed on EVM chains). */
function txHashOf(chain: string, id: string): string {
  const hex = createHash("sha256").update(`${chain}:${id}`).digest("hex");
  return chain === "ethereum" || chain === "polygon" ? `0x${hex}` : hex;
}
