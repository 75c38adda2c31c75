import { useNavigation } from "@remix-run/react";
import { type InputHTMLAttributes, type ReactNode, useId } from "react";

/**
 * The page's CSRF token with this form's own id appended: each form of a page can be sent once with
 * it, so a second form still works right after the first one, before the page has its new token.
 */
export function CsrfField({ token }: { token: string }) {
  const form = useId().replace(/[^A-Za-z0-9]/g, "");
  return <input type="hidden" name="_csrf" value={`${token}.${form}`} />;
}

type ActionResult =
  | { ok: false; error: string; fieldErrors: Record<string, string> }
  | { ok: true }
  | undefined
  | null;

export function FormError({ result }: { result: ActionResult | unknown }) {
  const r = result as ActionResult;
  if (!r || r.ok) return null;
  return (
    <div className="alert error" role="alert">
      {r.error}
    </div>
  );
}

export function fieldError(result: unknown, name: string): string | undefined {
  const r = result as ActionResult;
  return r && !r.ok ? r.fieldErrors[name] : undefined;
}

export function Field({
  label,
  name,
  hint,
  error,
  ...input
}: {
  label: string;
  name: string;
  hint?: ReactNode;
  error?: string | undefined;
} & InputHTMLAttributes<HTMLInputElement>) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {hint ? <div className="hint">{hint}</div> : null}
      {error ? (
        <div className="error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function SubmitButton({
  children,
  className,
  name,
  value,
}: {
  children: ReactNode;
  className?: string;
  name?: string;
  value?: string;
}) {
  const nav = useNavigation();
  const busy = nav.state === "submitting" && (name === undefined || nav.formData?.get(name) === value);
  return (
    <button type="submit" className={className} name={name} value={value} disabled={busy}>
      {busy ? "Working…" : children}
    </button>
  );
}
