import { bridge, dataLayer, risk, riskPipeline } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import type { Logger } from "../logging/logger";
import { toleranceSeconds } from "../platforms/bridge/bridge-signature";
import { installedSimulator } from "../platforms/platform-registry";

/**
 * Delivers time to accounts that receive no updates: when a challenge's next day start, deadline,
 * inactivity limit or weekend cut-off has passed on its platform's clock (wall time for a bridged
 * platform, simulated time for the simulator) and no update has moved the engine past it, a `clock`
 * input is appended, so day rolls, resumes after a pause and expiries happen on time. One clock per
 * due instant (keyed), so two schedulers running at once add it once.
 */
export class RiskScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private lastPrune = 0;

  constructor(private readonly opts: { log: Logger; intervalMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running)
        this.running = this.tick()
          .catch((e) => this.opts.log.warn({ err: (e as Error).message }, "risk scheduler tick failed"))
          .finally(() => {
            this.running = null;
          });
    }, this.opts.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: clocks for every due challenge; returns how many were appended. */
  async tick(): Promise<number> {
    let added = 0;
    const sim = installedSimulator();
    const clocks: Array<["simulator" | "bridge", number]> = [["bridge", Date.now()]];
    if (sim) clocks.push(["simulator", sim.now]);
    for (const [platform, now] of clocks) {
      const due = await sqlLayer().withPlatform((sql) =>
        riskPipeline.listDueEngineStates(sql, platform, now, 1000),
      );
      const byTenant = new Map<string, typeof due>();
      for (const d of due) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
      for (const [tenantId, rows] of byTenant) {
        // Partition locks in ascending order, as every writer of the input log takes them.
        rows.sort((a, b) => a.partition - b.partition);
        await dataLayer().withTenant(tenantId, async (db) => {
          for (const r of rows) {
            const id = await risk.insertControlInput(db, {
              partition: r.partition,
              challengeId: r.challengeId,
              tradingAccountId: r.tradingAccountId,
              phaseIndex: r.phaseIndex,
              source: "scheduler",
              kind: "clock",
              controlKey: `clock:${r.challengeId}:${r.nextDueMs}`,
              tMs: now,
            });
            if (id !== null) added++;
          }
        });
      }
    }
    if (Date.now() - this.lastPrune > 3_600_000) {
      this.lastPrune = Date.now();
      await this.pruneDeliveries();
    }
    return added;
  }

  /** Signed deliveries older than a day cannot be replayed anyway (their timestamps have expired). */
  private async pruneDeliveries(): Promise<void> {
    const tenants = await sqlLayer().withPlatform((sql) => riskPipeline.listRiskTenants(sql));
    const before = new Date(Date.now() - Math.max(86_400_000, toleranceSeconds * 2000));
    for (const t of tenants) await dataLayer().withTenant(t.id, (db) => bridge.pruneDeliveries(db, before));
  }
}
