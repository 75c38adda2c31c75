import { pino } from "pino";
import { currentRequestContext } from "../request/request-context";

/**
 * Structured JSON logs on stdout. Each line carries the service name and, inside a request or job,
 * its request id, so one id follows a request from the web process into the worker.
 */
export type Logger = pino.Logger;

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentRequestContext();
      return ctx ? { requestId: ctx.requestId } : {};
    },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "secret", "*.secret"],
      censor: "[redacted]",
    },
  });
}
