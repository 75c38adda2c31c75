import { installedSimulator } from "../platforms/platform-registry";
import { readSimulatorClock } from "../risk/simulator-runner";

/**
 * The clock payout time rules are read on: the trading platform's. A bridged platform trades in
 * real time; the market simulator keeps simulated time (paced faster than the wall clock in the
 * demo), and its trades are stamped with it, so "14 days after the first funded trade" and "every
 * 7 days" are counted on that same timeline. In the worker (and tests) the installed simulator
 * tells its time; elsewhere the time the worker last published is carried forward at its pace.
 * Security delays (a new destination's cool-off) always use the wall clock.
 */
export async function platformClockNow(platform: string): Promise<Date> {
  if (platform !== "simulator") return new Date();
  const sim = installedSimulator();
  if (sim) return new Date(sim.now);
  const clock = await readSimulatorClock().catch(() => null);
  if (!clock) return new Date();
  return new Date(clock.simNow + Math.max(0, Date.now() - clock.wallNow) * clock.speed);
}
