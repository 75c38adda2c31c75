import { useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";

/**
 * Live pages re-run their loader every few seconds while visible (the risk state is checkpointed
 * about every second), and show how fresh the data is.
 */
export function useLiveRefresh(seconds = 3): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, seconds * 1000);
    return () => clearInterval(id);
  }, [revalidator, seconds]);
}

export function LiveBadge({ at }: { at: string | Date }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const age = now === null ? 0 : Math.max(0, Math.round((now - new Date(at).getTime()) / 1000));
  return (
    <span className="live-badge" title="This page refreshes itself every few seconds">
      <span className="live-dot" aria-hidden="true" /> Live{now === null ? "" : ` · updated ${age} s ago`}
    </span>
  );
}

function duration(ms: number): string {
  if (ms <= 0) return "now";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  return `${m}m ${sec}s`;
}

/**
 * Time left until an instant of the platform's clock. The platform clock may run faster than the
 * wall clock (the market simulator): `rate` platform milliseconds pass per real millisecond.
 */
export function Countdown({
  target,
  platformNow,
  rate,
  servedAt,
}: {
  target: number;
  platformNow: number;
  rate: number;
  servedAt: number;
}) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const wall = now ?? servedAt;
  const left = target - (platformNow + (wall - servedAt) * rate);
  return (
    <strong className="countdown" data-testid="day-countdown">
      {duration(left)}
    </strong>
  );
}

/** How much of a loss limit is left (the browser's meter: green, amber under 50%, red under 20%). */
export function RoomMeter({ label, pct }: { label: string; pct: number | null }) {
  if (pct === null) return null;
  const clamped = Math.max(0, Math.min(100, pct));
  return (
    <meter
      className="meter"
      aria-label={label}
      min={0}
      max={100}
      low={20}
      high={50}
      optimum={100}
      value={clamped}
    >
      {clamped}%
    </meter>
  );
}
