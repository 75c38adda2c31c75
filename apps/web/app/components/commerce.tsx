import type { ReactNode } from "react";

const orderTone: Record<string, string> = {
  pending: "warn",
  paid: "good",
  payment_failed: "bad",
  expired: "",
  refunded: "",
  partially_refunded: "brand",
  disputed: "bad",
  charged_back: "bad",
  // KYC, sanctions and fraud statuses share the badge.
  approved: "good",
  rejected: "bad",
  resubmission_requested: "warn",
  none: "",
  clear: "good",
  potential_match: "warn",
  confirmed_match: "bad",
  open: "warn",
  confirmed: "bad",
  dismissed: "",
  cleared: "",
  high: "bad",
  medium: "warn",
  low: "",
  requested: "warn",
  succeeded: "good",
  failed: "bad",
  won: "good",
  lost: "bad",
};

/** An order, payment, KYC, sanctions or fraud status as a coloured badge. */
export function Badge({ status, children }: { status: string; children?: ReactNode }) {
  return (
    <span className={`badge ${orderTone[status] ?? ""}`}>{children ?? status.replaceAll("_", " ")}</span>
  );
}

/** A timestamp in UTC, "2026-11-24 09:30". */
export function When({ at }: { at: string | Date | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  return <time dateTime={d.toISOString()}>{d.toISOString().replace("T", " ").slice(0, 16)}</time>;
}
