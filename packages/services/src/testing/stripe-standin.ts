import { createHash, createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redeliveries, webhookTaken } from "./redeliveries";

/**
 * A small local stand-in for the parts of Stripe's API that PropDesk calls, speaking Stripe's wire
 * format (form-encoded requests with bracket nesting, JSON objects and errors, idempotency keys,
 * `expand[]`) so the official SDK talks to it unchanged (`new Stripe(key, { host, port, protocol })`).
 * It also serves a minimal hosted checkout page, and it delivers events to registered webhook
 * endpoints signed exactly like Stripe (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`).
 *
 * Used by the integration and browser tests, and by the offline demo (`npm start`). Other areas add
 * endpoints with `route()` (e.g. Connect transfers and payouts) on the same server.
 *
 * Test controls, besides the Stripe endpoints: `pay()`, `settleAsync()`, `refundFromDashboard()`,
 * `openDispute()`, `closeDispute()`, `expireSession()`, `redeliver()`; the same over HTTP under
 * `/__standin/…` for browser tests, whose server runs in another process.
 */

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Event types delivered; ["*"] for all. */
  enabledEvents: string[];
}

export interface StandInAccount {
  id: string;
  secretKey: string;
  name: string;
  country: string;
  defaultCurrency: string;
  endpoints: WebhookEndpoint[];
}

export interface StandInRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Decoded form body (bracket nesting turned into objects and arrays). */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** The account whose secret key authenticated the request (null on public and control routes). */
  account: StandInAccount | null;
}

export interface StandInResponse {
  status?: number;
  body?: unknown;
  html?: string;
  redirect?: string;
}

export type StandInHandler = (
  req: StandInRequest,
  standIn: StripeStandIn,
) => StandInResponse | Promise<StandInResponse>;

export interface WebhookDeliveryRecord {
  eventId: string;
  type: string;
  endpointId: string;
  url: string;
  status: number | null;
  responseBody: string;
  error?: string;
  at: number;
}

export interface CardDetails {
  number: string;
  brand?: string;
  country?: string;
}

/** Test cards with Stripe's documented behaviour. */
export const standInCards = {
  visa: "4242424242424242",
  visaDebit: "4000056655665556",
  mastercard: "5555555555554444",
  declined: "4000000000000002",
} as const;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: StandInHandler;
  auth: boolean;
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let s = "";
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `${prefix}_${s}`;
}

/** Decodes `a[b][0][c]=x` form bodies the way Stripe does. */
export function decodeStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i]!;
      const last = i === parts.length - 1;
      const isIndex = key === "" || /^\d+$/.test(key);
      const container = node as Record<string, unknown> & unknown[];
      const k: string | number = Array.isArray(node) ? (key === "" ? node.length : Number(key)) : key;
      if (last) {
        (container as Record<string | number, unknown>)[k] = value;
      } else {
        const nextIsIndex = parts[i + 1] === "" || /^\d+$/.test(parts[i + 1]!);
        let child = (container as Record<string | number, unknown>)[k];
        if (child === undefined) {
          child = nextIsIndex ? [] : {};
          (container as Record<string | number, unknown>)[k] = child;
        }
        node = child as Record<string, unknown>;
      }
      void isIndex;
    }
  }
  return root;
}

function stripeError(status: number, message: string, extra: Record<string, unknown> = {}): StandInResponse {
  return {
    status,
    body: {
      error: {
        type: status === 401 ? "invalid_request_error" : (extra.type ?? "invalid_request_error"),
        message,
        ...extra,
      },
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function formatAmount(amount: number, currency: string): string {
  const zeroDecimal = ["jpy", "krw", "vnd", "clp", "isk", "huf"].includes(currency.toLowerCase());
  const value = zeroDecimal ? amount : amount / 100;
  return `${value.toLocaleString("en-US", { minimumFractionDigits: zeroDecimal ? 0 : 2 })} ${currency.toUpperCase()}`;
}

export class StripeStandIn {
  readonly accounts = new Map<string, StandInAccount>();
  readonly objects = new Map<string, StripeObject>();
  readonly events: StripeObject[] = [];
  readonly deliveries: WebhookDeliveryRecord[] = [];
  /** Request log (method and path), for tests that check what PropDesk called. */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  /** When false, events are queued in `pending` until `flush()` (to reorder or drop deliveries). */
  autoDeliver = true;
  readonly pending: Array<{ event: StripeObject; account: StandInAccount }> = [];
  /** The clock (seconds) used for `created` fields and signatures. */
  now: () => number = () => Math.floor(Date.now() / 1000);
  /**
   * Like Stripe, a delivery that fails (no 2xx answer) is sent again after each of these delays, to
   * that endpoint only. Stripe waits hours; the demo and browser tests use seconds. Integration
   * tests, which deliver and redeliver themselves, leave it empty.
   */
  retryDelaysMs: number[] = [];
  /** Told of each failed delivery (the demo's stand-in process logs them). */
  onDeliveryFailed: ((record: WebhookDeliveryRecord, attempt: number) => void) | undefined;

  private readonly routes: Route[] = [];
  private readonly idempotency = new Map<string, { hash: string; status: number; body: unknown }>();
  private server: http.Server | undefined;
  private deliveryChain: Promise<void> = Promise.resolve();
  private readonly redeliveries = new Redeliveries();
  port = 0;

  constructor() {
    this.registerStripeRoutes();
    this.registerControlRoutes();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What to pass to the SDK: `new Stripe(key, { ...standIn.sdkOptions })`. */
  get sdkOptions() {
    return { host: "127.0.0.1", port: this.port, protocol: "http" as const };
  }

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.redeliveries.cancelAll();
    await this.deliveryChain.catch(() => {});
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  addAccount(opts: {
    secretKey: string;
    id?: string;
    name?: string;
    country?: string;
    defaultCurrency?: string;
  }): StandInAccount {
    const account: StandInAccount = {
      id: opts.id ?? randomId("acct", 16),
      secretKey: opts.secretKey,
      name: opts.name ?? "Test firm",
      country: opts.country ?? "US",
      defaultCurrency: opts.defaultCurrency ?? "usd",
      endpoints: [],
    };
    this.accounts.set(opts.secretKey, account);
    return account;
  }

  addWebhookEndpoint(
    account: StandInAccount,
    opts: { url: string; secret?: string; enabledEvents?: string[] },
  ): WebhookEndpoint {
    const endpoint: WebhookEndpoint = {
      id: randomId("we", 16),
      url: opts.url,
      secret: opts.secret ?? randomId("whsec", 32),
      enabledEvents: opts.enabledEvents ?? ["*"],
    };
    account.endpoints.push(endpoint);
    return endpoint;
  }

  /** Adds an endpoint; paths like "/v1/transfers/:id". Authenticated routes see `req.account`. */
  route(method: string, path: string, handler: StandInHandler, opts: { auth?: boolean } = {}): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\//g, "\\/").replace(/:(\w+)/g, (_m, k: string) => {
        keys.push(k);
        return "([^/]+)";
      })}$`,
    );
    // Later registrations win, so an area can override a default endpoint.
    this.routes.unshift({
      method: method.toUpperCase(),
      pattern,
      keys,
      handler,
      auth: opts.auth ?? path.startsWith("/v1/"),
    });
  }

  newId(prefix: string): string {
    return randomId(prefix);
  }

  get<T extends StripeObject = StripeObject>(id: string): T | undefined {
    return this.objects.get(id) as T | undefined;
  }

  put<T extends StripeObject>(obj: T): T {
    this.objects.set(obj.id, obj);
    return obj;
  }

  list(object: string, filter: (o: StripeObject) => boolean = () => true): StripeObject[] {
    return [...this.objects.values()].filter((o) => o.object === object && filter(o));
  }

  accountOf(obj: StripeObject): StandInAccount {
    const key = obj._account as string | undefined;
    const a = key ? [...this.accounts.values()].find((x) => x.id === key) : undefined;
    if (!a) throw new Error(`stand-in: ${obj.id} has no account`);
    return a;
  }

  // --- events ---------------------------------------------------------------------------------

  /** Creates an event for `object` as it is now and delivers (or queues) it. */
  emit(account: StandInAccount, type: string, object: StripeObject, previous?: Record<string, unknown>) {
    const event: StripeObject = {
      id: randomId("evt"),
      object: "event",
      api_version: "2026-10-28.endive",
      created: this.now(),
      data: { object: this.publicView(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: account.endpoints.length,
      request: { id: randomId("req", 14), idempotency_key: null },
      type,
      _account: account.id,
    };
    this.events.push(event);
    if (this.autoDeliver) this.enqueueDelivery(event, account);
    else this.pending.push({ event, account });
    return event;
  }

  private enqueueDelivery(event: StripeObject, account: StandInAccount, opts: { timestamp?: number } = {}) {
    this.deliveryChain = this.deliveryChain
      .then(async () => {
        for (const endpoint of this.endpointsFor(event, account))
          this.retryIfFailed(event, endpoint, await this.deliverTo(event, endpoint, opts), 0);
      })
      .catch(() => {});
  }

  private retryIfFailed(
    event: StripeObject,
    endpoint: WebhookEndpoint,
    record: WebhookDeliveryRecord,
    attempt: number,
  ) {
    if (webhookTaken(record.status)) return;
    this.onDeliveryFailed?.(record, attempt + 1);
    this.redeliveries.schedule(this.retryDelaysMs, attempt, () => {
      this.deliveryChain = this.deliveryChain
        .then(async () =>
          this.retryIfFailed(event, endpoint, await this.deliverTo(event, endpoint), attempt + 1),
        )
        .catch(() => {});
    });
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    await this.deliveryChain;
  }

  /** Delivers queued events (all, or those picked) in the order given. */
  async flush(pick?: (queued: StripeObject[]) => StripeObject[]): Promise<void> {
    const queued = this.pending.splice(0);
    const order = pick ? pick(queued.map((q) => q.event)) : queued.map((q) => q.event);
    for (const event of order) {
      const q = queued.find((x) => x.event.id === event.id);
      if (q) await this.deliver(q.event, q.account);
    }
  }

  /** Sends an event again, exactly as Stripe retries (same id, new signature timestamp). */
  async redeliver(eventId: string, opts: { timestamp?: number } = {}): Promise<WebhookDeliveryRecord[]> {
    const event = this.events.find((e) => e.id === eventId);
    if (!event) throw new Error(`stand-in: no event ${eventId}`);
    return this.deliver(event, this.accountOf(event), opts);
  }

  /** The exact bytes and signature header Stripe would send for an event to an endpoint. */
  signedPayload(event: StripeObject, endpoint: WebhookEndpoint, timestamp = this.now()) {
    const { _account, ...publicEvent } = event;
    void _account;
    const payload = JSON.stringify(publicEvent, null, 2);
    const signature = createHmac("sha256", endpoint.secret).update(`${timestamp}.${payload}`).digest("hex");
    return { payload, header: `t=${timestamp},v1=${signature}` };
  }

  async deliver(
    event: StripeObject,
    account: StandInAccount,
    opts: { timestamp?: number } = {},
  ): Promise<WebhookDeliveryRecord[]> {
    const out: WebhookDeliveryRecord[] = [];
    for (const endpoint of this.endpointsFor(event, account))
      out.push(await this.deliverTo(event, endpoint, opts));
    return out;
  }

  private endpointsFor(event: StripeObject, account: StandInAccount): WebhookEndpoint[] {
    return account.endpoints.filter(
      (e) => e.enabledEvents.includes("*") || e.enabledEvents.includes(event.type as string),
    );
  }

  private async deliverTo(
    event: StripeObject,
    endpoint: WebhookEndpoint,
    opts: { timestamp?: number } = {},
  ): Promise<WebhookDeliveryRecord> {
    const { payload, header } = this.signedPayload(event, endpoint, opts.timestamp);
    const record: WebhookDeliveryRecord = {
      eventId: event.id,
      type: event.type as string,
      endpointId: endpoint.id,
      url: endpoint.url,
      status: null,
      responseBody: "",
      at: Date.now(),
    };
    try {
      const r = await postJson(endpoint.url, payload, { "Stripe-Signature": header });
      record.status = r.status;
      record.responseBody = r.body.slice(0, 2000);
    } catch (e) {
      record.error = (e as Error).message;
    }
    this.deliveries.push(record);
    return record;
  }

  // --- the customer's side and the dashboard (test controls) ----------------------------------

  /**
   * The customer pays a checkout session. A declined card leaves the session open; `async` is a
   * bank debit: the session completes unpaid and `settleAsync` decides later.
   */
  pay(sessionId: string, opts: { card?: CardDetails; async?: boolean } = {}): StripeObject {
    const session = this.get(sessionId);
    if (!session || session.object !== "checkout.session")
      throw new Error(`stand-in: no session ${sessionId}`);
    if (session.status !== "open") throw new Error(`stand-in: session ${sessionId} is ${session.status}`);
    const account = this.accountOf(session);
    const card = opts.card ?? { number: standInCards.visa };
    if (!opts.async && card.number === standInCards.declined) {
      throw new StandInDecline("Your card was declined.");
    }
    const amount = session.amount_total as number;
    const currency = session.currency as string;
    const pid = session._payment_intent_data as { metadata?: Record<string, string>; description?: string };
    const pi = this.put({
      id: randomId("pi"),
      object: "payment_intent",
      amount,
      amount_received: opts.async ? 0 : amount,
      currency,
      created: this.now(),
      description: pid?.description ?? null,
      latest_charge: null as string | null,
      livemode: false,
      metadata: { ...(pid?.metadata ?? {}) },
      payment_method_types: [opts.async ? "sepa_debit" : "card"],
      status: opts.async ? "processing" : "succeeded",
      _account: account.id,
    });
    const charge = this.createCharge(account, pi, card, { async: opts.async === true });
    pi.latest_charge = charge.id;
    session.status = "complete";
    session.payment_status = opts.async ? "unpaid" : "paid";
    session.payment_intent = pi.id;
    session.customer_details = { email: session.customer_email ?? null, name: null };
    this.emit(account, "checkout.session.completed", session);
    if (!opts.async) {
      this.emit(account, "payment_intent.succeeded", pi);
      this.emit(account, "charge.succeeded", charge);
    }
    return session;
  }

  private createCharge(
    account: StandInAccount,
    pi: StripeObject,
    card: CardDetails,
    opts: { async: boolean },
  ) {
    const amount = pi.amount as number;
    const fee = Math.round(amount * 0.029) + 30;
    const txn = this.put({
      id: randomId("txn"),
      object: "balance_transaction",
      amount,
      currency: pi.currency,
      fee,
      net: amount - fee,
      reporting_category: "charge",
      source: null as string | null,
      status: "pending",
      type: "charge",
      created: this.now(),
      _account: account.id,
    });
    const brand = card.brand ?? (card.number.startsWith("5") ? "mastercard" : "visa");
    const fingerprint = createHash("sha256")
      .update(`${account.id}:${card.number}`)
      .digest("base64url")
      .slice(0, 16);
    const charge = this.put({
      id: randomId("ch"),
      object: "charge",
      amount,
      amount_captured: opts.async ? 0 : amount,
      amount_refunded: 0,
      balance_transaction: opts.async ? null : txn.id,
      captured: !opts.async,
      created: this.now(),
      currency: pi.currency,
      disputed: false,
      livemode: false,
      metadata: { ...(pi.metadata as Record<string, string>) },
      paid: !opts.async,
      payment_intent: pi.id,
      payment_method_details: opts.async
        ? { type: "sepa_debit", sepa_debit: { fingerprint, last4: card.number.slice(-4), country: "DE" } }
        : {
            type: "card",
            card: {
              brand,
              country: card.country ?? "US",
              exp_month: 12,
              exp_year: 2030,
              fingerprint,
              funding: "credit",
              last4: card.number.slice(-4),
            },
          },
      refunded: false,
      status: opts.async ? "pending" : "succeeded",
      _account: account.id,
    });
    txn.source = charge.id;
    return charge;
  }

  /** Settles an async (bank debit) payment: succeeded or failed. */
  settleAsync(sessionId: string, outcome: "succeeded" | "failed"): void {
    const session = this.get(sessionId)!;
    const account = this.accountOf(session);
    const pi = this.get(session.payment_intent as string)!;
    const charge = this.get(pi.latest_charge as string)!;
    if (outcome === "succeeded") {
      pi.status = "succeeded";
      pi.amount_received = pi.amount;
      charge.status = "succeeded";
      charge.paid = true;
      charge.captured = true;
      charge.amount_captured = charge.amount;
      const txn = this.list("balance_transaction", (t) => t.source === charge.id)[0];
      if (txn) charge.balance_transaction = txn.id;
      session.payment_status = "paid";
      this.emit(account, "checkout.session.async_payment_succeeded", session);
    } else {
      pi.status = "requires_payment_method";
      pi.last_payment_error = { message: "The bank declined the debit." };
      charge.status = "failed";
      charge.failure_message = "The bank declined the debit.";
      this.emit(account, "checkout.session.async_payment_failed", session);
    }
  }

  /** A refund made in the Stripe dashboard (not through the API by PropDesk). */
  refundFromDashboard(chargeId: string, amount?: number): StripeObject {
    const charge = this.get(chargeId);
    if (!charge) throw new Error(`stand-in: no charge ${chargeId}`);
    return this.createRefund(this.accountOf(charge), charge, amount, {});
  }

  createRefund(
    account: StandInAccount,
    charge: StripeObject,
    amount: number | undefined,
    opts: { metadata?: Record<string, string>; reason?: string },
  ): StripeObject {
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    const value = amount ?? remaining;
    if (value <= 0 || value > remaining)
      throw new StandInError(
        400,
        `Refund amount (${value}) is greater than unrefunded amount on charge (${remaining})`,
        "amount_too_large",
      );
    if (charge.disputed && this.list("dispute", (d) => d.charge === charge.id && d.status !== "won").length)
      throw new StandInError(
        400,
        `Charge ${charge.id} has been charged back; cannot issue a refund.`,
        "charge_disputed",
      );
    const refund = this.put({
      id: randomId("re"),
      object: "refund",
      amount: value,
      balance_transaction: null,
      charge: charge.id,
      created: this.now(),
      currency: charge.currency,
      metadata: { ...(opts.metadata ?? {}) },
      payment_intent: charge.payment_intent,
      reason: opts.reason ?? null,
      status: "succeeded",
      _account: account.id,
    });
    charge.amount_refunded = (charge.amount_refunded as number) + value;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.emit(account, "refund.created", refund);
    this.emit(account, "charge.refunded", charge, {
      amount_refunded: (charge.amount_refunded as number) - value,
    });
    return refund;
  }

  /** The cardholder's bank opens a dispute (chargeback) on a charge; the funds are withdrawn. */
  openDispute(chargeId: string, reason = "fraudulent"): StripeObject {
    const charge = this.get(chargeId);
    if (!charge) throw new Error(`stand-in: no charge ${chargeId}`);
    const account = this.accountOf(charge);
    const dispute = this.put({
      id: randomId("dp"),
      object: "dispute",
      amount: (charge.amount as number) - (charge.amount_refunded as number),
      charge: charge.id,
      created: this.now(),
      currency: charge.currency,
      evidence_details: { due_by: this.now() + 7 * 86400, has_evidence: false, past_due: false },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason,
      status: "needs_response",
      _account: account.id,
    });
    charge.disputed = true;
    this.emit(account, "charge.dispute.created", dispute);
    return dispute;
  }

  /** The bank decides a dispute. */
  closeDispute(disputeId: string, outcome: "won" | "lost"): StripeObject {
    const dispute = this.get(disputeId);
    if (!dispute) throw new Error(`stand-in: no dispute ${disputeId}`);
    const previous = { status: dispute.status };
    dispute.status = outcome;
    this.emit(this.accountOf(dispute), "charge.dispute.closed", dispute, previous);
    return dispute;
  }

  /** The session's 24 hours (or its expires_at) run out. */
  expireSession(sessionId: string): StripeObject {
    const session = this.get(sessionId)!;
    if (session.status !== "open") throw new StandInError(400, `Session ${sessionId} is not open.`);
    session.status = "expired";
    this.emit(this.accountOf(session), "checkout.session.expired", session);
    return session;
  }

  // --- HTTP -----------------------------------------------------------------------------------

  private publicView(o: StripeObject): StripeObject {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (!k.startsWith("_")) out[k] = v;
    return structuredClone(out) as StripeObject;
  }

  /** An object as the API returns it, with `expand[]` paths replaced by the objects they name. */
  view(o: StripeObject, expand: string[] = []): StripeObject {
    const out = this.publicView(o) as Record<string, unknown>;
    for (const path of expand) {
      const [head, ...rest] = path.split(".");
      const id = out[head!];
      if (typeof id !== "string") continue;
      const child = this.get(id);
      if (child) out[head!] = this.view(child, rest.length ? [rest.join(".")] : []);
    }
    return out as StripeObject;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    let response: StandInResponse;
    try {
      response = await this.dispatch(method, url, raw, req.headers);
    } catch (e) {
      if (e instanceof StandInError)
        response = stripeError(e.status, e.message, e.code ? { code: e.code } : {});
      else response = stripeError(500, (e as Error).message, { type: "api_error" });
    }
    if (response.redirect) {
      res.writeHead(303, { location: response.redirect });
      res.end();
      return;
    }
    if (response.html !== undefined) {
      res.writeHead(response.status ?? 200, { "content-type": "text/html; charset=utf-8" });
      res.end(response.html);
      return;
    }
    res.writeHead(response.status ?? 200, {
      "content-type": "application/json",
      "request-id": randomId("req", 14),
      "stripe-version": "2026-10-28.endive",
    });
    res.end(JSON.stringify(response.body ?? {}));
  }

  private async dispatch(
    method: string,
    url: URL,
    raw: string,
    headers: http.IncomingHttpHeaders,
  ): Promise<StandInResponse> {
    const contentType = String(headers["content-type"] ?? "");
    const body: Record<string, unknown> = contentType.includes("application/json")
      ? raw
        ? (JSON.parse(raw) as Record<string, unknown>)
        : {}
      : decodeStripeForm(method === "GET" ? url.search.slice(1) : raw);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]!);
      });
      let account: StandInAccount | null = null;
      if (route.auth) {
        const auth = String(headers.authorization ?? "");
        const key = auth.startsWith("Bearer ") ? auth.slice(7) : "";
        account = this.accounts.get(key) ?? null;
        if (!account)
          return stripeError(
            401,
            `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
          );
      }
      const idem = headers["idempotency-key"] as string | undefined;
      this.requests.push({ method, path: url.pathname, ...(idem ? { idempotencyKey: idem } : {}) });
      const request: StandInRequest = {
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        body,
        headers,
        account,
      };
      if (method === "POST" && idem && account) {
        const key = `${account.id}:${idem}`;
        const hash = createHash("sha256").update(`${url.pathname}\n${raw}`).digest("hex");
        const seen = this.idempotency.get(key);
        if (seen) {
          if (seen.hash !== hash)
            return stripeError(
              400,
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idem}' if you meant to execute a different request.`,
              { type: "idempotency_error" },
            );
          return { status: seen.status, body: seen.body };
        }
        const r = await route.handler(request, this);
        this.idempotency.set(key, { hash, status: r.status ?? 200, body: r.body });
        return r;
      }
      return route.handler(request, this);
    }
    return stripeError(404, `Unrecognized request URL (${method}: ${url.pathname}).`);
  }

  private registerStripeRoutes() {
    const expandOf = (req: StandInRequest) => {
      const e = req.body.expand;
      return Array.isArray(e) ? (e as string[]) : [];
    };
    const own = (req: StandInRequest, id: string, object: string) => {
      const o = this.get(id);
      if (!o || o.object !== object || o._account !== req.account!.id)
        throw new StandInError(404, `No such ${object.replace(/_/g, " ")}: '${id}'`, "resource_missing");
      return o;
    };
    const listOf = (req: StandInRequest, object: string, filter: (o: StripeObject) => boolean) => {
      const data = this.list(object, (o) => o._account === req.account!.id && filter(o))
        .sort((a, b) => (b.created as number) - (a.created as number))
        .map((o) => this.view(o));
      return { body: { object: "list", data, has_more: false, url: req.path } };
    };

    this.route("GET", "/v1/account", (req) => ({
      body: {
        id: req.account!.id,
        object: "account",
        business_profile: { name: req.account!.name },
        charges_enabled: true,
        country: req.account!.country,
        default_currency: req.account!.defaultCurrency,
        details_submitted: true,
        email: null,
        payouts_enabled: true,
        type: "standard",
      },
    }));

    this.route("POST", "/v1/webhook_endpoints", (req) => {
      const events = req.body.enabled_events;
      const endpoint = this.addWebhookEndpoint(req.account!, {
        url: String(req.body.url),
        enabledEvents: Array.isArray(events) ? (events as string[]) : ["*"],
      });
      return {
        body: {
          id: endpoint.id,
          object: "webhook_endpoint",
          url: endpoint.url,
          enabled_events: endpoint.enabledEvents,
          secret: endpoint.secret,
          status: "enabled",
        },
      };
    });

    this.route("POST", "/v1/checkout/sessions", (req) => {
      const b = req.body;
      if (b.mode !== "payment")
        throw new StandInError(400, "Only mode=payment is supported here.", undefined, "mode");
      const items = (b.line_items as Array<Record<string, unknown>> | undefined) ?? [];
      if (items.length === 0)
        throw new StandInError(400, "line_items: at least one item is required.", undefined, "line_items");
      let total = 0;
      let currency = "";
      const lineItems = items.map((item, i) => {
        const pd = item.price_data as Record<string, unknown> | undefined;
        if (!pd) throw new StandInError(400, `line_items[${i}][price_data] is required here.`);
        const unit = Number(pd.unit_amount);
        const qty = Number(item.quantity ?? 1);
        if (!Number.isInteger(unit) || unit < 0)
          throw new StandInError(
            400,
            `Invalid integer: ${String(pd.unit_amount)}`,
            undefined,
            `line_items[${i}][price_data][unit_amount]`,
          );
        if (currency && currency !== pd.currency)
          throw new StandInError(400, "All line items must use the same currency.");
        currency = String(pd.currency).toLowerCase();
        total += unit * qty;
        const product = pd.product_data as Record<string, unknown> | undefined;
        return {
          id: randomId("li"),
          object: "item",
          amount_total: unit * qty,
          currency,
          description: String(product?.name ?? ""),
          quantity: qty,
        };
      });
      if (!b.success_url)
        throw new StandInError(
          400,
          "Missing required param: success_url.",
          "parameter_missing",
          "success_url",
        );
      const created = this.now();
      const expiresAt = b.expires_at ? Number(b.expires_at) : created + 24 * 3600;
      if (expiresAt < created + 30 * 60 - 5 || expiresAt > created + 24 * 3600 + 5)
        throw new StandInError(
          400,
          "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
          undefined,
          "expires_at",
        );
      const id = randomId("cs_test", 58);
      const session = this.put({
        id,
        object: "checkout.session",
        amount_subtotal: total,
        amount_total: total,
        cancel_url: (b.cancel_url as string | undefined) ?? null,
        client_reference_id: (b.client_reference_id as string | undefined) ?? null,
        created,
        currency,
        customer_details: null,
        customer_email: (b.customer_email as string | undefined) ?? null,
        expires_at: expiresAt,
        livemode: false,
        metadata: (b.metadata as Record<string, string> | undefined) ?? {},
        mode: "payment",
        payment_intent: null as string | null,
        payment_status: "unpaid",
        status: "open",
        success_url: b.success_url as string,
        url: `${this.url}/c/pay/${id}`,
        _account: req.account!.id,
        _line_items: lineItems,
        _payment_intent_data: b.payment_intent_data ?? {},
      });
      return { body: this.view(session, expandOf(req)) };
    });

    this.route("GET", "/v1/checkout/sessions/:id", (req) => ({
      body: this.view(own(req, req.params.id!, "checkout.session"), expandOf(req)),
    }));
    this.route("GET", "/v1/checkout/sessions/:id/line_items", (req) => {
      const s = own(req, req.params.id!, "checkout.session");
      return { body: { object: "list", data: s._line_items, has_more: false, url: req.path } };
    });
    this.route("POST", "/v1/checkout/sessions/:id/expire", (req) => {
      own(req, req.params.id!, "checkout.session");
      return { body: this.view(this.expireSession(req.params.id!)) };
    });
    this.route("GET", "/v1/payment_intents/:id", (req) => ({
      body: this.view(own(req, req.params.id!, "payment_intent"), expandOf(req)),
    }));
    this.route("GET", "/v1/charges/:id", (req) => ({
      body: this.view(own(req, req.params.id!, "charge"), expandOf(req)),
    }));
    this.route("GET", "/v1/balance_transactions/:id", (req) => ({
      body: this.view(own(req, req.params.id!, "balance_transaction")),
    }));
    this.route("GET", "/v1/refunds/:id", (req) => ({ body: this.view(own(req, req.params.id!, "refund")) }));
    this.route("GET", "/v1/refunds", (req) => {
      const pi = req.query.get("payment_intent");
      const ch = req.query.get("charge");
      return listOf(req, "refund", (r) => (!pi || r.payment_intent === pi) && (!ch || r.charge === ch));
    });
    this.route("POST", "/v1/refunds", (req) => {
      const b = req.body;
      let charge: StripeObject | undefined;
      if (b.charge) charge = own(req, String(b.charge), "charge");
      else if (b.payment_intent) {
        const pi = own(req, String(b.payment_intent), "payment_intent");
        charge = pi.latest_charge ? this.get(pi.latest_charge as string) : undefined;
      }
      if (!charge)
        throw new StandInError(400, "One of `charge` or `payment_intent` is required.", "parameter_missing");
      if (charge.status !== "succeeded")
        throw new StandInError(400, `Charge ${charge.id} has not succeeded; it cannot be refunded.`);
      const refund = this.createRefund(
        req.account!,
        charge,
        b.amount === undefined ? undefined : Number(b.amount),
        {
          metadata: b.metadata as Record<string, string> | undefined,
          reason: b.reason as string | undefined,
        },
      );
      return { body: this.view(refund) };
    });
    this.route("GET", "/v1/disputes/:id", (req) => ({
      body: this.view(own(req, req.params.id!, "dispute")),
    }));
    this.route("GET", "/v1/disputes", (req) => {
      const pi = req.query.get("payment_intent");
      const ch = req.query.get("charge");
      return listOf(req, "dispute", (d) => (!pi || d.payment_intent === pi) && (!ch || d.charge === ch));
    });
  }

  private registerControlRoutes() {
    // The hosted checkout page a trader is sent to.
    this.route("GET", "/c/pay/:id", (req) => this.checkoutPage(req.params.id!));
    this.route("POST", "/c/pay/:id", (req) => {
      const id = req.params.id!;
      const method = String(req.body.method ?? "card");
      try {
        const session = this.pay(id, {
          async: method === "sepa_debit",
          card: { number: String(req.body.card ?? standInCards.visa).replace(/\s+/g, "") },
        });
        return { redirect: String(session.success_url).replace("{CHECKOUT_SESSION_ID}", id) };
      } catch (e) {
        if (e instanceof StandInDecline) return this.checkoutPage(id, e.message);
        throw e;
      }
    });
    this.route("POST", "/c/pay/:id/cancel", (req) => {
      const session = this.get(req.params.id!);
      return { redirect: String(session?.cancel_url ?? session?.success_url ?? "/") };
    });

    const json = (body: unknown): StandInResponse => ({ body });
    this.route("GET", "/__standin/state", () =>
      json({
        sessions: this.list("checkout.session").map((o) => this.publicView(o)),
        paymentIntents: this.list("payment_intent").map((o) => this.publicView(o)),
        charges: this.list("charge").map((o) => this.publicView(o)),
        refunds: this.list("refund").map((o) => this.publicView(o)),
        disputes: this.list("dispute").map((o) => this.publicView(o)),
      }),
    );
    this.route("GET", "/__standin/events", () =>
      json({ events: this.events.map((e) => this.publicView(e)), deliveries: this.deliveries }),
    );
    this.route("POST", "/__standin/sessions/:id/pay", async (req) => {
      const s = this.pay(req.params.id!, {
        async: req.body.method === "sepa_debit",
        card: { number: String(req.body.card ?? standInCards.visa) },
      });
      await this.idle();
      return json(this.publicView(s));
    });
    this.route("POST", "/__standin/sessions/:id/settle", async (req) => {
      this.settleAsync(req.params.id!, req.body.outcome === "failed" ? "failed" : "succeeded");
      await this.idle();
      return json({ ok: true });
    });
    this.route("POST", "/__standin/charges/:id/refund", async (req) => {
      const r = this.refundFromDashboard(
        req.params.id!,
        req.body.amount ? Number(req.body.amount) : undefined,
      );
      await this.idle();
      return json(this.publicView(r));
    });
    this.route("POST", "/__standin/charges/:id/dispute", async (req) => {
      const d = this.openDispute(req.params.id!, req.body.reason ? String(req.body.reason) : undefined);
      await this.idle();
      return json(this.publicView(d));
    });
    this.route("POST", "/__standin/disputes/:id/close", async (req) => {
      const d = this.closeDispute(req.params.id!, req.body.outcome === "won" ? "won" : "lost");
      await this.idle();
      return json(this.publicView(d));
    });
    this.route("POST", "/__standin/events/:id/redeliver", async (req) => {
      const ts = req.body.timestamp ? Number(req.body.timestamp) : undefined;
      return json(await this.redeliver(req.params.id!, ts === undefined ? {} : { timestamp: ts }));
    });
  }

  private checkoutPage(id: string, error?: string): StandInResponse {
    const s = this.get(id);
    if (!s || s.object !== "checkout.session")
      return {
        status: 404,
        html: "<!doctype html><title>Not found</title><p>This checkout link is not valid.</p>",
      };
    const account = this.accountOf(s);
    const items = s._line_items as Array<{ description: string; amount_total: number; currency: string }>;
    if (s.status !== "open") {
      return {
        html: page(
          account.name,
          `<h1>This checkout is ${escapeHtml(String(s.status))}</h1><p><a href="${escapeHtml(String(s.success_url).replace("{CHECKOUT_SESSION_ID}", id))}">Return to ${escapeHtml(account.name)}</a></p>`,
        ),
      };
    }
    const rows = items
      .map(
        (i) =>
          `<tr><td>${escapeHtml(i.description)}</td><td class="num">${escapeHtml(formatAmount(i.amount_total, i.currency))}</td></tr>`,
      )
      .join("");
    return {
      status: error ? 402 : 200,
      html: page(
        account.name,
        `<p class="muted">Test mode · Stripe stand-in</p>
<h1>Pay ${escapeHtml(account.name)}</h1>
<table>${rows}<tr class="total"><td>Total due</td><td class="num" data-testid="total">${escapeHtml(formatAmount(s.amount_total as number, s.currency as string))}</td></tr></table>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/c/pay/${escapeHtml(id)}">
  <label>E-mail <input name="email" value="${escapeHtml(String(s.customer_email ?? ""))}" readonly></label>
  <fieldset><legend>Payment method</legend>
    <label><input type="radio" name="method" value="card" checked> Card</label>
    <label><input type="radio" name="method" value="sepa_debit"> SEPA bank debit (settles later)</label>
  </fieldset>
  <label>Card number <input name="card" value="${standInCards.visa}" inputmode="numeric" autocomplete="off"></label>
  <p class="muted">4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.</p>
  <button type="submit">Pay ${escapeHtml(formatAmount(s.amount_total as number, s.currency as string))}</button>
</form>
<form method="post" action="/c/pay/${escapeHtml(id)}/cancel"><button type="submit" class="link">Cancel and return</button></form>`,
      ),
    };
  }
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay ${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #e3e8ee;border-radius:12px;padding:2rem;width:min(28rem,92vw)}
table{width:100%;border-collapse:collapse;margin:1rem 0}td{padding:.4rem 0;border-bottom:1px solid #eee}.num{text-align:right}
.total td{font-weight:700}label{display:block;margin:.6rem 0}input[name=card],input[name=email]{display:block;width:100%;padding:.5rem;box-sizing:border-box}
button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:.7rem 1rem;width:100%;font-size:1rem;margin-top:.5rem;cursor:pointer}
button.link{background:none;color:#635bff;width:auto}.muted{color:#697386;font-size:.85rem}.error{color:#c0123c}fieldset{border:1px solid #e3e8ee;border-radius:6px}</style>
</head><body><main>${body}</main></body></html>`;
}

export class StandInError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

class StandInDecline extends Error {}

/**
 * POSTs a JSON body. Hosts under `.localhost` are sent to 127.0.0.1 with the original Host header,
 * as a browser would resolve them (Node's resolver does not know `*.localhost`).
 */
export function postJson(
  target: string,
  payload: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const url = new URL(target);
  const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: local ? "127.0.0.1" : url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: {
          host: url.host,
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(payload),
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          ...headers,
        },
        timeout: 10_000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}
