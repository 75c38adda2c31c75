/**
 * ISO 8601 / RFC 3339 instants with `Z` or a numeric offset: `2026-01-05T12:00:00Z`,
 * `2026-01-05T13:00:00.250+01:00`, `2026-01-05T12:00Z` (seconds optional). A time without an
 * offset is refused: it names no instant. Fractions finer than a millisecond are kept only for the
 * ordering check (`sub`); the engine works in epoch milliseconds.
 */
const pattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export interface ParsedInstant {
  /** Epoch milliseconds. */
  ms: number;
  /** Nanoseconds beyond the millisecond (0–999,999), for ordering only. */
  sub: number;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function parseInstant(value: string): ParsedInstant | null {
  const m = pattern.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const frac = (m[7] ?? "").padEnd(9, "0");
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, Number(frac.slice(0, 3)));
  // Date.UTC maps years 0–99 to 1900–1999; four-digit years below 1000 are not real trading data.
  if (y < 1000) return null;
  return { ms: utc - offset, sub: Number(frac.slice(3)) };
}

/** a < b for parsed instants. */
export function instantBefore(a: ParsedInstant, b: ParsedInstant): boolean {
  return a.ms < b.ms || (a.ms === b.ms && a.sub < b.sub);
}
