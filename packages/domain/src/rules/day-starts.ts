/**
 * Trading-day boundaries in any IANA zone, DST-correct.
 *
 * A trading day starts at a local wall-clock time (`dayStart`, "HH:MM") in the program's zone. The
 * engine never formats dates per update: it keeps the UTC instant of the next day start in the
 * account state and compares numbers. Only when an account crosses that instant does it ask the
 * calendar for the next one, and the calendar caches the few intervals in use, so 100,000 accounts
 * crossing the same midnight cost one `Intl` computation, not 100,000.
 *
 * Wall-clock times that do not exist or exist twice:
 * - gap (spring forward, e.g. 02:30 on the day clocks jump 02:00 → 03:00): the day starts at the
 *   first valid instant after the gap, i.e. the transition instant itself (local 03:00).
 * - overlap (fall back, e.g. 02:30 happens twice): the day starts at the first occurrence.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Validates an IANA zone name (as the platform's Intl knows it). Fixed offsets like "+01:00" are refused. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.length === 0 || /^[+-]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses "HH:MM" (00:00–23:59) into minutes after local midnight, or null. */
export function parseDayStart(value: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Converts instants to wall-clock fields of one zone and back. */
export class ZoneClock {
  readonly timeZone: string;
  private readonly fmt: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** The wall clock at instant `t`, as the UTC epoch ms of the same wall-clock reading (seconds precision). */
  wallAt(t: number): number {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const p of this.fmt.formatToParts(t)) {
      switch (p.type) {
        case "year":
          y = Number(p.value);
          break;
        case "month":
          mo = Number(p.value);
          break;
        case "day":
          d = Number(p.value);
          break;
        case "hour":
          h = Number(p.value);
          break;
        case "minute":
          mi = Number(p.value);
          break;
        case "second":
          s = Number(p.value);
          break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s);
  }

  /** UTC offset (ms) in force at instant `t`. */
  offsetAt(t: number): number {
    return this.wallAt(t) - Math.floor(t / 1000) * 1000;
  }

  /**
   * The instant at which the wall clock reads `wall` (epoch ms of the wall-clock reading taken as
   * UTC). Gap: the transition instant (first valid instant after the gap). Overlap: the first
   * occurrence.
   */
  instantOf(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const uBefore = wall - before;
    const uAfter = wall - after;
    const okBefore = this.offsetAt(uBefore) === before;
    const okAfter = this.offsetAt(uAfter) === after;
    if (okBefore && okAfter) return Math.min(uBefore, uAfter);
    if (okBefore) return uBefore;
    if (okAfter) return uAfter;
    // A gap: the offset jumps from `before` to `after` somewhere in (uAfter, uBefore]. Find the
    // first instant that already has the new offset.
    let lo = Math.min(uAfter, uBefore);
    let hi = Math.max(uAfter, uBefore);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

/** Epoch day number (days since 1970-01-01) of a wall-clock epoch-ms value. */
function dayNumber(wall: number): number {
  return Math.floor(wall / DAY_MS);
}

/**
 * The day starts of one (zone, dayStart) pair. `nextAfter(t)` is the first day start strictly after
 * `t`; `previousAtOrBefore(t)` the last one at or before it. Results are cached per interval.
 */
export class DayStartCalendar {
  readonly clock: ZoneClock;
  readonly minutes: number;
  // A small ring of [lo, hi) intervals between consecutive day starts.
  private readonly lo = new Float64Array(8);
  private readonly hi = new Float64Array(8);
  private size = 0;
  private cursor = 0;

  constructor(timeZone: string, dayStartMinutes: number) {
    this.clock = new ZoneClock(timeZone);
    this.minutes = dayStartMinutes;
  }

  /** The day start on local calendar day `day` (epoch day number). */
  dayStartOn(day: number): number {
    return this.clock.instantOf(day * DAY_MS + this.minutes * MINUTE_MS);
  }

  /** First day start strictly after `t`. */
  nextAfter(t: number): number {
    for (let i = 0; i < this.size; i++) {
      if (t >= this.lo[i]! && t < this.hi[i]!) return this.hi[i]!;
    }
    this.fill(t);
    return this.hi[(this.cursor + 7) % 8]!;
  }

  /** Last day start at or before `t`. */
  previousAtOrBefore(t: number): number {
    for (let i = 0; i < this.size; i++) {
      if (t >= this.lo[i]! && t < this.hi[i]!) return this.lo[i]!;
    }
    this.fill(t);
    return this.lo[(this.cursor + 7) % 8]!;
  }

  private fill(t: number): void {
    let day = dayNumber(this.clock.wallAt(t)) - 1;
    let prev = this.dayStartOn(day);
    // Walk forward from the previous local day until the interval holds t (two steps at most,
    // more only for zones that skipped a whole calendar day).
    for (let guard = 0; guard < 8; guard++) {
      const next = this.dayStartOn(day + 1);
      if (prev <= t && t < next) {
        this.lo[this.cursor] = prev;
        this.hi[this.cursor] = next;
        this.cursor = (this.cursor + 1) % 8;
        if (this.size < 8) this.size++;
        return;
      }
      if (next <= t) {
        prev = next;
        day++;
      } else {
        // t is before prev: step back a day.
        day--;
        prev = this.dayStartOn(day);
      }
    }
    throw new Error(`No day start found around ${new Date(t).toISOString()} in ${this.clock.timeZone}`);
  }
}

/** Day of the week (0 = Sunday) of an epoch day number. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * First instant strictly after `t` at which the wall clock of `clock` reads weekday `weekday`
 * (0 = Sunday), `minutes` after midnight. Used for weekly cut-offs (weekend holding).
 */
export function nextWeeklyAfter(clock: ZoneClock, t: number, weekday: number, minutes: number): number {
  const today = dayNumber(clock.wallAt(t));
  let day = today + ((weekday - weekdayOfDay(today) + 7) % 7) - 7;
  for (let guard = 0; guard < 4; guard++) {
    const at = clock.instantOf(day * DAY_MS + minutes * MINUTE_MS);
    if (at > t) return at;
    day += 7;
  }
  throw new Error("No weekly instant found");
}
