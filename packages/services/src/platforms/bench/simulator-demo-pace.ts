/**
 * How soon does the default demo mix show passes, breaches and soft pauses? Provisions accounts
 * through the SimulatorPlatform (styles drawn from the default mix), runs simulated days, and judges
 * every account update with a simple stand-in for a typical two-step program (the real rules engine
 * lives in the domain): target +8% (balance, flat), hard max loss 10% static, hard daily loss 5% of
 * the initial balance from the day's start balance, soft pause at 3% daily loss. Days start at
 * 00:00 UTC of simulated time.
 *
 *   npx tsx packages/services/src/platforms/bench/simulator-demo-pace.ts [accounts=200] [days=10] [seed=1]
 */
import { parseScaled } from "../decimal-strings";
import { createSimulatorPlatform } from "../simulator/simulator-platform";
import { TIME, type TraderStyle, traderStyles } from "../simulator/trader-styles";

const accounts = Number(process.argv[2] ?? 200);
const days = Number(process.argv[3] ?? 10);
const seed = Number(process.argv[4] ?? 1);
const start = Date.UTC(2026, 0, 5);
const initial = 10_000_000; // 100,000.00 USD in cents

const platform = createSimulatorPlatform({ seed, startTime: start });
const styleOf = new Map<string, TraderStyle>();
for (let i = 0; i < accounts; i++) {
  const { platformAccountId } = await platform.provisionAccount({
    idempotencyKey: `p-${i}`,
    reference: `ta-${i}`,
    currency: "USD",
    balance: BigInt(initial),
    label: `demo ${i}`,
  });
  styleOf.set(platformAccountId, platform.simulation.account(platformAccountId).style);
}

interface Judge {
  status: "active" | "passed" | "failed";
  day: number;
  dayStart: number;
  pausedDay: number;
  balance: number;
}
const judges = new Map<string, Judge>();
const firsts: Record<"pass" | "breach" | "pause", number[]> = { pass: [], breach: [], pause: [] };
const byStyle = Object.fromEntries(
  traderStyles.map((s) => [s, { pass: 0, breach: 0, pause: 0, n: 0 }]),
) as Record<TraderStyle, { pass: number; breach: number; pause: number; n: number }>;
for (const s of styleOf.values()) byStyle[s].n++;

let updates = 0;
const wall0 = performance.now();
for (let t = start; t <= start + days * TIME.DAY; t += TIME.HOUR) {
  for (const u of platform.advanceTo(t)) {
    updates++;
    if (u.type !== "account") continue;
    const time = Date.parse(u.t);
    const day = Math.floor(time / TIME.DAY);
    let j = judges.get(u.account);
    if (!j) {
      j = { status: "active", day, dayStart: initial, pausedDay: -1, balance: initial };
      judges.set(u.account, j);
    }
    if (j.status !== "active") continue;
    if (day !== j.day) {
      j.day = day;
      j.dayStart = j.balance;
    }
    const balance = parseScaled(u.balance, 2);
    const equity = parseScaled(u.equity, 2);
    j.balance = balance;
    const style = styleOf.get(u.account)!;
    const sinceStart = (time - start) / TIME.HOUR;
    if (equity < initial * 0.9 || equity < j.dayStart - initial * 0.05) {
      j.status = "failed";
      firsts.breach.push(sinceStart);
      byStyle[style].breach++;
      await platform.closeAllPositions(u.account, { idempotencyKey: `close-${u.account}`, reason: "breach" });
      await platform.setTradingEnabled(u.account, false, {
        idempotencyKey: `off-${u.account}`,
        reason: "breach",
      });
    } else if (equity < j.dayStart - initial * 0.03 && j.pausedDay !== day) {
      j.pausedDay = day;
      firsts.pause.push(sinceStart);
      byStyle[style].pause++;
    } else if (balance >= initial * 1.08 && u.openPositions === 0) {
      j.status = "passed";
      firsts.pass.push(sinceStart);
      byStyle[style].pass++;
    }
  }
}
const wallMs = performance.now() - wall0;
const q = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1) : "-";
};
console.log(
  `${accounts} accounts, ${days} simulated days, seed ${seed}: ${updates} updates in ${wallMs.toFixed(0)} ms`,
);
for (const k of ["breach", "pause", "pass"] as const) {
  console.log(
    `${k.padEnd(6)} count ${String(firsts[k].length).padStart(4)}  first ${q(firsts[k], 0)} h  ` +
      `10th pct ${q(firsts[k], 0.1)} h  median ${q(firsts[k], 0.5)} h (simulated hours)`,
  );
}
for (const s of traderStyles) {
  const b = byStyle[s];
  console.log(`${s.padEnd(12)} n=${b.n}  passed ${b.pass}  breached ${b.breach}  soft pauses ${b.pause}`);
}
