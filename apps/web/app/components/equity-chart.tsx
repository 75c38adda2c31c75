/**
 * An account's equity over time with its floors, as server-rendered SVG: the minute range of equity
 * (light band), closing equity (brand line), balance (dashed), the daily-loss floor and the
 * maximum-loss floor (red). Values are minor units; labels are formatted with integer arithmetic.
 */
export interface ChartPoint {
  t: number;
  open: number;
  high: number;
  low: number;
  close: number;
  balance: number;
  daily: number | null;
  maxLoss: number | null;
}

const W = 760;
const H = 260;
const PAD = { left: 86, right: 12, top: 12, bottom: 28 };

/** "96,000.00" from 9600000 with 2 digits, without floating point. */
export function formatMinor(minor: number, digits: number): string {
  const neg = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, "0");
  const int = s.slice(0, s.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${int}${digits > 0 ? `.${s.slice(s.length - digits)}` : ""}`;
}

function timeLabel(t: number, zone: string, withDate: boolean): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    ...(withDate ? { day: "2-digit", month: "short" } : {}),
  }).format(t);
}

export function EquityChart({
  points,
  digits = 2,
  currency,
  zone,
  title = "Equity and floors",
}: {
  points: ChartPoint[];
  digits?: number;
  currency: string;
  zone: string;
  title?: string;
}) {
  if (points.length === 0)
    return (
      <div className="card empty">No equity history yet: it starts with the account's first update.</div>
    );
  const values: number[] = [];
  for (const p of points) {
    values.push(p.high, p.low, p.balance);
    if (p.daily !== null) values.push(p.daily);
    if (p.maxLoss !== null) values.push(p.maxLoss);
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const margin = (hi - lo) * 0.06;
  lo -= margin;
  hi += margin;
  const t0 = points[0]!.t;
  const t1 = points.length > 1 ? points[points.length - 1]!.t : t0 + 60_000;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const line = (pick: (p: ChartPoint) => number | null, step = false) => {
    let d = "";
    let prev: number | null = null;
    for (const p of points) {
      const v = pick(p);
      if (v === null) {
        prev = null;
        continue;
      }
      if (prev === null) d += `M${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
      else if (step) d += `H${x(p.t).toFixed(1)}V${y(v).toFixed(1)}`;
      else d += `L${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
      prev = v;
    }
    return d;
  };
  const band =
    points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.high).toFixed(1)}`).join("") +
    [...points]
      .reverse()
      .map((p) => `L${x(p.t).toFixed(1)},${y(p.low).toFixed(1)}`)
      .join("") +
    "Z";
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + (hi - lo) * f);
  const spanDays = (t1 - t0) / 86_400_000 > 0.9;
  const last = points[points.length - 1]!;
  const hasDaily = points.some((p) => p.daily !== null);
  const hasMax = points.some((p) => p.maxLoss !== null);
  return (
    <figure className="equity-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: equity ${formatMinor(last.close, digits)} ${currency}`}
      >
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid-line" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
              {formatMinor(Math.round(v), digits)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="axis">
          {timeLabel(t0, zone, spanDays)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
          {timeLabel(t1, zone, spanDays)}
        </text>
        <path d={band} className="band" />
        {hasMax ? <path d={line((p) => p.maxLoss, true)} className="floor max" /> : null}
        {hasDaily ? <path d={line((p) => p.daily, true)} className="floor daily" /> : null}
        <path d={line((p) => p.balance, true)} className="balance" />
        <path d={line((p) => p.close)} className="equity" />
      </svg>
      <figcaption className="legend">
        <span className="key equity">Equity</span>
        <span className="key balance">Balance</span>
        {hasDaily ? <span className="key daily">Daily floor</span> : null}
        {hasMax ? <span className="key max">Max-loss floor</span> : null}
        <span className="muted">
          {currency}, one-minute bars, {zone} time
        </span>
      </figcaption>
    </figure>
  );
}
