import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dataLayer } from "@propdesk/db";
import { AppError, isAppError } from "@propdesk/domain";
import { type DeskContext, deskForHost, normaliseHost } from "@propdesk/services/desks";
import { env } from "@propdesk/services/env";
import { createLogger } from "@propdesk/services/logging";
import { closeRedis, redis } from "@propdesk/services/redis";
import { runWithRequestContext } from "@propdesk/services/request";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import "./app/lib/load-context";
import { platformIngestRouter } from "./app/lib/platform-ingest.server";

/**
 * The web process: one Express server for every host. It resolves the host to a desk (or the
 * platform console) before Remix runs, refuses unknown hosts and suspended firms, enforces body
 * limits, sets security headers and a CSP nonce, and serves health checks.
 */
const config = env();
const log = createLogger("web", config.LOG_LEVEL);
const here = path.dirname(fileURLToPath(import.meta.url));
const production = process.env.NODE_ENV === "production";

const vite = production
  ? undefined
  : await import("vite").then((v) =>
      v.createServer({ root: here, server: { middlewareMode: true }, appType: "custom" }),
    );

const build = vite
  ? () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
  : ((await import(path.join(here, "build/server/index.js"))) as ServerBuild);

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", process.env.TRUST_PROXY === "true");

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok", service: "web" });
});
app.get("/readyz", async (_req, res) => {
  const checks: Record<string, string> = {};
  await Promise.all([
    dataLayer()
      .withoutTenant((db) => db.$queryRaw`SELECT 1`)
      .then(() => (checks.database = "ok"))
      .catch((e: Error) => (checks.database = e.message)),
    redis()
      .ping()
      .then(() => (checks.redis = "ok"))
      .catch((e: Error) => (checks.redis = e.message)),
  ]);
  const ready = Object.values(checks).every((v) => v === "ok");
  res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
});

// The trading-platform bridge's signed ingest (its own body limit; the key names the firm, not the host).
app.use(platformIngestRouter());

app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
if (vite) app.use(vite.middlewares);
else {
  app.use(
    "/assets",
    express.static(path.join(here, "build/client/assets"), { immutable: true, maxAge: "1y" }),
  );
  app.use(express.static(path.join(here, "build/client"), { maxAge: "1h" }));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function errorPage(res: express.Response, status: number, title: string, message: string) {
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        `<style>body{font:16px system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#0b1221}` +
        `main{max-width:32rem;padding:2rem;background:#fff;border:1px solid #e3e6eb;border-radius:12px}</style></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`,
    );
}

/**
 * A long-lived random id per browser (not a fingerprint of the machine): two traders signing in
 * from one browser is a fraud signal. Set on page requests that do not carry one yet.
 */
function deviceCookie(req: express.Request, res: express.Response): string | undefined {
  const found = /(?:^|;\s*)pd_device=([A-Za-z0-9_-]{22,64})(?:;|$)/.exec(req.get("cookie") ?? "");
  if (found) return found[1];
  if (req.path.startsWith("/assets/") || req.path.startsWith("/webhooks/")) return undefined;
  const id = randomBytes(18).toString("base64url");
  res.append(
    "Set-Cookie",
    `pd_device=${id}; Path=/; Max-Age=${2 * 365 * 86400}; HttpOnly; SameSite=Lax${config.cookieSecure ? "; Secure" : ""}`,
  );
  return id;
}

// Request id, client facts and the request context every log line and audit event reads.
app.use((req, res, next) => {
  const requestId = (req.get("x-request-id") ?? "").match(/^[A-Za-z0-9._-]{8,64}$/)
    ? req.get("x-request-id")!
    : randomUUID();
  res.setHeader("x-request-id", requestId);
  res.locals.requestId = requestId;
  const started = performance.now();
  res.on("finish", () => {
    if (req.path.startsWith("/assets/")) return;
    log.info(
      {
        requestId,
        method: req.method,
        host: req.hostname,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  runWithRequestContext(
    {
      origin: "web",
      requestId,
      ip: req.ip ?? req.socket.remoteAddress,
      userAgent: req.get("user-agent"),
      deviceId: deviceCookie(req, res),
    },
    next,
  );
});

// Security headers with a per-request nonce for the scripts Remix inlines.
app.use((_req, res, next) => {
  const nonce = randomBytes(16).toString("base64");
  res.locals.nonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'${vite ? " 'unsafe-eval'" : ""}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      `connect-src 'self'${vite ? " ws:" : ""}`,
      "frame-ancestors 'none'",
      "form-action 'self'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  next();
});

// Bodies: a declared length within the limit, or nothing. Forms always declare their length.
const formLimit = Math.min(config.MAX_BODY_BYTES, 64 * 1024);
// File imports (bank confirmations, processor statements, parallel-run files) may use the full limit.
const uploadPaths = /^\/console\/(payouts\/bank-wires|reconciliation)(\/|$)/;
app.use((req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const limit =
    uploadPaths.test(req.path) && (req.get("content-type") ?? "").startsWith("multipart/form-data")
      ? config.MAX_BODY_BYTES
      : formLimit;
  const declared = req.get("content-length");
  if (declared === undefined) {
    if (req.get("transfer-encoding"))
      return errorPage(res, 411, "Length required", "Send the request with a Content-Length header.");
    return next();
  }
  if (!/^\d+$/.test(declared))
    return errorPage(res, 400, "Bad request", "The Content-Length header is not a number.");
  if (Number(declared) > limit) {
    req.resume();
    return errorPage(
      res,
      413,
      "Request too large",
      `This request is ${declared} bytes; the limit is ${limit} bytes.`,
    );
  }
  next();
});

// Which site is this host? The platform console, a desk, or nothing we serve.
app.use(async (req, res, next) => {
  try {
    const host = normaliseHost(req.get("host"));
    if (host === config.PLATFORM_HOST) {
      res.locals.site = { kind: "platform" };
      return next();
    }
    const desk: DeskContext = await deskForHost(host);
    res.locals.site = { kind: "desk", desk };
    next();
  } catch (e) {
    if (isAppError(e)) {
      const title =
        e.code === "TENANT_SUSPENDED"
          ? "Firm suspended"
          : e.code === "NOT_FOUND"
            ? "Unknown host"
            : "Bad request";
      return errorPage(res, e.status, title, e.message);
    }
    next(e);
  }
});

app.all(
  "*",
  createRequestHandler({
    build,
    mode: production ? "production" : "development",
    getLoadContext: (_req, res) => ({
      requestId: res.locals.requestId,
      nonce: res.locals.nonce,
      site: res.locals.site,
    }),
  }),
);

app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  log.error({ err: err instanceof Error ? err.stack : String(err) }, "unhandled error");
  const e = isAppError(err)
    ? err
    : new AppError("INTERNAL", "Something went wrong on our side. The error was logged.");
  if (!res.headersSent) errorPage(res, e.status, "Error", e.message);
});

const server = app.listen(config.PORT, () =>
  log.info({ port: config.PORT, platformHost: config.PLATFORM_HOST, production }, "web listening"),
);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info({ signal }, "web shutting down");
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await Promise.allSettled([dataLayer().close(), closeRedis(), vite?.close()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
