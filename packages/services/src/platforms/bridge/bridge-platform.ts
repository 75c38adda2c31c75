import { bridge, dataLayer } from "@propdesk/db";
import { AppError, type ErrorCode, formatMoney, parseMoney } from "@propdesk/domain";
import { decryptSecret } from "../../crypto/secrets";
import { env } from "../../env/env";
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
import { signedHeaders } from "./bridge-signature";

/**
 * The trading-platform adapter for real platforms (MT4/MT5, cTrader, Match-Trader, DXtrade,
 * TradeLocker, futures platforms) behind the firm's connector. Updates come in over the signed
 * ingest endpoint; actions go out here as signed JSON POSTs to the connector's webhook URL
 * (docs/openapi/platform-bridge.yaml, "webhooks"): one attempt per `timeoutMs`, retried with
 * backoff on network errors, timeouts, 429 and 5xx, never on another 4xx. Every action carries its
 * idempotency key (body and `Idempotency-Key` header) so the connector performs it once however
 * often it is delivered.
 */
export interface BridgeConfig {
  webhookUrl: string;
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
}

export type BridgeConfigSource = () => Promise<BridgeConfig>;

/**
 * Values read at most `maxAgeMs` ago, per key. A key in use is read again in the background once its
 * value is `refreshAfterMs` old, so a key used at least that often never makes a caller wait for the
 * read (a breach's platform action must not queue behind a settings query), while no value older
 * than `maxAgeMs` is ever returned. Concurrent reads of one key share one load; a value read before
 * `forget` is not stored.
 */
export function refreshAheadCache<T>(
  load: (key: string) => Promise<T>,
  opts: { maxAgeMs: number; refreshAfterMs: number; now?: () => number },
) {
  const now = opts.now ?? Date.now;
  const values = new Map<string, { at: number; value: T }>();
  const loading = new Map<string, Promise<T>>();
  const generation = new Map<string, number>();
  const read = (key: string): Promise<T> => {
    const inFlight = loading.get(key);
    if (inFlight) return inFlight;
    // The value's age counts from when the read began.
    const at = now();
    const gen = generation.get(key) ?? 0;
    const p = load(key)
      .then((value) => {
        if ((generation.get(key) ?? 0) === gen) values.set(key, { at, value });
        return value;
      })
      .catch((e: unknown) => {
        // Gone or unreadable: the next caller reads again (and gets the error) instead of old settings.
        if ((generation.get(key) ?? 0) === gen) values.delete(key);
        throw e;
      })
      .finally(() => {
        if (loading.get(key) === p) loading.delete(key);
      });
    loading.set(key, p);
    return p;
  };
  return {
    get(key: string): Promise<T> {
      const hit = values.get(key);
      const age = hit ? now() - hit.at : Number.POSITIVE_INFINITY;
      if (!hit || age >= opts.maxAgeMs) return read(key);
      if (age >= opts.refreshAfterMs) read(key).catch(() => {});
      return Promise.resolve(hit.value);
    },
    forget(key: string): void {
      generation.set(key, (generation.get(key) ?? 0) + 1);
      values.delete(key);
      loading.delete(key);
    },
  };
}

const bridgeConfigs = refreshAheadCache(
  async (tenantId): Promise<BridgeConfig> => {
    const row = await dataLayer().withTenant(tenantId, (db) => bridge.findBridgeSettings(db));
    if (!row)
      throw new AppError(
        "PRECONDITION_FAILED",
        "This firm has no platform bridge configured: set the connector's webhook URL under Risk → Platform bridge.",
      );
    return {
      webhookUrl: row.webhookUrl,
      secret: decryptSecret(row.webhookSecretSealed, env().ENCRYPTION_KEY),
      timeoutMs: row.timeoutMs,
      maxAttempts: row.maxAttempts,
    };
  },
  { maxAgeMs: 5_000, refreshAfterMs: 2_500 },
);

/** The tenant's bridge settings, cached (a settings change applies within 5 s). */
export function tenantBridgeConfig(tenantId: string): BridgeConfigSource {
  return () => bridgeConfigs.get(tenantId);
}

/** Forgets cached settings (after they were changed in this process). */
export function forgetBridgeConfig(tenantId: string): void {
  bridgeConfigs.forget(tenantId);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorCodeFor(status: number, body: { error?: { code?: string } } | null): ErrorCode {
  const code = body?.error?.code;
  if (status === 404) return "NOT_FOUND";
  if (status === 409 && code === "IDEMPOTENCY_MISMATCH") return "IDEMPOTENCY_MISMATCH";
  if (status === 409) return "CONFLICT";
  if (status === 400 || status === 422) return "VALIDATION";
  if (status === 412) return "PRECONDITION_FAILED";
  return "EXTERNAL_FAILURE";
}

export class BridgePlatform implements TradingPlatform {
  readonly name = "bridge";

  constructor(
    private readonly config: BridgeConfigSource,
    private readonly opts: { fetch?: typeof fetch; backoffMs?: number } = {},
  ) {}

  /** Posts one action and returns the connector's JSON answer. */
  private async call<T>(
    action: string,
    payload: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<T> {
    const cfg = await this.config();
    const body = JSON.stringify({ action, ...(idempotencyKey ? { idempotencyKey } : {}), ...payload });
    const doFetch = this.opts.fetch ?? fetch;
    let lastError = "";
    for (let attempt = 1; attempt <= cfg.maxAttempts; attempt++) {
      if (attempt > 1) await sleep((this.opts.backoffMs ?? 200) * 2 ** (attempt - 2));
      let res: Response;
      try {
        res = await doFetch(cfg.webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "PropDesk-Bridge/1",
            "x-propdesk-action": action,
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
            "x-propdesk-attempt": String(attempt),
            ...signedHeaders(cfg.secret, body),
          },
          body,
          signal: AbortSignal.timeout(cfg.timeoutMs),
        });
      } catch (e) {
        lastError =
          (e as Error).name === "TimeoutError" ? `timed out after ${cfg.timeoutMs} ms` : (e as Error).message;
        continue;
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (res.ok) {
        if (json === null || typeof json !== "object")
          throw new AppError(
            "EXTERNAL_FAILURE",
            `The connector answered ${action} with a body that is not JSON.`,
          );
        return json as T;
      }
      const message = (json as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 200);
      lastError = `HTTP ${res.status}${message ? `: ${message}` : ""}`;
      if (res.status === 429 || res.status >= 500) continue;
      throw new AppError(
        errorCodeFor(res.status, json as { error?: { code?: string } }),
        `The connector refused ${action}: ${lastError}`,
        { details: { status: res.status } },
      );
    }
    throw new AppError(
      "EXTERNAL_FAILURE",
      `The connector did not complete ${action} after ${cfg.maxAttempts} attempts (${lastError}).`,
    );
  }

  async provisionAccount(input: ProvisionAccountInput): Promise<ProvisionedAccount> {
    const r = await this.call<{ platformAccountId?: unknown; login?: unknown }>(
      "provision_account",
      {
        reference: input.reference,
        currency: input.currency,
        balance: formatMoney(input.balance, input.currency),
        label: input.label,
      },
      input.idempotencyKey,
    );
    if (
      typeof r.platformAccountId !== "string" ||
      r.platformAccountId.length === 0 ||
      r.platformAccountId.length > 64
    )
      throw new AppError(
        "EXTERNAL_FAILURE",
        "The connector's provision_account answer has no platformAccountId.",
      );
    return {
      platformAccountId: r.platformAccountId,
      login: typeof r.login === "string" ? r.login : r.platformAccountId,
    };
  }

  async setTradingEnabled(platformAccountId: string, enabled: boolean, opts: ActionOptions): Promise<void> {
    await this.call(
      "set_trading_enabled",
      { account: platformAccountId, enabled, reason: opts.reason },
      opts.idempotencyKey,
    );
  }

  async closeAllPositions(platformAccountId: string, opts: ActionOptions): Promise<CloseAllResult> {
    const r = await this.call<{ closed?: unknown; realizedProfit?: unknown; currency?: unknown }>(
      "close_all_positions",
      { account: platformAccountId, reason: opts.reason },
      opts.idempotencyKey,
    );
    const currency = typeof r.currency === "string" ? r.currency : "USD";
    return {
      closed: typeof r.closed === "number" ? r.closed : 0,
      realizedProfit:
        typeof r.realizedProfit === "string" ? parseMoney(r.realizedProfit, currency, "realizedProfit") : 0n,
    };
  }

  async getAccountSnapshot(platformAccountId: string): Promise<AccountSnapshot> {
    const r = await this.call<Record<string, unknown>>("get_account_snapshot", {
      account: platformAccountId,
    });
    const currency = String(r.currency ?? "");
    const at = new Date(String(r.at ?? ""));
    if (Number.isNaN(at.getTime()))
      throw new AppError("EXTERNAL_FAILURE", "The connector's account snapshot has no valid `at` time.");
    return {
      balance: parseMoney(String(r.balance), currency, "balance"),
      equity: parseMoney(String(r.equity), currency, "equity"),
      openPositions: Number(r.openPositions ?? 0),
      tradingEnabled: r.tradingEnabled === true,
      currency,
      at,
    };
  }

  async adjustBalance(
    platformAccountId: string,
    input: AdjustBalanceInput,
  ): Promise<BalanceAdjustmentResult> {
    const snapshotCurrency = (await this.getAccountSnapshot(platformAccountId)).currency;
    const r = await this.call<{ adjustmentId?: unknown; balance?: unknown }>(
      "adjust_balance",
      {
        account: platformAccountId,
        amount: formatMoney(input.amount, snapshotCurrency),
        reason: input.reason,
      },
      input.idempotencyKey,
    );
    if (typeof r.adjustmentId !== "string")
      throw new AppError("EXTERNAL_FAILURE", "The connector's adjust_balance answer has no adjustmentId.");
    return {
      adjustmentId: r.adjustmentId,
      balance: parseMoney(String(r.balance), snapshotCurrency, "balance"),
    };
  }

  async listBalanceAdjustments(
    platformAccountId: string | "all",
    period: Period,
  ): Promise<BalanceAdjustment[]> {
    const r = await this.call<{ adjustments?: unknown }>("list_balance_adjustments", {
      account: platformAccountId,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    });
    if (!Array.isArray(r.adjustments))
      throw new AppError(
        "EXTERNAL_FAILURE",
        "The connector's list_balance_adjustments answer has no adjustments list.",
      );
    return r.adjustments.map((x: Record<string, unknown>) => {
      const currency = String(x.currency);
      return {
        adjustmentId: String(x.adjustmentId),
        platformAccountId: String(x.account),
        idempotencyKey: String(x.idempotencyKey ?? ""),
        amount: parseMoney(String(x.amount), currency, "amount"),
        balanceAfter: parseMoney(String(x.balanceAfter), currency, "balanceAfter"),
        currency,
        reason: String(x.reason ?? ""),
        at: new Date(String(x.at)),
      };
    });
  }
}
