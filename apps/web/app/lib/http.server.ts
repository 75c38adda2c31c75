import { AppError, fieldErrors, isAppError } from "@propdesk/domain";
import { createLogger } from "@propdesk/services/logging";
import { data } from "@remix-run/node";

const log = createLogger("web");

export interface ActionFailure {
  ok: false;
  error: string;
  code: string;
  fieldErrors: Record<string, string>;
}

function asAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  log.error({ err: e instanceof Error ? e.stack : String(e) }, "unexpected error in route");
  return new AppError(
    "INTERNAL",
    "Something went wrong on our side. The error was logged; please try again.",
  );
}

/** An action's failure as data the form shows (message plus per-field errors), with its HTTP status. */
export function actionFailure(e: unknown) {
  if (e instanceof Response) throw e;
  const err = asAppError(e);
  return data<ActionFailure>(
    { ok: false, error: err.message, code: err.code, fieldErrors: fieldErrors(err) },
    { status: err.status },
  );
}

/** Turns an AppError into the error response the route's error boundary renders. */
export function throwHttp(e: unknown): never {
  if (e instanceof Response) throw e;
  const err = asAppError(e);
  throw data({ message: err.message, code: err.code }, { status: err.status });
}

/** Loader-side: runs `fn`, and renders any AppError it throws through the error boundary. */
export async function orHttpError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throwHttp(e);
  }
}

const formTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** Reads a submitted form, refusing other content types with a clear message. */
export async function readFormData(request: Request): Promise<FormData> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!formTypes.includes(type))
    throw new AppError("VALIDATION", "Send this form as a regular HTML form submission.");
  try {
    return await request.formData();
  } catch {
    throw new AppError("VALIDATION", "The form data could not be read.");
  }
}

/** Form fields as a plain object; repeated names become arrays. Files are refused. */
export function formObject(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v !== "string") throw new AppError("VALIDATION", `Field ${k} must be text.`);
    if (k === "_csrf" || k === "intent") continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Resource routes (CSV, JSON endpoints) have no error boundary: errors thrown by guards as `data()`
 * are turned into plain responses with the same status and message.
 */
export async function resource(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Response) return e;
    const thrown = e as { type?: string; data?: { message?: string }; init?: ResponseInit | null };
    if (thrown?.type === "DataWithResponseInit") {
      return new Response(`${thrown.data?.message ?? "Error"}\n`, {
        ...thrown.init,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    const err = isAppError(e) ? e : asAppError(e);
    return new Response(`${err.message}\n`, {
      status: err.status,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}
