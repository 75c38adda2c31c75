import { AppError } from "../errors";

// Instants travel as ISO 8601 strings with an explicit offset ("2026-03-01T09:30:00Z"), never as
// local times: the domain has no clock and no time zone of its own.
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of an ISO instant, or `null` when the text is not one. */
export function instantMs(value: string, opts: { allowDateOnly?: boolean } = {}): number | null {
  const dateOnly = opts.allowDateOnly === true && datePattern.test(value);
  if (!dateOnly && !instantPattern.test(value)) return null;
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls "2026-02-30" over to March; refuse dates that do not exist.
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  const check = new Date(Date.UTC(y!, m! - 1, d!));
  if (check.getUTCMonth() !== m! - 1 || check.getUTCDate() !== d) return null;
  return ms;
}

/** Like `instantMs` but throws a VALIDATION error naming the field. */
export function parseInstant(value: string, field: string, opts: { allowDateOnly?: boolean } = {}): number {
  const ms = typeof value === "string" ? instantMs(value, opts) : null;
  if (ms === null) {
    const expected = opts.allowDateOnly ? "a date (2026-03-01) or an ISO instant" : "an ISO instant";
    throw new AppError(
      "VALIDATION",
      `${field}: "${String(value)}" is not ${expected} like 2026-03-01T09:30:00Z.`,
      {
        issues: [{ path: field, message: `not ${expected}` }],
      },
    );
  }
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The UTC calendar day (YYYY-MM-DD) of an instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Adds whole days of 24 hours (UTC has no daylight saving, so this is calendar-exact in UTC). */
export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

/**
 * Adds calendar months in UTC, keeping the time of day. A day that does not exist in the target
 * month is clamped to its last day: Jan 31 + 1 month = Feb 28 (29 in leap years).
 */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
