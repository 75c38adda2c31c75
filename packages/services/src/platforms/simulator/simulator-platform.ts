import { AppError, type ErrorIssue } from "@propdesk/domain";
import { fingerprintOf, type IdempotencyEntry, IdempotencyStore, type Json } from "../idempotency-store";
import type { PlatformUpdate } from "../platform-update";
import type {
  AccountSnapshot,
  ActionOptions,
  AdjustBalanceInput,
  BalanceAdjustment,
  BalanceAdjustmentResult,
  CloseAllResult,
  Period,
  ProvisionAccountInput,
  ProvisionedAccount,
  TradingPlatform,
} from "../trading-platform";
import type { Market } from "./market";
import { mixSeed, SeededRandom } from "./seeded-random";
import { Simulation, type SimulationSnapshot } from "./simulation";
import {
  defaultStyleMix,
  isTraderStyle,
  styleInstrumentSets,
  type TraderStyle,
  traderStyles,
} from "./trader-styles";

export interface SimulatorPlatformOptions {
  seed: number | string;
  /** Epoch ms of simulated "now" at creation. */
  startTime: number;
  market?: Market;
  heartbeatMinutes?: number;
  /** Relative weights of the styles given to provisioned accounts; defaults to `defaultStyleMix`. */
  styleMix?: Partial<Record<TraderStyle, number>>;
}

/** The simulator may be told a trader's style and instruments; otherwise it draws them. */
export interface SimulatorProvisionInput extends ProvisionAccountInput {
  style?: TraderStyle;
  instruments?: readonly string[];
}

interface StoredAdjustment {
  adjustmentId: string;
  platformAccountId: string;
  idempotencyKey: string;
  amount: string;
  balanceAfter: string;
  reason: string;
  at: number;
}

export interface SimulatorPlatformSnapshot {
  version: 1;
  simulation: SimulationSnapshot;
  styleMix: Record<TraderStyle, number>;
  provisioned: number;
  references: [reference: string, platformAccountId: string][];
  idempotency: IdempotencyEntry[];
  adjustments: StoredAdjustment[];
}

const _bigintCodec = {
  encode: (v: bigint): Json => v.toString(),
  decode: (j: Json): bigint => BigInt(j as string),
};

function invalid(message: string, issues: ErrorIssue[]): never {
  throw new AppError("VALIDATION", message, { issues });
}

function checkText(value: unknown, path: string, max: number, issues: ErrorIssue[]): void {
  if (typeof value !== "string" || value.length === 0 || value.length > max)
    issues.push({ path, message: `must be a non-empty string of at most ${max} characters` });
}

/**
 * The trading-platform adapter over an in-process simulation: the default for the demo, tests and
 * benchmarks. Actions apply at the simulation's current time; updates they cause come out of the
 * next `advanceTo`, before the bars that follow.
 */
export class SimulatorPlatform implements TradingPlatform {
  readonly name = "simulator";
  readonly simulation: Simulation;
  private readonly styleMix: Record<TraderStyle, number>;
  private readonly idempotency: IdempotencyStore;
  private readonly references: Map<string, string>;
  private readonly adjustments: StoredAdjustment[];
  private provisioned: number;

  private constructor(
    simulation: Simulation,
    styleMix: Record<TraderStyle, number>,
    state?: Pick<SimulatorPlatformSnapshot, "provisioned" | "references" | "idempotency" | "adjustments">,
  ) {
    this.simulation = simulation;
    this.styleMix = styleMix;
    this.idempotency = new IdempotencyStore(state?.idempotency);
    this.references = new Map(state?.references);
    this.adjustments = state?.adjustments.slice() ?? [];
    this.provisioned = state?.provisioned ?? 0;
  }

  static create(opts: SimulatorPlatformOptions): SimulatorPlatform {
    const mix = { ...defaultStyleMix, ...opts.styleMix };
    for (const s of traderStyles) {
      if (!(mix[s] >= 0))
        invalid("styleMix weights must be non-negative.", [
          { path: `styleMix.${s}`, message: "must be >= 0" },
        ]);
    }
    if (traderStyles.every((s) => mix[s] === 0))
      invalid("styleMix needs one positive weight.", [{ path: "styleMix", message: "all weights are zero" }]);
    const sim = new Simulation({
      seed: opts.seed,
      startTime: opts.startTime,
      market: opts.market,
      heartbeatMinutes: opts.heartbeatMinutes,
    });
    return new SimulatorPlatform(sim, mix);
  }

  static restore(snap: SimulatorPlatformSnapshot, opts: { market?: Market } = {}): SimulatorPlatform {
    if (snap?.version !== 1)
      invalid("Unsupported simulator snapshot.", [{ path: "version", message: "must be 1" }]);
    return new SimulatorPlatform(Simulation.restore(snap.simulation, opts), snap.styleMix, snap);
  }

  get now(): number {
    return this.simulation.now;
  }

  /** Runs the simulation to `time` and returns the updates to deliver to PropDesk, in time order. */
  advanceTo(time: number, opts: { maxUpdates?: number } = {}): PlatformUpdate[] {
    return this.simulation.advanceTo(time, opts);
  }

  /** The style and instruments an account id gets when the caller does not choose them. */
  styleFor(platformAccountId: string): { style: TraderStyle; instruments: readonly string[] } {
    const rng = new SeededRandom(mixSeed(this.simulation.seed, "style", platformAccountId));
    const style = traderStyles[rng.weighted(traderStyles.map((s) => this.styleMix[s]))]!;
    const available = new Set(this.simulation.market.instruments.map((m) => m.symbol));
    const sets = styleInstrumentSets[style].filter((set) => set.every((sym) => available.has(sym)));
    const instruments = sets.length > 0 ? sets[Math.floor(rng.next() * sets.length)]! : [[...available][0]!];
    return { style, instruments };
  }

  async provisionAccount(input: SimulatorProvisionInput): Promise<ProvisionedAccount> {
    const issues: ErrorIssue[] = [];
    checkText(input.reference, "reference", 64, issues);
    checkText(input.label, "label", 128, issues);
    if (input.currency !== "USD")
      issues.push({ path: "currency", message: "the simulator runs USD accounts only" });
    if (typeof input.balance !== "bigint" || input.balance <= 0n)
      issues.push({ path: "balance", message: "must be a positive amount of minor units" });
    if (input.style !== undefined && !isTraderStyle(input.style))
      issues.push({ path: "style", message: `must be one of ${traderStyles.join(", ")}` });
    if (issues.length > 0)
      invalid(`Invalid account: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, issues);
    const fp = fingerprintOf(
      "provisionAccount",
      input.reference,
      input.currency,
      input.balance,
      input.label,
      {
        style: input.style ?? null,
        instruments: input.instruments ?? null,
      },
    );
    return this.idempotency.run(
      input.idempotencyKey,
      fp,
      {
        encode: (v: ProvisionedAccount): Json => ({ ...v }),
        decode: (j) => j as unknown as ProvisionedAccount,
      },
      () => {
        const existing = this.references.get(input.reference);
        if (existing) {
          throw new AppError(
            "CONFLICT",
            `Reference ${input.reference} is already provisioned as ${existing}.`,
            {
              issues: [{ path: "reference", message: "already provisioned" }],
              details: { platformAccountId: existing },
            },
          );
        }
        const n = this.provisioned + 1;
        const platformAccountId = `SIM-${n}`;
        // Drawn from the account's place in the provisioning order, not from the caller's reference
        // (a random UUID in PropDesk): the same seed and the same calls give the same traders.
        const drawn = this.styleFor(platformAccountId);
        this.simulation.addAccount({
          platformAccountId,
          balance: input.balance,
          currency: input.currency,
          style: input.style ?? drawn.style,
          instruments: input.instruments ?? drawn.instruments,
        });
        this.provisioned = n;
        this.references.set(input.reference, platformAccountId);
        return { platformAccountId, login: `${7_000_000 + n}` };
      },
    );
  }

  async setTradingEnabled(platformAccountId: string, enabled: boolean, opts: ActionOptions): Promise<void> {
    const fp = fingerprintOf("setTradingEnabled", platformAccountId, enabled, opts.reason);
    this.idempotency.run(opts.idempotencyKey, fp, { encode: () => null, decode: () => undefined }, () =>
      this.simulation.setTradingEnabled(platformAccountId, enabled),
    );
  }

  async closeAllPositions(platformAccountId: string, opts: ActionOptions): Promise<CloseAllResult> {
    const fp = fingerprintOf("closeAllPositions", platformAccountId, opts.reason);
    return this.idempotency.run(
      opts.idempotencyKey,
      fp,
      {
        encode: (v: CloseAllResult): Json => ({
          closed: v.closed,
          realizedProfit: v.realizedProfit.toString(),
        }),
        decode: (j) => {
          const o = j as { closed: number; realizedProfit: string };
          return { closed: o.closed, realizedProfit: BigInt(o.realizedProfit) };
        },
      },
      () => this.simulation.closeAllPositions(platformAccountId),
    );
  }

  async getAccountSnapshot(platformAccountId: string): Promise<AccountSnapshot> {
    const s = this.simulation.account(platformAccountId);
    return {
      balance: s.balance,
      equity: s.equity,
      openPositions: s.openPositions,
      tradingEnabled: s.tradingEnabled,
      currency: s.currency,
      at: new Date(s.at),
    };
  }

  async adjustBalance(
    platformAccountId: string,
    input: AdjustBalanceInput,
  ): Promise<BalanceAdjustmentResult> {
    const issues: ErrorIssue[] = [];
    if (typeof input.amount !== "bigint" || input.amount === 0n)
      issues.push({ path: "amount", message: "must be a non-zero amount of minor units" });
    if (typeof input.reason !== "string" || input.reason.length > 500)
      issues.push({ path: "reason", message: "must be a string of at most 500 characters" });
    if (issues.length > 0)
      invalid(`Invalid balance adjustment: ${issues.map((i) => i.path).join(", ")}`, issues);
    const fp = fingerprintOf("adjustBalance", platformAccountId, input.amount, input.reason);
    return this.idempotency.run(
      input.idempotencyKey,
      fp,
      {
        encode: (v: BalanceAdjustmentResult): Json => ({
          adjustmentId: v.adjustmentId,
          balance: v.balance.toString(),
        }),
        decode: (j) => {
          const o = j as { adjustmentId: string; balance: string };
          return { adjustmentId: o.adjustmentId, balance: BigInt(o.balance) };
        },
      },
      () => {
        const adjustmentId = `ADJ-${this.adjustments.length + 1}`;
        const balance = this.simulation.adjustBalance(
          platformAccountId,
          input.amount,
          adjustmentId,
          input.reason,
        );
        this.adjustments.push({
          adjustmentId,
          platformAccountId,
          idempotencyKey: input.idempotencyKey,
          amount: input.amount.toString(),
          balanceAfter: balance.toString(),
          reason: input.reason,
          at: this.simulation.now,
        });
        return { adjustmentId, balance };
      },
    );
  }

  async listBalanceAdjustments(
    platformAccountId: string | "all",
    period: Period,
  ): Promise<BalanceAdjustment[]> {
    const from = period?.from?.getTime?.();
    const to = period?.to?.getTime?.();
    if (!Number.isFinite(from) || !Number.isFinite(to) || (from as number) > (to as number)) {
      invalid("period must be two dates with from <= to.", [
        { path: "period", message: "from and to must be dates, from <= to" },
      ]);
    }
    if (platformAccountId !== "all") this.simulation.account(platformAccountId);
    return this.adjustments
      .filter(
        (x) =>
          (platformAccountId === "all" || x.platformAccountId === platformAccountId) &&
          x.at >= (from as number) &&
          x.at < (to as number),
      )
      .map((x) => ({
        adjustmentId: x.adjustmentId,
        platformAccountId: x.platformAccountId,
        idempotencyKey: x.idempotencyKey,
        amount: BigInt(x.amount),
        balanceAfter: BigInt(x.balanceAfter),
        currency: "USD",
        reason: x.reason,
        at: new Date(x.at),
      }));
  }

  /** Everything needed to resume after a restart, as plain JSON. */
  snapshot(): SimulatorPlatformSnapshot {
    return {
      version: 1,
      simulation: this.simulation.snapshot(),
      styleMix: { ...this.styleMix },
      provisioned: this.provisioned,
      references: [...this.references],
      idempotency: this.idempotency.toJSON(),
      adjustments: this.adjustments.slice(),
    };
  }
}

export function createSimulatorPlatform(opts: SimulatorPlatformOptions): SimulatorPlatform {
  return SimulatorPlatform.create(opts);
}
