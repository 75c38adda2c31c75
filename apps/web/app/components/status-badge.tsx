const tone: Record<string, string> = {
  active: "good",
  funded: "good",
  provisioned: "brand",
  awaiting_next_phase: "brand",
  purchased: "",
  kyc_pending: "warn",
  paused: "warn",
  suspended: "bad",
  failed: "bad",
  refunded: "",
  reset: "",
  cancelled: "",
};

export function statusLabel(status: string): string {
  return status.replaceAll("_", " ");
}

/** A challenge status as a coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${tone[status] ?? ""}`}>{statusLabel(status)}</span>;
}
