import { AppError, type ErrorIssue, formatPath } from "@propdesk/domain";
import { type PlatformUpdate, platformUpdateSchema } from "../platforms/platform-update";

/**
 * A delivery's body: a JSON array of updates, or NDJSON (one update per line). Each item is
 * validated on its own; a bad item is reported with its index and the fields at fault, and does not
 * hold back the good ones (a live risk feed must not stall on one malformed line).
 */
export const maxDeliveryBytes = 4 * 1024 * 1024;
export const maxDeliveryItems = 5_000;

export interface RejectedItem {
  index: number;
  code: "VALIDATION" | "UNKNOWN_ACCOUNT" | "OUT_OF_RANGE";
  message: string;
  issues?: ErrorIssue[];
}

export interface ParsedDelivery {
  items: number;
  valid: Array<{ index: number; update: PlatformUpdate }>;
  rejected: RejectedItem[];
}

export type DeliveryFormat = "json" | "ndjson";

export function deliveryFormat(contentType: string | undefined): DeliveryFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return "json";
  if (type === "application/x-ndjson" || type === "application/ndjson") return "ndjson";
  throw new AppError(
    "VALIDATION",
    `Content-Type must be application/json (an array of updates) or application/x-ndjson (one update per line), not "${type || "none"}".`,
    { details: { status: 415 } },
  );
}

// The hot path: an `account` update that is certainly valid is accepted without the schema (which
// then only runs for other types and for anything doubtful, and gives the precise messages).
const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const decimal = /^-?\d{1,15}(\.\d{1,8})?$/;
function certainlyValidAccount(v: unknown): boolean {
  if (v === null || typeof v !== "object") return false;
  const u = v as Record<string, unknown>;
  let keys = 0;
  for (const _ in u) keys++;
  return (
    keys === 7 &&
    u.type === "account" &&
    typeof u.account === "string" &&
    u.account.length > 0 &&
    u.account.length <= 64 &&
    Number.isSafeInteger(u.seq) &&
    (u.seq as number) >= 0 &&
    typeof u.t === "string" &&
    instant.test(u.t) &&
    Number.isFinite(Date.parse(u.t)) &&
    typeof u.balance === "string" &&
    decimal.test(u.balance) &&
    typeof u.equity === "string" &&
    decimal.test(u.equity) &&
    Number.isSafeInteger(u.openPositions) &&
    (u.openPositions as number) >= 0
  );
}

function itemIssues(index: number, value: unknown): RejectedItem | null {
  if (certainlyValidAccount(value)) return null;
  const r = platformUpdateSchema.safeParse(value);
  if (r.success) return null;
  const issues = r.error.issues.map((i) => {
    const path = i.code === "unrecognized_keys" ? [...i.path, i.keys[0] ?? ""] : i.path;
    return {
      path: formatPath([index, ...path]),
      message: i.code === "unrecognized_keys" ? "unknown field" : i.message,
    };
  });
  return {
    index,
    code: "VALIDATION",
    message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    issues,
  };
}

export function parseDelivery(body: Buffer | string, format: DeliveryFormat): ParsedDelivery {
  const text = typeof body === "string" ? body : body.toString("utf8");
  let values: unknown[];
  const rejected: RejectedItem[] = [];
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new AppError("VALIDATION", `The body is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed))
      throw new AppError("VALIDATION", "The body must be a JSON array of updates (or send NDJSON).", {
        issues: [{ path: "(root)", message: "expected an array" }],
      });
    values = parsed;
  } else {
    values = [];
    const lines = text.split("\n");
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === "") continue;
      const index = values.length;
      try {
        values.push(JSON.parse(trimmed));
      } catch (e) {
        values.push(undefined);
        rejected.push({
          index,
          code: "VALIDATION",
          message: `${index}: not valid JSON (${(e as Error).message})`,
        });
      }
    }
  }
  if (values.length === 0) throw new AppError("VALIDATION", "The delivery has no updates.");
  if (values.length > maxDeliveryItems)
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The delivery has ${values.length} updates; at most ${maxDeliveryItems} are accepted per request.`,
    );
  const bad = new Set(rejected.map((r) => r.index));
  const valid: ParsedDelivery["valid"] = [];
  for (let index = 0; index < values.length; index++) {
    if (bad.has(index)) continue;
    const problem = itemIssues(index, values[index]);
    if (problem) rejected.push(problem);
    else valid.push({ index, update: values[index] as PlatformUpdate });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { items: values.length, valid, rejected };
}
