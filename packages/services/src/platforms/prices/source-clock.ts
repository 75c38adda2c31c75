/**
 * The clock a price file's timestamps are written in, and its conversion to UTC.
 *
 * - `utc`: Dukascopy, and files whose weekly open is Sunday 22:00 in winter.
 * - `fixed`: a constant offset, e.g. HistData's EST without daylight saving (-300 minutes).
 * - `ny-close`: the usual MT4/MT5 broker server time, UTC+2 while New York is on standard time and
 *   UTC+3 while it is on daylight time, so the week opens at 00:00-01:00 server time all year.
 */
export type SourceClock = { kind: "utc" } | { kind: "fixed"; offsetMinutes: number } | { kind: "ny-close" };

const HOUR = 3_600_000;

/** Second Sunday of March and first Sunday of November, 02:00 New York local time, as "local ms". */
function usDaylightWindow(year: number): { start: number; end: number } {
  const mar8 = new Date(Date.UTC(year, 2, 8)).getUTCDay();
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  return {
    start: Date.UTC(year, 2, 8 + ((7 - mar8) % 7), 2),
    end: Date.UTC(year, 10, 1 + ((7 - nov1) % 7), 2),
  };
}

/** Whether New York is on daylight time at a New York wall-clock instant (expressed as UTC fields). */
export function isUsDaylightTime(newYorkLocalMs: number): boolean {
  const { start, end } = usDaylightWindow(new Date(newYorkLocalMs).getUTCFullYear());
  return newYorkLocalMs >= start && newYorkLocalMs < end;
}

/**
 * Converts a wall-clock reading (its fields encoded with Date.UTC) to epoch ms UTC. Around the
 * autumn change an hour of server time is ambiguous; the markets are closed then (weekend).
 */
export function sourceClockToUtc(localMs: number, clock: SourceClock): number {
  switch (clock.kind) {
    case "utc":
      return localMs;
    case "fixed":
      return localMs - clock.offsetMinutes * 60_000;
    case "ny-close": {
      // Server time is New York time + 7 hours all year.
      const newYork = localMs - 7 * HOUR;
      return newYork + (isUsDaylightTime(newYork) ? 4 : 5) * HOUR;
    }
  }
}
