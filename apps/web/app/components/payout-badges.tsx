const payoutTone: Record<string, string> = {
  pending_approval: "warn",
  approved: "brand",
  disbursing: "brand",
  paid: "good",
  failed: "bad",
  rejected: "bad",
  cancelled: "",
};

const payoutLabel: Record<string, string> = {
  pending_approval: "awaiting approval",
};

/** A payout status as a coloured badge. */
export function PayoutStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge ${payoutTone[status] ?? ""}`}>
      {payoutLabel[status] ?? status.replaceAll("_", " ")}
    </span>
  );
}

export interface SignalView {
  code: string;
  level: "info" | "warning";
  message: string;
}

/** What a reviewer should notice: warnings in amber, facts in grey, each with its explanation. */
export function SignalBadges({ signals }: { signals: readonly SignalView[] }) {
  if (signals.length === 0) return null;
  return (
    <ul className="signals">
      {signals.map((s) => (
        <li key={s.code} className={`badge ${s.level === "warning" ? "warn" : ""}`} title={s.message}>
          {s.message}
        </li>
      ))}
    </ul>
  );
}
