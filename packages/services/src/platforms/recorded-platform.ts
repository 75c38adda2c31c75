import { platformActions } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError, isAppError } from "@propdesk/domain";
import { canonicalJson } from "@propdesk/domain/programs";
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
} from "./trading-platform";

type Json = string | number | boolean | { [key: string]: Json } | Json[];

interface Codec<T> {
  encode(v: T): Json;
  decode(j: unknown): T;
}

const voidCodec: Codec<void> = { encode: () => ({}), decode: () => undefined };
const provisionCodec: Codec<ProvisionedAccount> = {
  encode: (v) => ({ platformAccountId: v.platformAccountId, login: v.login }),
  decode: (j) => j as ProvisionedAccount,
};
const closeCodec: Codec<CloseAllResult> = {
  encode: (v) => ({ closed: v.closed, realizedProfit: v.realizedProfit.toString() }),
  decode: (j) => {
    const o = j as { closed: number; realizedProfit: string };
    return { closed: o.closed, realizedProfit: BigInt(o.realizedProfit) };
  },
};
const adjustCodec: Codec<BalanceAdjustmentResult> = {
  encode: (v) => ({ adjustmentId: v.adjustmentId, balance: v.balance.toString() }),
  decode: (j) => {
    const o = j as { adjustmentId: string; balance: string };
    return { adjustmentId: o.adjustmentId, balance: BigInt(o.balance) };
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An action that started this long ago and never finished is taken over (its process died). */
const stuckAfterMs = 30_000;

/**
 * Wraps a platform adapter so that every action is recorded in `platform_actions` with its result,
 * and performed once per idempotency key across processes: the first caller claims the key and
 * calls the platform; a later caller with the same key gets the recorded result (waiting a moment
 * if the first is still in flight). A failed action is retried by the next caller.
 */
export class RecordedPlatform implements TradingPlatform {
  readonly name: string;

  constructor(
    private readonly tenantId: string,
    private readonly platform: "simulator" | "bridge",
    private readonly inner: TradingPlatform,
  ) {
    this.name = inner.name;
  }

  private async record<T>(
    a: {
      action: platformActions.PlatformActionName;
      idempotencyKey: string;
      tradingAccountId: string | null;
      platformAccountId: string | null;
      reason: string;
      request: Json;
    },
    codec: Codec<T>,
    call: () => Promise<T>,
  ): Promise<T> {
    if (
      typeof a.idempotencyKey !== "string" ||
      a.idempotencyKey.length === 0 ||
      a.idempotencyKey.length > 200
    )
      throw new AppError(
        "VALIDATION",
        "idempotencyKey must be a non-empty string of at most 200 characters.",
        {
          issues: [{ path: "idempotencyKey", message: "must be 1-200 characters" }],
        },
      );
    // Plain SQL: a breach's platform actions are on the live-risk fast path. The usual case, a key
    // nobody has claimed yet, is one statement in one round trip; a key already claimed is looked
    // at in a unit of work below.
    const db = sqlLayer();
    let id = await platformActions.beginPlatformAction(db.writer(this.tenantId), {
      ...a,
      platform: this.platform,
      requestedAt: new Date(),
    });
    for (let waited = 0; id === null; ) {
      const requestedAt = new Date();
      type Claim = { kind: "mine"; id: string } | { kind: "done"; result: unknown } | { kind: "wait" };
      const claimed = await db.withTenant(this.tenantId, async (tx): Promise<Claim> => {
        const newId = await platformActions.beginPlatformAction(tx, {
          ...a,
          platform: this.platform,
          requestedAt,
        });
        if (newId) return { kind: "mine", id: newId };
        const row = await platformActions.findPlatformActionByKey(tx, a.idempotencyKey);
        if (!row) return { kind: "wait" };
        // jsonb does not keep key order: compare canonical forms.
        if (row.action !== a.action || canonicalJson(row.request) !== canonicalJson(a.request))
          throw new AppError(
            "IDEMPOTENCY_MISMATCH",
            `Idempotency key "${a.idempotencyKey}" was already used for another platform action.`,
          );
        if (row.status === "succeeded") return { kind: "done", result: row.result };
        if (row.status === "failed" || Date.now() - row.requestedAt.getTime() > stuckAfterMs) {
          await platformActions.retryPlatformAction(tx, row.id, requestedAt);
          return { kind: "mine", id: row.id };
        }
        return { kind: "wait" };
      });
      if (claimed.kind === "done") return codec.decode(claimed.result);
      if (claimed.kind === "mine") {
        id = claimed.id;
        break;
      }
      if (waited > 15_000)
        throw new AppError("EXTERNAL_FAILURE", `Platform action ${a.action} is still in progress elsewhere.`);
      await sleep(100);
      waited += 100;
    }
    const started = performance.now();
    try {
      const result = await call();
      await db.withTenant(this.tenantId, (tx) =>
        platformActions.completePlatformAction(
          tx,
          id!,
          { status: "succeeded", result: codec.encode(result), completedAt: new Date() },
          Math.round(performance.now() - started),
        ),
      );
      return result;
    } catch (e) {
      const message = isAppError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      await db
        .withTenant(this.tenantId, (tx) =>
          platformActions.completePlatformAction(
            tx,
            id!,
            { status: "failed", error: message.slice(0, 1000), completedAt: new Date() },
            Math.round(performance.now() - started),
          ),
        )
        .catch(() => {});
      throw e;
    }
  }

  provisionAccount(input: ProvisionAccountInput): Promise<ProvisionedAccount> {
    return this.record(
      {
        action: "provision_account",
        idempotencyKey: input.idempotencyKey,
        // Our reference is the trading account's id.
        tradingAccountId: /^[0-9a-f-]{36}$/.test(input.reference) ? input.reference : null,
        platformAccountId: null,
        reason: `provision ${input.label}`,
        request: {
          reference: input.reference,
          currency: input.currency,
          balance: input.balance.toString(),
          label: input.label,
        },
      },
      provisionCodec,
      () => this.inner.provisionAccount(input),
    );
  }

  setTradingEnabled(platformAccountId: string, enabled: boolean, opts: ActionOptions): Promise<void> {
    return this.record(
      {
        action: "set_trading_enabled",
        idempotencyKey: opts.idempotencyKey,
        tradingAccountId: null,
        platformAccountId,
        reason: opts.reason,
        request: { account: platformAccountId, enabled },
      },
      voidCodec,
      () => this.inner.setTradingEnabled(platformAccountId, enabled, opts),
    );
  }

  closeAllPositions(platformAccountId: string, opts: ActionOptions): Promise<CloseAllResult> {
    return this.record(
      {
        action: "close_all_positions",
        idempotencyKey: opts.idempotencyKey,
        tradingAccountId: null,
        platformAccountId,
        reason: opts.reason,
        request: { account: platformAccountId },
      },
      closeCodec,
      () => this.inner.closeAllPositions(platformAccountId, opts),
    );
  }

  getAccountSnapshot(platformAccountId: string): Promise<AccountSnapshot> {
    return this.inner.getAccountSnapshot(platformAccountId);
  }

  adjustBalance(platformAccountId: string, input: AdjustBalanceInput): Promise<BalanceAdjustmentResult> {
    return this.record(
      {
        action: "adjust_balance",
        idempotencyKey: input.idempotencyKey,
        tradingAccountId: null,
        platformAccountId,
        reason: input.reason,
        request: { account: platformAccountId, amount: input.amount.toString() },
      },
      adjustCodec,
      () => this.inner.adjustBalance(platformAccountId, input),
    );
  }

  listBalanceAdjustments(platformAccountId: string | "all", period: Period): Promise<BalanceAdjustment[]> {
    return this.inner.listBalanceAdjustments(platformAccountId, period);
  }
}
