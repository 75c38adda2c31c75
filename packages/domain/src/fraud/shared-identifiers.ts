import type { FraudSeverity, FraudSignal, FraudSignalKind } from "./fraud-signal";
import { listPhrase, plural, sortSignals } from "./fraud-signal";

export interface SignInRecord {
  traderId: string;
  /** Epoch milliseconds. */
  at: number;
  ip: string;
  deviceFingerprint?: string | null;
}

export interface PaymentRecord {
  traderId: string;
  at: number;
  /** The processor's fingerprint of the card, bank account or wallet (never the number itself). */
  paymentFingerprint: string;
  method?: string;
}

export interface SharedIdentifierOptions {
  /**
   * An IP seen for more traders than this is treated as a shared network (mobile carrier NAT,
   * campus, VPN exit): the signal still fires, at low severity, and says so.
   */
  crowdedIpTraders?: number;
  /** Values never reported, e.g. the firm's own office IP or a test card fingerprint. */
  ignore?: { ips?: readonly string[]; devices?: readonly string[]; payments?: readonly string[] };
  /** Report only signals about these traders (default: everyone involved). */
  traderIds?: readonly string[];
}

export interface SharedValueEvidence {
  value: string;
  traderIds: string[];
  firstSeen: number;
  lastSeen: number;
  /** Sign-ins or payments carrying the value, all traders together. */
  occurrences: number;
}

export interface SharedIdentifierEvidence {
  shared: SharedValueEvidence[];
}

/** IPv4-mapped IPv6 ("::ffff:10.0.0.1") is the IPv4 address; IPv6 compares case-insensitively. */
export function normalizeIp(ip: string): string {
  const t = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  return mapped ? mapped[1]! : t;
}

/**
 * A loopback address says the request came from this machine (local development, or a proxy that
 * does not forward the client's address), not where the trader was: it is never evidence.
 */
export function isLoopbackIp(ip: string): boolean {
  const n = normalizeIp(ip);
  return n === "::1" || /^127\.\d+\.\d+\.\d+$/.test(n);
}

interface Seen {
  traders: Map<string, number>;
  first: number;
  last: number;
  count: number;
}

function collect(
  records: Iterable<{ traderId: string; at: number; value: string | null | undefined }>,
  ignore: ReadonlySet<string>,
): Map<string, Seen> {
  const byValue = new Map<string, Seen>();
  for (const r of records) {
    if (r.value === null || r.value === undefined || r.value === "" || ignore.has(r.value)) continue;
    let s = byValue.get(r.value);
    if (!s) {
      s = { traders: new Map(), first: r.at, last: r.at, count: 0 };
      byValue.set(r.value, s);
    }
    s.traders.set(r.traderId, (s.traders.get(r.traderId) ?? 0) + 1);
    s.first = Math.min(s.first, r.at);
    s.last = Math.max(s.last, r.at);
    s.count++;
  }
  return byValue;
}

const WHAT: Record<"shared_ip" | "shared_device" | "shared_payment_method", [string, string]> = {
  shared_ip: ["IP address", "IP addresses"],
  shared_device: ["device fingerprint", "device fingerprints"],
  shared_payment_method: ["payment method", "payment methods"],
};

/**
 * Traders who signed in from the same IP address or device, or paid with the same card, bank
 * account or wallet as another trader. One signal per trader and kind, listing every shared value
 * and every other trader. Severity: a shared payment method or device is high (one person behind
 * several accounts is the usual explanation); a shared IP is medium, or low when the IP is shared
 * by more than `crowdedIpTraders` traders (a carrier NAT or VPN exit explains that better).
 */
export function detectSharedIdentifiers(
  input: { signIns?: readonly SignInRecord[]; payments?: readonly PaymentRecord[] },
  opts: SharedIdentifierOptions = {},
): FraudSignal<SharedIdentifierEvidence>[] {
  const crowded = opts.crowdedIpTraders ?? 10;
  const only = opts.traderIds === undefined ? undefined : new Set(opts.traderIds);
  const signIns = input.signIns ?? [];
  const sources: [keyof typeof WHAT, Map<string, Seen>][] = [
    [
      "shared_ip",
      collect(
        signIns.flatMap((s) =>
          isLoopbackIp(s.ip) ? [] : [{ traderId: s.traderId, at: s.at, value: normalizeIp(s.ip) }],
        ),
        new Set((opts.ignore?.ips ?? []).map(normalizeIp)),
      ),
    ],
    [
      "shared_device",
      collect(
        signIns.map((s) => ({ traderId: s.traderId, at: s.at, value: s.deviceFingerprint })),
        new Set(opts.ignore?.devices ?? []),
      ),
    ],
    [
      "shared_payment_method",
      collect(
        (input.payments ?? []).map((p) => ({ traderId: p.traderId, at: p.at, value: p.paymentFingerprint })),
        new Set(opts.ignore?.payments ?? []),
      ),
    ],
  ];

  const signals: FraudSignal<SharedIdentifierEvidence>[] = [];
  for (const [kind, byValue] of sources) {
    // trader -> values it shares
    const perTrader = new Map<string, SharedValueEvidence[]>();
    for (const [value, seen] of byValue) {
      if (seen.traders.size < 2) continue;
      const traderIds = [...seen.traders.keys()].sort();
      const ev: SharedValueEvidence = {
        value,
        traderIds,
        firstSeen: seen.first,
        lastSeen: seen.last,
        occurrences: seen.count,
      };
      for (const t of traderIds) {
        if (only && !only.has(t)) continue;
        const list = perTrader.get(t);
        if (list) list.push(ev);
        else perTrader.set(t, [ev]);
      }
    }
    for (const [traderId, shared] of perTrader) {
      shared.sort((a, b) => a.value.localeCompare(b.value));
      const related = [...new Set(shared.flatMap((s) => s.traderIds))].filter((t) => t !== traderId).sort();
      const severity = severityOf(kind, shared, crowded);
      signals.push({
        kind: kind as FraudSignalKind,
        severity,
        traderId,
        relatedTraderIds: related,
        reason: reasonOf(kind, shared, related, severity, crowded),
        evidence: { shared },
      });
    }
  }
  return sortSignals(signals);
}

function severityOf(kind: keyof typeof WHAT, shared: SharedValueEvidence[], crowded: number): FraudSeverity {
  if (kind !== "shared_ip") return "high";
  return shared.every((s) => s.traderIds.length > crowded) ? "low" : "medium";
}

function reasonOf(
  kind: keyof typeof WHAT,
  shared: SharedValueEvidence[],
  related: string[],
  severity: FraudSeverity,
  crowded: number,
): string {
  const [one, many] = WHAT[kind];
  const values = shared.length === 1 ? `the ${one} ${shared[0]!.value}` : `${shared.length} ${many}`;
  const others =
    related.length <= 3
      ? `${related.length === 1 ? "trader" : "traders"} ${listPhrase(related)}`
      : plural(related.length, "other trader");
  const verb = kind === "shared_payment_method" ? "Paid with" : "Signed in with";
  const tail =
    severity === "low" ? ` (each used by more than ${crowded} traders, which suggests a shared network)` : "";
  return `${verb} ${values} also used by ${others}${tail}.`;
}
