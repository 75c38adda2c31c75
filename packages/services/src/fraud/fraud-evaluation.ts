import { commerceSettings, fraud, orders, type TenantDb, traders } from "@propdesk/db";
import {
  type ChargebackRecord,
  type FraudSignal,
  fraudSignalsForTrader,
  type PaymentRecord,
  type SignInRecord,
  type TradeOpenedEvent,
} from "@propdesk/domain/fraud";
import { recordAudit } from "../audit/record-audit";

/** Firm-level tuning of the signals (compliance settings `fraud_options`). */
export interface FraudOptions {
  extraDisposableDomains?: string[];
  allowDomains?: string[];
  ignoreIps?: string[];
  crowdedIpTraders?: number;
  copyWindowSeconds?: number;
  copyMinPairs?: number;
}

const TRADE_LOOKBACK_DAYS = 30;

/** JSON-safe evidence (bigints as strings). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/**
 * Every signal about one trader from the database: IPs and devices shared with other traders,
 * payment methods shared with other traders, copy trading and hedging against other traders'
 * accounts, a disposable e-mail domain, a chargeback history.
 */
export async function computeTraderSignals(
  db: TenantDb,
  traderId: string,
  now = new Date(),
): Promise<FraudSignal<unknown>[]> {
  const trader = await traders.findTrader(db, traderId);
  if (!trader) return [];
  const settings = await commerceSettings.findComplianceSettings(db);
  const opts = (settings?.fraudOptions ?? {}) as FraudOptions;
  const windowMs = (opts.copyWindowSeconds ?? 10) * 1000;

  const access = await fraud.accessEventsAround(db, traderId);
  const signIns: SignInRecord[] = access
    .filter((e) => e.ip || e.deviceId)
    .map((e) => ({
      traderId: e.traderId,
      at: e.occurredAt.getTime(),
      ip: e.ip ?? "",
      deviceFingerprint: e.deviceId,
    }));

  const own = await orders.listTraderPayments(db, traderId);
  const fingerprints = [...new Set(own.map((p) => p.paymentFingerprint!).filter(Boolean))];
  const shared = fingerprints.length ? await orders.paymentsWithFingerprints(db, fingerprints) : [];
  const seen = new Set<string>();
  const payments: PaymentRecord[] = [];
  for (const p of [...own, ...shared]) {
    if (seen.has(p.id) || !p.paymentFingerprint) continue;
    seen.add(p.id);
    payments.push({
      traderId: p.order.traderId,
      at: (p.succeededAt ?? p.createdAt).getTime(),
      paymentFingerprint: p.paymentFingerprint,
      ...(p.cardBrand ? { method: `${p.cardBrand} •••• ${p.cardLast4 ?? ""}`.trim() } : {}),
    });
  }

  const since = new Date(now.getTime() - TRADE_LOOKBACK_DAYS * 86_400_000);
  const tradeRows = await fraud.tradesNearTrader(db, traderId, since, windowMs);
  const trades: TradeOpenedEvent[] = tradeRows
    .filter((t) => t.lots !== null && Number(t.lots) > 0)
    .map((t) => ({
      tradeId: t.tradeId,
      accountId: t.tradingAccountId,
      traderId: t.traderId,
      symbol: t.symbol,
      side: t.side,
      volume: Number(t.lots),
      openedAt: t.openedAt.getTime(),
    }));

  const disputes = await orders.listTraderDisputes(db, traderId);
  const chargebacks: ChargebackRecord[] = disputes.map((d) => ({
    traderId,
    chargebackId: d.stripeDisputeId,
    at: d.openedAt.getTime(),
    amountMinor: d.amount,
    currency: d.currency,
    status: d.outcome as ChargebackRecord["status"],
    ...(d.reason ? { reason: d.reason } : {}),
  }));

  return fraudSignalsForTrader(
    { traderId, email: trader.email, signIns, payments, trades, chargebacks },
    {
      sharedIdentifiers: {
        ...(opts.crowdedIpTraders ? { crowdedIpTraders: opts.crowdedIpTraders } : {}),
        ...(opts.ignoreIps?.length ? { ignore: { ips: opts.ignoreIps } } : {}),
      },
      copyTrading: { windowMs, ...(opts.copyMinPairs ? { minPairs: opts.copyMinPairs } : {}) },
      disposableEmail: {
        ...(opts.extraDisposableDomains ? { extraDomains: opts.extraDisposableDomains } : {}),
        ...(opts.allowDomains ? { allowDomains: opts.allowDomains } : {}),
      },
    },
  );
}

const rank = { low: 0, medium: 1, high: 2 } as const;

/**
 * One flag per kind: copy trading (or hedging) with two other traders gives two signals, kept
 * together as one flag with both reasons, every related trader and the highest severity.
 */
export function mergeByKind(signals: FraudSignal<unknown>[]): FraudSignal<unknown>[] {
  const byKind = new Map<string, FraudSignal<unknown>[]>();
  for (const s of signals) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  return [...byKind.values()].map((group) =>
    group.length === 1
      ? group[0]!
      : {
          ...group[0]!,
          severity: group.reduce((m, s) => (rank[s.severity] > rank[m] ? s.severity : m), group[0]!.severity),
          relatedTraderIds: [...new Set(group.flatMap((s) => s.relatedTraderIds))].sort(),
          reason: group.map((s) => s.reason).join(" "),
          evidence: {
            signals: group.map((s) => ({ relatedTraderIds: s.relatedTraderIds, evidence: s.evidence })),
          },
        },
  );
}

/**
 * Brings the trader's flags in line with the signals that fire now: new signals open a flag,
 * firing ones refresh their reason and evidence, ones that stopped firing are cleared. A flag
 * compliance dismissed stays dismissed unless it got worse (higher severity or new traders).
 * Returns the traders the signals relate to.
 */
export async function refreshTraderFlags(
  db: TenantDb,
  traderId: string,
  now = new Date(),
): Promise<string[]> {
  const signals = mergeByKind(await computeTraderSignals(db, traderId, now));
  const existing = await fraud.listFlags(db, { traderId, take: 100 });
  const related = new Set<string>();
  for (const s of signals) {
    for (const r of s.relatedTraderIds) related.add(r);
    const flag = existing.find((f) => f.kind === s.kind);
    const evidence = jsonSafe(s.evidence) as never;
    if (!flag) {
      const created = await fraud.createFlag(db, {
        traderId,
        kind: s.kind,
        severity: s.severity,
        reason: s.reason,
        evidence,
        relatedTraderIds: s.relatedTraderIds,
        at: now,
      });
      await recordAudit(db, {
        actor: { type: "system", label: "fraud signals" },
        action: "fraud.flag_raised",
        target: { type: "trader", id: traderId },
        after: { flag: created.id, kind: s.kind, severity: s.severity, reason: s.reason },
      });
      continue;
    }
    const worse =
      rank[s.severity] > rank[flag.severity as keyof typeof rank] ||
      s.relatedTraderIds.some((t) => !flag.relatedTraderIds.includes(t));
    const status = flag.status === "cleared" || (flag.status === "dismissed" && worse) ? "open" : flag.status;
    await fraud.updateFlag(db, flag.id, {
      severity: s.severity,
      reason: s.reason,
      evidence,
      relatedTraderIds: s.relatedTraderIds,
      lastDetectedAt: now,
      status,
    });
    if (status !== flag.status)
      await recordAudit(db, {
        actor: { type: "system", label: "fraud signals" },
        action: "fraud.flag_reopened",
        target: { type: "trader", id: traderId },
        before: { status: flag.status },
        after: { flag: flag.id, kind: s.kind, severity: s.severity, reason: s.reason },
      });
  }
  for (const flag of existing) {
    if (flag.status === "open" && !signals.some((s) => s.kind === flag.kind))
      await fraud.updateFlag(db, flag.id, { status: "cleared" });
  }
  return [...related];
}
