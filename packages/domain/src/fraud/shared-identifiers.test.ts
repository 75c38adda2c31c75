import { describe, expect, it } from "vitest";
import type { PaymentRecord, SignInRecord } from "./shared-identifiers";
import { detectSharedIdentifiers, isLoopbackIp, normalizeIp } from "./shared-identifiers";

const T0 = Date.UTC(2025, 0, 1);
const signIn = (traderId: string, ip: string, device?: string | null, at = T0): SignInRecord => ({
  traderId,
  at,
  ip,
  deviceFingerprint: device ?? null,
});
const pay = (traderId: string, fp: string, at = T0): PaymentRecord => ({
  traderId,
  at,
  paymentFingerprint: fp,
});

describe("detectSharedIdentifiers fires", () => {
  it.each([
    [
      "two traders on one IP: medium for both",
      { signIns: [signIn("t1", "203.0.113.7"), signIn("t2", "203.0.113.7", null, T0 + 60_000)] },
      [
        ["shared_ip", "medium", "t1", ["t2"]],
        ["shared_ip", "medium", "t2", ["t1"]],
      ],
    ],
    [
      "IPv4-mapped IPv6 is the same address",
      { signIns: [signIn("t1", "::ffff:198.51.100.4"), signIn("t2", "198.51.100.4")] },
      [
        ["shared_ip", "medium", "t1", ["t2"]],
        ["shared_ip", "medium", "t2", ["t1"]],
      ],
    ],
    [
      "a shared device fingerprint is high, even from different IPs",
      { signIns: [signIn("t1", "203.0.113.1", "dev-abc"), signIn("t2", "198.51.100.9", "dev-abc")] },
      [
        ["shared_device", "high", "t1", ["t2"]],
        ["shared_device", "high", "t2", ["t1"]],
      ],
    ],
    [
      "a shared card fingerprint is high",
      { payments: [pay("t1", "card_fp_1"), pay("t3", "card_fp_1")] },
      [
        ["shared_payment_method", "high", "t1", ["t3"]],
        ["shared_payment_method", "high", "t3", ["t1"]],
      ],
    ],
  ] as const)("%s", (_label, input, expected) => {
    const signals = detectSharedIdentifiers(input);
    expect(signals.map((s) => [s.kind, s.severity, s.traderId, s.relatedTraderIds])).toEqual(expected);
  });

  it("says why, naming the value and the other trader", () => {
    const [s] = detectSharedIdentifiers({
      payments: [pay("t1", "card_fp_1"), pay("t3", "card_fp_1", T0 + 5)],
    });
    expect(s!.reason).toBe("Paid with the payment method card_fp_1 also used by trader t3.");
    expect(s!.evidence.shared).toEqual([
      { value: "card_fp_1", traderIds: ["t1", "t3"], firstSeen: T0, lastSeen: T0 + 5, occurrences: 2 },
    ]);
  });

  it("groups several shared values and traders in one signal per trader and kind", () => {
    const signals = detectSharedIdentifiers(
      {
        signIns: [
          signIn("t1", "10.0.0.1"),
          signIn("t2", "10.0.0.1"),
          signIn("t1", "10.0.0.2"),
          signIn("t3", "10.0.0.2"),
        ],
      },
      { traderIds: ["t1"] },
    );
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ traderId: "t1", relatedTraderIds: ["t2", "t3"] });
    expect(signals[0]!.reason).toBe("Signed in with 2 IP addresses also used by traders t2 and t3.");
  });

  it("an IP shared by a crowd of traders is low severity and says it looks like a shared network", () => {
    const signIns = Array.from({ length: 12 }, (_, i) => signIn(`t${i}`, "100.64.0.1"));
    const signals = detectSharedIdentifiers({ signIns }, { crowdedIpTraders: 10, traderIds: ["t0"] });
    expect(signals[0]).toMatchObject({ kind: "shared_ip", severity: "low" });
    expect(signals[0]!.reason).toMatch(/shared network/);
    expect(signals[0]!.relatedTraderIds).toHaveLength(11);
  });
});

describe("detectSharedIdentifiers does not fire", () => {
  it.each([
    [
      "one trader signing in many times from one IP",
      { signIns: [signIn("t1", "10.0.0.1"), signIn("t1", "10.0.0.1")] },
      {},
    ],
    [
      "different IPs and devices",
      { signIns: [signIn("t1", "10.0.0.1", "d1"), signIn("t2", "10.0.0.2", "d2")] },
      {},
    ],
    [
      "missing device fingerprints are not a shared device",
      { signIns: [signIn("t1", "10.0.0.1"), signIn("t2", "10.0.0.2")] },
      {},
    ],
    [
      "an ignored office IP",
      { signIns: [signIn("t1", "192.0.2.10"), signIn("t2", "192.0.2.10")] },
      { ignore: { ips: ["::ffff:192.0.2.10"] } },
    ],
    [
      "loopback addresses (local development, a proxy not forwarding the client) are not evidence",
      {
        signIns: [
          signIn("t1", "127.0.0.1"),
          signIn("t2", "127.0.0.1"),
          signIn("t3", "::1"),
          signIn("t4", "::ffff:127.0.0.1"),
        ],
      },
      {},
    ],
    ["one trader paying twice with one card", { payments: [pay("t1", "fp"), pay("t1", "fp")] }, {}],
    ["no records", {}, {}],
  ] as const)("%s", (_label, input, opts) => {
    expect(detectSharedIdentifiers(input, opts)).toEqual([]);
  });
});

describe("isLoopbackIp", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.12.0.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["2001:db8::1", false],
  ])("%s -> %s", (ip, expected) => {
    expect(isLoopbackIp(ip)).toBe(expected);
  });
});

describe("normalizeIp", () => {
  it.each([
    ["::FFFF:10.0.0.1", "10.0.0.1"],
    [" 2001:DB8::1 ", "2001:db8::1"],
    ["10.0.0.1", "10.0.0.1"],
  ])("%s -> %s", (ip, expected) => {
    expect(normalizeIp(ip)).toBe(expected);
  });
});
