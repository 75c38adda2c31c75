import { AppError, isAppError } from "@propdesk/domain";
import { acceptBridgeDelivery, maxDeliveryBytes } from "@propdesk/services/ingest";
import { createLogger } from "@propdesk/services/logging";
import { keyHeader, signatureHeader, timestampHeader } from "@propdesk/services/platforms";
import express from "express";

/**
 * The platform bridge's ingest endpoint, mounted on the Express server before the HTML pipeline
 * (its own body limit, no host resolution: the signing key names the firm). Parsing the request
 * and rendering the answer only; every check and the durable write are in
 * `@propdesk/services/ingest` (acceptBridgeDelivery). Wire format: docs/openapi/platform-bridge.yaml.
 */
const log = createLogger("ingest");

function send(res: express.Response, status: number, body: unknown) {
  res.status(status).type("application/json").send(JSON.stringify(body));
}

function sendError(res: express.Response, e: AppError) {
  const status = (e.details?.status as number | undefined) ?? e.status;
  send(res, status, {
    error: {
      code: e.code,
      message: e.message,
      ...(e.issues.length > 0 ? { issues: e.issues.slice(0, 100) } : {}),
      ...(e.details?.reason ? { reason: e.details.reason } : {}),
    },
  });
}

export function platformIngestRouter(): express.Router {
  const router = express.Router();
  router.post(
    "/api/platform/v1/updates",
    express.raw({ type: () => true, limit: maxDeliveryBytes }),
    async (req, res) => {
      const receivedAtMs = Date.now();
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const result = await acceptBridgeDelivery({
          keyId: req.get(keyHeader),
          timestamp: req.get(timestampHeader),
          signature: req.get(signatureHeader),
          contentType: req.get("content-type"),
          body,
          receivedAtMs,
        });
        const { tenantId: _tenant, ...answer } = result;
        // Nothing usable in the delivery: say so with 422; otherwise 202 with what was refused.
        send(
          res,
          answer.accepted + answer.duplicates + answer.stale === 0 && answer.rejected.length > 0 ? 422 : 202,
          answer,
        );
      } catch (e) {
        const err = isAppError(e)
          ? e
          : new AppError("INTERNAL", "The delivery could not be stored; nothing was accepted. Retry it.");
        if (!isAppError(e)) log.error({ err: (e as Error).stack }, "ingest failed");
        else log.warn({ code: err.code, reason: err.details?.reason, ip: req.ip }, "delivery refused");
        sendError(res, err);
      }
    },
  );
  router.all("/api/platform/v1/updates", (_req, res) =>
    send(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "POST signed updates to this URL." } }),
  );
  // Body-parser errors (too large, aborted) arrive here before the handler ran: nothing was written.
  router.use(
    "/api/platform",
    (err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      const e = err as { type?: string; status?: number; length?: number; limit?: number };
      if (e?.type === "entity.too.large")
        return sendError(
          res,
          new AppError(
            "PAYLOAD_TOO_LARGE",
            `The body is ${e.length ?? "over"} bytes; at most ${maxDeliveryBytes} bytes are accepted per request.`,
          ),
        );
      if (e?.status && e.status >= 400 && e.status < 500)
        return sendError(res, new AppError("VALIDATION", "The request body could not be read."));
      next(err);
    },
  );
  return router;
}
