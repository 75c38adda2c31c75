import type { z } from "zod";
import { AppError, formatPath } from "./app-error";

/**
 * Parses input with a zod schema or throws AppError(VALIDATION) whose message names the first
 * offending field and whose issues list every one. The one way input is validated everywhere
 * (routes, jobs, CLIs, bot commands).
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = issues[0]!;
  const where = first.path ? `${first.path}: ` : "";
  throw new AppError("VALIDATION", `${what ? `${what}: ` : ""}${where}${first.message}`, { issues });
}

/** The issues of a validation error keyed by field path (forms show each next to its field). */
export function fieldErrors(e: AppError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of e.issues) if (!(i.path in out)) out[i.path] = i.message;
  return out;
}
