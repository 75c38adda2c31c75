/**
 * Maps wall-clock time to simulated time for a live demo: `speed` simulated milliseconds pass per
 * wall millisecond. With M1 data, speed 60 replays one bar per second and 600 ten bars per second.
 *
 * Measured with the default style mix (bench/simulator-demo-pace.ts: 100 accounts of 100,000.00,
 * a stand-in program with 5% daily / 10% max loss, a 3% soft pause and a +8% target, seeds 1-4):
 * the first breach comes after 0.2-1.0 simulated hours, the first soft pause after 0.1-0.9 hours
 * and the first pass after 0.4-1.7 hours. At speed 60 (one M1 bar per second, the default) that is
 * within two minutes of wall time for all three, at about 50 updates per second for 100 accounts;
 * speed 600 shows them within seconds, at about 500 updates per second.
 */
export interface PacedClock {
  /** Simulated time at `wallStart`. */
  simStart: number;
  wallStart: number;
  speed: number;
}

export const DEMO_SPEED = 60;

export function simulatedTimeAt(clock: PacedClock, wallNow: number): number {
  return clock.simStart + Math.max(0, Math.floor((wallNow - clock.wallStart) * clock.speed));
}

/** Re-anchors a clock at a simulated time, e.g. after restoring a snapshot, so the replay resumes there. */
export function resumePacedClock(simNow: number, wallNow: number, speed = DEMO_SPEED): PacedClock {
  return { simStart: simNow, wallStart: wallNow, speed };
}
