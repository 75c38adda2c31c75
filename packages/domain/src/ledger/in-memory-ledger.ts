import { AppError } from "../errors";
import { displayMoney } from "../money";
import { type Balances, deriveBalances, type TrialBalance, trialBalance } from "./balances";
import type { LedgerAccountCode } from "./chart-of-accounts";
import {
  assertValidTransfer,
  compareForIdempotency,
  type PendingResolution,
  type Transfer,
  type TransferKind,
  type TransferRefs,
} from "./transfer";

/**
 * A balance rule the ledger enforces when a transfer is created. With `per`, the rule holds for
 * each value of that ref separately: "debits of trader_payouts_payable never exceed its credits,
 * per payoutId" means a payout can never be reserved or paid for more than was approved for it,
 * which is what makes a double payment impossible even if two attempts race.
 */
export interface BalanceConstraint {
  account: LedgerAccountCode;
  rule: "debits_must_not_exceed_credits" | "credits_must_not_exceed_debits";
  per?: Exclude<keyof TransferRefs, "attempt">;
  /** Only transfers of these kinds are checked (others may still move the balance). */
  kinds?: readonly TransferKind[];
}

export const defaultBalanceConstraints: readonly BalanceConstraint[] = [
  { account: "trader_payouts_payable", rule: "debits_must_not_exceed_credits", per: "payoutId" },
  {
    account: "affiliate_commissions_payable",
    rule: "debits_must_not_exceed_credits",
    per: "affiliateId",
    kinds: ["affiliate_payout"],
  },
];

export type ApplyResult = { outcome: "created" | "duplicate"; transfer: Transfer };
export type ResolveResult = { outcome: "posted" | "voided" | "duplicate"; transfer: Transfer };

interface Totals {
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}

/**
 * The reference ledger: the exact behaviour the database ledger must have, kept in memory. Transfers
 * are never edited; the only change is a pending transfer becoming posted or voided, once.
 */
export class InMemoryLedger {
  readonly currency: string;
  private readonly constraints: readonly BalanceConstraint[];
  private readonly byKey = new Map<string, Transfer>();
  private readonly order: string[] = [];
  private readonly groups = new Map<string, Totals>();

  constructor(opts: { currency: string; constraints?: readonly BalanceConstraint[] }) {
    this.currency = opts.currency;
    this.constraints = opts.constraints ?? defaultBalanceConstraints;
  }

  /** Creates a transfer, or does nothing if the same key was already applied with the same contents. */
  apply(incoming: Transfer): ApplyResult {
    assertValidTransfer(incoming);
    if (incoming.currency !== this.currency)
      throw new AppError(
        "VALIDATION",
        `Transfer ${incoming.idempotencyKey} is in ${incoming.currency} but this ledger is in ${this.currency}.`,
        { issues: [{ path: "currency", message: `must be ${this.currency}` }] },
      );
    const existing = this.byKey.get(incoming.idempotencyKey);
    if (existing) {
      const cmp = compareForIdempotency(existing, incoming);
      if (cmp.result === "same") return { outcome: "duplicate", transfer: existing };
      throw new AppError(
        "IDEMPOTENCY_MISMATCH",
        `Key ${incoming.idempotencyKey} was already used for a different transfer (${cmp.differences.map((d) => d.field).join(", ")} differ).`,
        {
          issues: cmp.differences.map((d) => ({
            path: d.field,
            message: `was ${d.existing}, now ${d.incoming}`,
          })),
          details: { differences: cmp.differences },
        },
      );
    }
    if (incoming.status === "voided")
      throw new AppError("VALIDATION", `Transfer ${incoming.idempotencyKey} cannot be created voided.`, {
        issues: [{ path: "status", message: "must be pending or posted when created" }],
      });
    if (incoming.twoPhase !== (incoming.status === "pending"))
      throw new AppError(
        "VALIDATION",
        `Transfer ${incoming.idempotencyKey}: a two-phase transfer is created pending, a single-phase one posted.`,
        { issues: [{ path: "status", message: "does not match twoPhase" }] },
      );
    this.checkConstraints(incoming);
    const stored = freeze(incoming);
    this.byKey.set(stored.idempotencyKey, stored);
    this.order.push(stored.idempotencyKey);
    this.track(stored, 1n);
    return { outcome: "created", transfer: stored };
  }

  /** Posts or voids a pending transfer. Repeating the same action is harmless; the opposite one is refused. */
  resolve(r: PendingResolution): ResolveResult {
    const t = this.byKey.get(r.idempotencyKey);
    if (!t) throw new AppError("NOT_FOUND", `No transfer with key ${r.idempotencyKey} to ${r.action}.`);
    if (!t.twoPhase)
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Transfer ${t.idempotencyKey} is single-phase: it was posted when created and cannot be ${r.action === "post" ? "posted" : "voided"}; reverse it instead.`,
      );
    const target = r.action === "post" ? "posted" : "voided";
    if (t.status === target) return { outcome: "duplicate", transfer: t };
    if (t.status !== "pending")
      throw new AppError(
        "ILLEGAL_TRANSITION",
        `Transfer ${t.idempotencyKey} is already ${t.status}; it cannot be ${target} as well.`,
      );
    this.track(t, -1n);
    const next = freeze({ ...t, status: target });
    this.byKey.set(t.idempotencyKey, next);
    this.track(next, 1n);
    return { outcome: target, transfer: next };
  }

  post(idempotencyKey: string): ResolveResult {
    return this.resolve({ idempotencyKey, action: "post" });
  }

  void(idempotencyKey: string): ResolveResult {
    return this.resolve({ idempotencyKey, action: "void" });
  }

  get(idempotencyKey: string): Transfer | undefined {
    return this.byKey.get(idempotencyKey);
  }

  /** Every transfer in creation order, in its current state. */
  transfers(): Transfer[] {
    return this.order.map((k) => this.byKey.get(k)!);
  }

  balances(): Balances {
    return deriveBalances(this.transfers());
  }

  trialBalance(): TrialBalance {
    return trialBalance(this.transfers());
  }

  private groupKey(c: BalanceConstraint, t: Transfer): string | null {
    if (c.per === undefined) return `${c.account}|*`;
    const v = t.refs[c.per];
    return v === undefined ? null : `${c.account}|${c.per}=${v}`;
  }

  private track(t: Transfer, sign: bigint): void {
    for (const c of this.constraints) {
      if (t.debitAccount !== c.account && t.creditAccount !== c.account) continue;
      const g = this.groupKey(c, t);
      if (g === null) continue;
      const tot = this.groups.get(g) ?? {
        debitsPosted: 0n,
        creditsPosted: 0n,
        debitsPending: 0n,
        creditsPending: 0n,
      };
      const amt = sign * t.amount;
      const isDebit = t.debitAccount === c.account;
      if (t.status === "posted") {
        if (isDebit) tot.debitsPosted += amt;
        else tot.creditsPosted += amt;
      } else if (t.status === "pending") {
        if (isDebit) tot.debitsPending += amt;
        else tot.creditsPending += amt;
      }
      this.groups.set(g, tot);
    }
  }

  private checkConstraints(t: Transfer): void {
    for (const c of this.constraints) {
      const limitedSide = c.rule === "debits_must_not_exceed_credits" ? t.debitAccount : t.creditAccount;
      if (limitedSide !== c.account) continue;
      if (c.kinds && !c.kinds.includes(t.kind)) continue;
      const g = this.groupKey(c, t);
      if (g === null)
        throw new AppError(
          "VALIDATION",
          `Transfer ${t.idempotencyKey} moves ${c.account} and must say which ${c.per} it belongs to.`,
          { issues: [{ path: `refs.${c.per}`, message: "required for this account" }] },
        );
      const tot = this.groups.get(g) ?? {
        debitsPosted: 0n,
        creditsPosted: 0n,
        debitsPending: 0n,
        creditsPending: 0n,
      };
      const available =
        c.rule === "debits_must_not_exceed_credits"
          ? tot.creditsPosted - tot.debitsPosted - tot.debitsPending
          : tot.debitsPosted - tot.creditsPosted - tot.creditsPending;
      if (t.amount > available) {
        const scope = c.per === undefined ? "" : ` for ${c.per} ${String(t.refs[c.per])}`;
        throw new AppError(
          "PRECONDITION_FAILED",
          `Transfer ${t.idempotencyKey} needs ${displayMoney(t.amount, t.currency)} from ${c.account}${scope} but only ${displayMoney(available, t.currency)} is available.`,
          { details: { account: c.account, group: g, available, requested: t.amount } },
        );
      }
    }
  }
}

function freeze(t: Transfer): Transfer {
  return Object.freeze({
    ...t,
    refs: Object.freeze({ ...t.refs }),
    metadata: Object.freeze({ ...t.metadata }),
  });
}
