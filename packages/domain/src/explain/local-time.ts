/**
 * Wall-clock formatting in a program's timezone for explanations ("00:20", "2026-01-06 00:20").
 * Formatters are cached per zone: explanations are read often, zones are few.
 */
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = cache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    cache.set(zone, f);
  }
  return f;
}

interface LocalParts {
  date: string;
  time: string;
  weekday: string;
}

function parts(t: number, zone: string): LocalParts {
  const p: Record<string, string> = {};
  for (const x of formatter(zone).formatToParts(t)) p[x.type] = x.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, weekday: p.weekday ?? "" };
}

/** "00:20" */
export function localTime(t: number, zone: string): string {
  return parts(t, zone).time;
}

/** "2026-01-06 00:20" */
export function localDateTime(t: number, zone: string): string {
  const p = parts(t, zone);
  return `${p.date} ${p.time}`;
}

/** "Tue 2026-01-06" */
export function localDate(t: number, zone: string): string {
  const p = parts(t, zone);
  return `${p.weekday} ${p.date}`;
}

/** "2026-01-05T23:05:00Z" (seconds kept, milliseconds only when present). */
export function utcStamp(t: number): string {
  const iso = new Date(t).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}
