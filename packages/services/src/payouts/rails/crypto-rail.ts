import { AppError } from "@propdesk/domain";
import { formatMoney } from "@propdesk/domain/money";
import type { JsonValue, PayoutRail, RailOutcome, RailPayment } from "./payout-rail";

/**
 * Stablecoin payouts through a custody provider's withdrawal API (the shape custody providers
 * share: create a withdrawal with an idempotency key, read it back, list them for a period):
 *
 *   POST /v1/withdrawals       Authorization: Bearer <key>, Idempotency-Key: <key>
 *        {"reference","chain","asset","address","amount":"123.45","note"}
 *     → 200/201 {"id","status":"confirmed"|"pending"|"failed","tx_hash","chain","asset","address",
 *                "amount","reference","created_at","confirmed_at","failure_reason"}
 *   GET  /v1/withdrawals/:id   → the same object
 *   GET  /v1/withdrawals?from=<iso>&to=<iso>&cursor=<c> → {"data":[…],"next_cursor":null|"…"}
 *
 * A 4xx answer is the provider refusing this withdrawal (bad address, unsupported asset): the
 * attempt fails for good. A 5xx answer, a timeout or a broken connection is temporary: the call is
 * retried with the same key, which the provider answers with the first result.
 *
 * USDT and USDC are paid 1:1 for USD amounts; other payout currencies are refused.
 */

export const cryptoChains = ["ethereum", "tron", "polygon", "solana"] as const;
export type CryptoChain = (typeof cryptoChains)[number];
export const cryptoAssets = ["USDT", "USDC"] as const;

/** Address formats per chain: EVM hex, Tron base58check ("T…"), Solana base58 public keys. */
export const addressPatterns: Record<CryptoChain, RegExp> = {
  ethereum: /^0x[0-9a-fA-F]{40}$/,
  polygon: /^0x[0-9a-fA-F]{40}$/,
  tron: /^T[1-9A-HJ-NP-Za-km-z]{33}$/,
  solana: /^[1-9A-HJ-NP-Za-km-z]{32,44}$/,
};

export interface CryptoWithdrawal {
  id: string;
  status: "confirmed" | "pending" | "failed";
  tx_hash: string | null;
  chain: string;
  asset: string;
  address: string;
  amount: string;
  reference: string;
  created_at: string;
  confirmed_at: string | null;
  failure_reason: string | null;
}

export interface CryptoRailConfig {
  endpointUrl: string;
  apiKey: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

function outcomeOf(w: CryptoWithdrawal): RailOutcome {
  const response = w as unknown as JsonValue;
  if (w.status === "confirmed")
    return {
      status: "paid",
      railReference: w.id,
      txHash: w.tx_hash ?? undefined,
      chain: w.chain,
      address: w.address,
      response,
    };
  if (w.status === "pending") return { status: "pending", railReference: w.id, response };
  return {
    status: "failed",
    railReference: w.id,
    reason: `The custody provider failed the withdrawal: ${w.failure_reason ?? "no reason given"}.`,
    response,
  };
}

export class CryptoRail implements PayoutRail {
  readonly name = "crypto" as const;
  constructor(private readonly config: CryptoRailConfig) {}

  private async call(method: string, path: string, body?: unknown, idempotencyKey?: string) {
    const url = new URL(
      path,
      this.config.endpointUrl.endsWith("/") ? this.config.endpointUrl : `${this.config.endpointUrl}/`,
    );
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.config.apiKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw new AppError(
        "EXTERNAL_FAILURE",
        `The crypto custody provider could not be reached: ${(e as Error).message}.`,
        {
          cause: e,
        },
      );
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  }

  async send(p: RailPayment): Promise<RailOutcome> {
    const d = p.destination;
    if (p.currency !== "USD")
      return {
        status: "failed",
        reason: `Crypto payouts are paid in USD stablecoins; this payout is in ${p.currency}.`,
        response: null,
      };
    if (!d.chain || !d.asset || !d.address)
      return { status: "failed", reason: "The destination has no chain, asset or address.", response: null };
    const r = await this.call(
      "POST",
      "v1/withdrawals",
      {
        reference: p.idempotencyKey,
        chain: d.chain,
        asset: d.asset,
        address: d.address,
        amount: formatMoney(p.amount, p.currency),
        note: p.description,
      },
      p.idempotencyKey,
    );
    return this.interpret(r, "send the withdrawal");
  }

  async check(railReference: string): Promise<RailOutcome> {
    const r = await this.call("GET", `v1/withdrawals/${encodeURIComponent(railReference)}`);
    return this.interpret(r, "read the withdrawal");
  }

  private interpret(r: { status: number; json: unknown; text: string }, doing: string): RailOutcome {
    if (r.status >= 200 && r.status < 300 && r.json && typeof r.json === "object")
      return outcomeOf(r.json as CryptoWithdrawal);
    const message =
      (r.json as { error?: { message?: string } } | null)?.error?.message ??
      (r.text.slice(0, 200) || `HTTP ${r.status}`);
    if (r.status === 409)
      throw new AppError(
        "INTERNAL",
        `The custody provider refused to ${doing}: ${message} (idempotency conflict).`,
      );
    if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429)
      return {
        status: "failed",
        reason: `The custody provider refused the withdrawal: ${message}`,
        response: (r.json ?? r.text) as JsonValue,
      };
    throw new AppError(
      "EXTERNAL_FAILURE",
      `The custody provider could not ${doing} (HTTP ${r.status}): ${message}`,
    );
  }

  /** Every withdrawal created in [from, to), for reconciliation. */
  async listWithdrawals(period: { from: Date; to: Date }): Promise<CryptoWithdrawal[]> {
    const out: CryptoWithdrawal[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const q = new URLSearchParams({ from: period.from.toISOString(), to: period.to.toISOString() });
      if (cursor) q.set("cursor", cursor);
      const r = await this.call("GET", `v1/withdrawals?${q}`);
      if (r.status !== 200)
        throw new AppError(
          "EXTERNAL_FAILURE",
          `The custody provider could not list withdrawals (HTTP ${r.status}).`,
        );
      const body = r.json as { data: CryptoWithdrawal[]; next_cursor: string | null };
      out.push(...body.data);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return out;
  }
}
