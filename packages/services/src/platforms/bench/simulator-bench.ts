/**
 * Throughput of the simulator for the risk benchmark: N accounts (default 10,000) of every style
 * over the five bundled instruments, advanced through simulated time as fast as possible.
 * Reports updates generated per second of wall time (the figure asked for: well over 100,000/s),
 * plus snapshot size and time.
 *
 *   npx tsx packages/services/src/platforms/bench/simulator-bench.ts [accounts=10000] [hours=24] [seed=1]
 */
import { loadMarket } from "../simulator/market";
import { createSimulation, restoreSimulation, type SimAccountConfig } from "../simulator/simulation";
import { styleInstrumentSets, TIME, traderStyles } from "../simulator/trader-styles";

const n = Number(process.argv[2] ?? 10_000);
const hours = Number(process.argv[3] ?? 24);
const seed = Number(process.argv[4] ?? 1);
const start = Date.UTC(2026, 0, 5);

let t0 = performance.now();
const market = loadMarket();
console.log(`market loaded in ${(performance.now() - t0).toFixed(0)} ms`);

const accounts: SimAccountConfig[] = [];
for (let i = 0; i < n; i++) {
  const style = traderStyles[i % traderStyles.length]!;
  const sets = styleInstrumentSets[style];
  accounts.push({
    platformAccountId: `BENCH-${i}`,
    balance: 10_000_000n,
    currency: "USD",
    style,
    instruments: sets[Math.floor(i / traderStyles.length) % sets.length]!,
  });
}
t0 = performance.now();
const sim = createSimulation({ seed, startTime: start, accounts, market });
console.log(`${n} accounts created in ${(performance.now() - t0).toFixed(0)} ms`);

const counts: Record<string, number> = {};
let total = 0;
t0 = performance.now();
// Advance in one-minute slices, as a paced worker would, and drop the updates once counted.
for (let t = start; t <= start + hours * TIME.HOUR; t += TIME.MINUTE) {
  const ups = sim.advanceTo(t);
  total += ups.length;
  for (const u of ups) counts[u.type] = (counts[u.type] ?? 0) + 1;
}
const ms = performance.now() - t0;
console.log(
  `${hours} simulated hours: ${total} updates in ${ms.toFixed(0)} ms = ${Math.round((total / ms) * 1000).toLocaleString("en-US")} updates/s`,
);
console.log(counts);

t0 = performance.now();
const json = JSON.stringify(sim.snapshot());
const tSnap = performance.now() - t0;
t0 = performance.now();
restoreSimulation(JSON.parse(json), { market });
console.log(
  `snapshot ${(json.length / 1e6).toFixed(1)} MB in ${tSnap.toFixed(0)} ms, restore in ${(performance.now() - t0).toFixed(0)} ms`,
);
console.log(`heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
