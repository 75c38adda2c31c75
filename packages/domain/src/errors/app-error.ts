/**
 * The one error type of PropDesk. Every layer (domain, services, web, worker, bots) throws
 * `AppError` with a stable `code`; adapters at the edge turn the code into an HTTP status,
 * a CLI exit code or a bot reply. The message is written for the person who sent the input.
 */
export const errorCodes = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_MISMATCH: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TENANT_SUSPENDED: 423,
  PRECONDITION_FAILED: 412,
  EXTERNAL_FAILURE: 502,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface ErrorIssue {
  /** Dotted path of the offending field, e.g. `phases.0.dailyLoss.pct` or `events[3].t`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorIssue[];
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { issues?: ErrorIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.issues = opts.issues ?? [];
    this.details = opts.details;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Formats a zod-style issue path (`["phases", 0, "pct"]`) as `phases.0.pct`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join(".");
}
