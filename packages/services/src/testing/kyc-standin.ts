import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redeliveries, webhookTaken } from "./redeliveries";
import { postJson } from "./stripe-standin";

/**
 * A local stand-in for a Sumsub-style KYC vendor: applicants, hosted verification links, and
 * review callbacks signed like the vendor's (`X-Payload-Digest: hex(HMAC-SHA256(webhook secret,
 * raw body))`). Requests must carry a valid app token and `X-App-Access-Sig`, as the vendor checks.
 *
 * The hosted page lets a person "submit documents"; the review is then decided automatically
 * (`autoReview`) or by the test (`review()`, or `POST /__standin/applicants/:id/review`).
 */

export interface KycStandInAccount {
  appToken: string;
  secretKey: string;
  webhookSecret: string;
  webhookUrl: string | null;
  levels: string[];
  name: string;
}

export interface StandInApplicant {
  id: string;
  inspectionId: string;
  externalUserId: string;
  email: string;
  levelName: string;
  appToken: string;
  info: { firstName?: string; lastName?: string; dob?: string; country?: string };
  review: {
    reviewStatus: "init" | "pending" | "completed";
    reviewResult?: {
      reviewAnswer: "GREEN" | "RED";
      rejectLabels?: string[];
      reviewRejectType?: "FINAL" | "RETRY";
      moderationComment?: string;
      clientComment?: string;
    };
  };
  createdAt: string;
}

export interface KycCallbackRecord {
  body: string;
  digest: string;
  type: string;
  applicantId: string;
  status: number | null;
  responseBody: string;
}

export type ReviewDecision =
  | { answer: "GREEN" }
  | {
      answer: "RED";
      rejectType: "FINAL" | "RETRY";
      labels: string[];
      moderationComment?: string;
      clientComment?: string;
    };

const hex = (n: number) => randomBytes(n).toString("hex");
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The vendor's timestamp format: "2026-11-24 09:30:01.123" (UTC). */
const vendorTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

export class KycStandIn {
  readonly accounts = new Map<string, KycStandInAccount>();
  readonly applicants = new Map<string, StandInApplicant>();
  readonly callbacks: KycCallbackRecord[] = [];
  /** What happens after documents are submitted: approve or reject at once, or wait for `review()`. */
  autoReview: ReviewDecision | "manual" = "manual";
  port = 0;
  private readonly links = new Map<string, { applicantId: string; expiresAt: number }>();
  private server: http.Server | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The clock, so tests can make a callback look older or newer. */
  now: () => number = () => Date.now();
  /**
   * Like the vendor, a callback that fails (no 2xx answer) is sent again, the same body and digest,
   * after each of these delays. Integration tests, which send and resend themselves, leave it empty.
   */
  retryDelaysMs: number[] = [];
  /** Told of each failed callback (the demo's stand-in process logs them). */
  onCallbackFailed: ((record: KycCallbackRecord, attempt: number) => void) | undefined;
  private readonly redeliveries = new Redeliveries();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.redeliveries.cancelAll();
    await this.chain.catch(() => {});
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  addAccount(a: Partial<KycStandInAccount> & { appToken: string; secretKey: string; webhookSecret: string }) {
    const account: KycStandInAccount = {
      webhookUrl: null,
      levels: ["basic-kyc-level"],
      name: "Test firm",
      ...a,
    };
    this.accounts.set(account.appToken, account);
    return account;
  }

  /** Resolves when every callback sent so far has been answered. */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** The person submits their documents on the hosted page. */
  submit(applicantId: string, info: StandInApplicant["info"] = {}): void {
    const a = this.must(applicantId);
    a.info = { ...a.info, ...Object.fromEntries(Object.entries(info).filter(([, v]) => v)) };
    a.review = { reviewStatus: "pending" };
    this.callback(a, "applicantPending");
    if (this.autoReview !== "manual") this.review(applicantId, this.autoReview);
  }

  /** The vendor's reviewers decide. */
  review(applicantId: string, d: ReviewDecision): void {
    const a = this.must(applicantId);
    a.review = {
      reviewStatus: "completed",
      reviewResult:
        d.answer === "GREEN"
          ? { reviewAnswer: "GREEN" }
          : {
              reviewAnswer: "RED",
              reviewRejectType: d.rejectType,
              rejectLabels: d.labels,
              ...(d.moderationComment ? { moderationComment: d.moderationComment } : {}),
              ...(d.clientComment ? { clientComment: d.clientComment } : {}),
            },
    };
    this.callback(a, "applicantReviewed");
  }

  /** The exact body and digest a callback would carry (for replay and forgery tests). */
  callbackPayload(a: StandInApplicant, type: string, atMs = this.now()): { body: string; digest: string } {
    const account = this.accounts.get(a.appToken)!;
    const body = JSON.stringify({
      applicantId: a.id,
      inspectionId: a.inspectionId,
      correlationId: `req-${hex(12)}`,
      levelName: a.levelName,
      externalUserId: a.externalUserId,
      type,
      sandboxMode: true,
      reviewStatus: a.review.reviewStatus,
      ...(a.review.reviewResult && type === "applicantReviewed"
        ? { reviewResult: a.review.reviewResult }
        : {}),
      createdAtMs: vendorTime(atMs),
      clientId: account.name.replace(/\W+/g, "_").toLowerCase(),
    });
    return { body, digest: createHmac("sha256", account.webhookSecret).update(body).digest("hex") };
  }

  private callback(a: StandInApplicant, type: string): void {
    const account = this.accounts.get(a.appToken)!;
    if (!account.webhookUrl) return;
    const { body, digest } = this.callbackPayload(a, type);
    this.deliver(account.webhookUrl, body, digest, type, a.id, 0);
  }

  /** Sends a callback after the ones before it, and again after each retry delay while it fails. */
  private deliver(
    url: string,
    body: string,
    digest: string,
    type: string,
    applicantId: string,
    attempt: number,
  ) {
    this.chain = this.chain
      .then(async () => {
        const record = await this.send(url, body, digest, type, applicantId);
        if (webhookTaken(record.status)) return;
        this.onCallbackFailed?.(record, attempt + 1);
        this.redeliveries.schedule(this.retryDelaysMs, attempt, () =>
          this.deliver(url, body, digest, type, applicantId, attempt + 1),
        );
      })
      .catch(() => {});
  }

  /** Sends a (possibly replayed or altered) callback body with a digest. */
  async send(
    url: string,
    body: string,
    digest: string,
    type = "replay",
    applicantId = "",
  ): Promise<KycCallbackRecord> {
    const record: KycCallbackRecord = { body, digest, type, applicantId, status: null, responseBody: "" };
    try {
      const r = await postJson(url, body, {
        "X-Payload-Digest": digest,
        "X-Payload-Digest-Alg": "HMAC_SHA256_HEX",
        "User-Agent": "KYC-stand-in/1.0",
      });
      record.status = r.status;
      record.responseBody = r.body.slice(0, 500);
    } catch (e) {
      record.responseBody = (e as Error).message;
    }
    this.callbacks.push(record);
    return record;
  }

  private must(id: string): StandInApplicant {
    const a = this.applicants.get(id);
    if (!a) throw new Error(`kyc stand-in: no applicant ${id}`);
    return a;
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
    const html = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(page(body));
    };
    try {
      const path = url.pathname;
      // Hosted verification flow.
      const pageMatch = /^\/websdk\/p\/([a-f0-9]+)$/.exec(path);
      if (pageMatch) {
        const link = this.links.get(pageMatch[1]!);
        if (!link || link.expiresAt < this.now())
          return html(
            410,
            "<h1>This verification link has expired</h1><p>Ask for a new one from your account.</p>",
          );
        const a = this.must(link.applicantId);
        if (method === "POST") {
          const form = new URLSearchParams(raw);
          this.submit(a.id, {
            firstName: form.get("firstName") ?? "",
            lastName: form.get("lastName") ?? "",
            dob: form.get("dob") ?? "",
            country: form.get("country") ?? "",
          });
          return html(
            200,
            `<h1>Documents submitted</h1><p data-testid="submitted">Thank you. We will let ${escapeHtml(this.accounts.get(a.appToken)!.name)} know the result; you can close this page and return to your account.</p>`,
          );
        }
        return html(200, verificationPage(a, pageMatch[1]!));
      }
      if (path.startsWith("/__standin/")) return this.control(method, path, raw, send);

      // Vendor API: every call is signed.
      const account = this.accounts.get(String(req.headers["x-app-token"] ?? ""));
      const ts = Number(req.headers["x-app-access-ts"]);
      const sig = String(req.headers["x-app-access-sig"] ?? "");
      if (!account) return send(401, { description: "App token is not valid", code: 401 });
      const expected = createHmac("sha256", account.secretKey)
        .update(`${ts}${method}${url.pathname}${url.search}${raw}`)
        .digest("hex");
      if (sig !== expected) return send(401, { description: "Request signature mismatch", code: 401 });
      if (!Number.isFinite(ts) || Math.abs(this.now() / 1000 - ts) > 300)
        return send(401, { description: "Request timestamp is too far from the server time", code: 401 });

      if (method === "GET" && path === "/resources/applicants/-/levels")
        return send(200, { items: account.levels.map((name) => ({ name })) });
      if (method === "POST" && path === "/resources/applicants") {
        const level = url.searchParams.get("levelName") ?? "";
        if (!account.levels.includes(level))
          return send(404, { description: `Level ${level} not found`, code: 404 });
        const body = JSON.parse(raw || "{}") as {
          externalUserId?: string;
          email?: string;
          fixedInfo?: StandInApplicant["info"];
        };
        if (!body.externalUserId) return send(400, { description: "externalUserId is required", code: 400 });
        const dup = [...this.applicants.values()].find(
          (x) => x.appToken === account.appToken && x.externalUserId === body.externalUserId,
        );
        if (dup)
          return send(409, {
            description: `Applicant with external user id '${body.externalUserId}' already exists: ${dup.id}`,
            code: 409,
          });
        const a: StandInApplicant = {
          id: hex(12),
          inspectionId: hex(12),
          externalUserId: body.externalUserId,
          email: body.email ?? "",
          levelName: level,
          appToken: account.appToken,
          info: body.fixedInfo ?? {},
          review: { reviewStatus: "init" },
          createdAt: vendorTime(this.now()),
        };
        this.applicants.set(a.id, a);
        this.callback(a, "applicantCreated");
        return send(201, {
          id: a.id,
          externalUserId: a.externalUserId,
          createdAt: a.createdAt,
          review: a.review,
        });
      }
      const byExternal = /^\/resources\/applicants\/-;externalUserId=([^/]+)\/one$/.exec(path);
      const byId = /^\/resources\/applicants\/([a-f0-9]+)\/one$/.exec(path);
      if (method === "GET" && (byExternal || byId)) {
        const a = byId
          ? this.applicants.get(byId[1]!)
          : [...this.applicants.values()].find(
              (x) =>
                x.appToken === account.appToken && x.externalUserId === decodeURIComponent(byExternal![1]!),
            );
        if (!a || a.appToken !== account.appToken)
          return send(404, { description: "Applicant not found", code: 404 });
        return send(200, {
          id: a.id,
          externalUserId: a.externalUserId,
          createdAt: a.createdAt,
          review: a.review,
          info: a.info,
        });
      }
      const linkMatch = /^\/resources\/sdkIntegrations\/levels\/([^/]+)\/websdkLink$/.exec(path);
      if (method === "POST" && linkMatch) {
        const ext = url.searchParams.get("externalUserId") ?? "";
        const a = [...this.applicants.values()].find(
          (x) => x.appToken === account.appToken && x.externalUserId === ext,
        );
        if (!a) return send(404, { description: "Applicant not found", code: 404 });
        const token = hex(16);
        const ttl = Number(url.searchParams.get("ttlInSecs") ?? 1800);
        this.links.set(token, { applicantId: a.id, expiresAt: this.now() + ttl * 1000 });
        return send(200, { url: `${this.url}/websdk/p/${token}` });
      }
      return send(404, { description: `No route ${method} ${path}`, code: 404 });
    } catch (e) {
      return send(500, { description: (e as Error).message, code: 500 });
    }
  }

  private control(method: string, path: string, raw: string, send: (s: number, b: unknown) => void) {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (method === "GET" && path === "/__standin/applicants") return send(200, [...this.applicants.values()]);
    if (method === "GET" && path === "/__standin/callbacks") return send(200, this.callbacks);
    const m = /^\/__standin\/applicants\/([a-f0-9]+)\/(review|submit)$/.exec(path);
    if (method === "POST" && m) {
      if (m[2] === "submit") this.submit(m[1]!);
      else
        this.review(
          m[1]!,
          body.answer === "GREEN"
            ? { answer: "GREEN" }
            : {
                answer: "RED",
                rejectType: body.rejectType === "FINAL" ? "FINAL" : "RETRY",
                labels: (body.labels as string[] | undefined) ?? ["DOCUMENT_PAGE_MISSING"],
                ...(body.moderationComment ? { moderationComment: String(body.moderationComment) } : {}),
                ...(body.clientComment ? { clientComment: String(body.clientComment) } : {}),
              },
        );
      return void this.idle().then(() => send(200, { ok: true }));
    }
    if (method === "POST" && path === "/__standin/auto-review") {
      this.autoReview = body.answer === "GREEN" ? { answer: "GREEN" } : "manual";
      return send(200, { autoReview: this.autoReview });
    }
    return send(404, { description: "no such control" });
  }
}

function verificationPage(a: StandInApplicant, token: string): string {
  const v = (s?: string) => escapeHtml(s ?? "");
  const result = a.review.reviewResult;
  const note =
    a.review.reviewStatus === "pending"
      ? `<p class="muted">Your documents are being reviewed.</p>`
      : result?.reviewAnswer === "RED" && result.reviewRejectType === "RETRY"
        ? `<p class="error">Please upload your documents again: ${v(result.clientComment ?? result.rejectLabels?.join(", "))}</p>`
        : "";
  return `<p class="muted">Identity verification · KYC stand-in</p><h1>Verify your identity</h1>${note}
<form method="post" action="/websdk/p/${token}">
<label>First name <input name="firstName" value="${v(a.info.firstName)}" required></label>
<label>Last name <input name="lastName" value="${v(a.info.lastName)}" required></label>
<label>Date of birth <input name="dob" type="date" value="${v(a.info.dob)}" required></label>
<label>Country <input name="country" value="${v(a.info.country)}" maxlength="3" required></label>
<label>Document <select name="document"><option>Passport</option><option>ID card</option><option>Driving licence</option></select></label>
<label>Document photo <input name="photo" value="passport-front.jpg"></label>
<button type="submit">Submit documents</button></form>`;
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Identity verification</title>
<style>body{font:16px system-ui,sans-serif;background:#f4f6fb;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;padding:2rem;width:min(28rem,92vw);border:1px solid #dde2ee}label{display:block;margin:.6rem 0}
input,select{display:block;width:100%;padding:.45rem;box-sizing:border-box}button{margin-top:1rem;width:100%;padding:.7rem;background:#1a7f5a;color:#fff;border:0;border-radius:6px;font-size:1rem}
.muted{color:#667}.error{color:#b00020}</style></head><body><main>${body}</main></body></html>`;
}
