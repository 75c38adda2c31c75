import type { AddressInfo } from "node:net";
import { challenges, dataLayer } from "@propdesk/db";
import { closeSqlLayer } from "@propdesk/db/sql-unit-of-work";
import { assignChallenge } from "@propdesk/services/challenges";
import { signedHeaders } from "@propdesk/services/platforms";
import { createBridgeKey, revokeBridgeKey } from "@propdesk/services/risk";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Test fixtures are not part of the services' public entry points.
import { programFixture, traderFixture } from "../../../../packages/services/src/testing/challenge-fixtures";
import {
  signIn,
  type TenantFixture,
  tenantFixture,
} from "../../../../packages/services/src/testing/fixtures";
import {
  installTestSimulator,
  runChallengeEffects,
} from "../../../../packages/services/src/testing/risk-fixtures";
import { platformIngestRouter } from "./platform-ingest.server";

/**
 * The bridge's ingest endpoint over real HTTP: forged, expired, replayed, oversized and malformed
 * requests are refused with a clear error and write nothing, and a firm's key reaches only its own
 * accounts. Accounts here are simulator accounts reached through the bridge's wire format.
 */
let server: ReturnType<express.Express["listen"]>;
let base: string;
let a: TenantFixture;
let b: TenantFixture;
let keyA: { keyId: string; secret: string };
let accountA: string;
let accountB: string;

async function openAccount(t: TenantFixture) {
  const owner = await signIn(t, t.owner.email);
  const { programId } = await programFixture(t);
  const trader = await traderFixture(t);
  const { challenge } = await assignChallenge(owner.principal, {
    traderId: trader.traderId,
    programId,
    reason: "ingest",
  });
  await runChallengeEffects(t.tenantId);
  const c = await dataLayer().withTenant(t.tenantId, (db) => challenges.findChallenge(db, challenge.id));
  // Posted as bridge deliveries: the account is looked up on the bridge platform.
  await dataLayer().withTenant(t.tenantId, (db) =>
    db.tradingAccount.update({
      where: { tenantId_id: { tenantId: t.tenantId, id: c!.tradingAccounts[0]!.id } },
      data: { platform: "bridge" },
    }),
  );
  return { owner, account: c!.tradingAccounts[0]!.platformAccountId! };
}

beforeAll(async () => {
  installTestSimulator();
  a = await tenantFixture("ingesta");
  b = await tenantFixture("ingestb");
  const openedA = await openAccount(a);
  accountA = openedA.account;
  accountB = (await openAccount(b)).account;
  keyA = await createBridgeKey(openedA.owner.principal, { label: "connector A" });
  const app = express();
  app.use(platformIngestRouter());
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/platform/v1/updates`;
});
afterAll(async () => {
  server.close();
  await closeSqlLayer();
});

const update = (account: string, seq: number, equity = "100000.00") => ({
  type: "account",
  account,
  seq,
  t: new Date(Date.UTC(2026, 0, 5, 9, 0, seq)).toISOString(),
  balance: "100000.00",
  equity,
  openPositions: 0,
});

interface Answer {
  items?: number;
  accepted?: number;
  rejected?: Array<{ index: number; code: string; message: string; issues?: unknown }>;
  error?: { code: string; message: string; reason?: string };
}

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(base, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer) : null };
}

function signed(body: string, opts: { key?: typeof keyA; nowMs?: number } = {}) {
  const key = opts.key ?? keyA;
  return { "x-propdesk-key": key.keyId, ...signedHeaders(key.secret, body, opts.nowMs ?? Date.now()) };
}

async function written(t: TenantFixture) {
  return dataLayer().withTenant(t.tenantId, async (db) => ({
    inputs: await db.riskInput.count({ where: { source: "platform" } }),
    deliveries: await db.bridgeDelivery.count(),
  }));
}

describe("POST /api/platform/v1/updates", () => {
  it("accepts a signed delivery, counts duplicates and stale updates, and refuses a replay of it", async () => {
    const body = JSON.stringify([update(accountA, 2), update(accountA, 3), update(accountA, 3)]);
    const headers = signed(body);
    const first = await post(body, headers);
    expect(first).toEqual({
      status: 202,
      body: { items: 3, accepted: 2, duplicates: 1, stale: 0, rejected: [] },
    });
    const replay = await post(body, headers);
    expect(replay.status).toBe(409);
    expect(replay.body!.error).toMatchObject({ code: "CONFLICT", reason: "replay" });
    expect(replay.body!.error!.message).toMatch(/already accepted: a replay is refused/);
    // The same updates signed anew are duplicates; an older one is stale.
    const again = JSON.stringify([update(accountA, 1), update(accountA, 2), update(accountA, 4)]);
    expect(await post(again, signed(again))).toEqual({
      status: 202,
      body: { items: 3, accepted: 1, duplicates: 1, stale: 1, rejected: [] },
    });
  });

  it("accepts NDJSON, and refuses bad items one by one with the field at fault", async () => {
    const lines = [
      JSON.stringify(update(accountA, 10)),
      JSON.stringify({ ...update(accountA, 11), equity: "1e5" }),
      "{not json",
      JSON.stringify({ ...update(accountA, 12), colour: "red" }),
      JSON.stringify(update("NOPE-1", 13)),
    ].join("\n");
    const res = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", ...signed(lines) },
      body: lines,
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Required<Answer>;
    expect(body).toMatchObject({ items: 5, accepted: 1, duplicates: 0, stale: 0 });
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "VALIDATION"],
      [2, "VALIDATION"],
      [3, "VALIDATION"],
      [4, "UNKNOWN_ACCOUNT"],
    ]);
    expect(body.rejected[0]!.message).toBe('1.equity: equity must be a decimal string like "1000.00"');
    expect(body.rejected[2]!.message).toBe("3.colour: unknown field");
  });

  const refusals: Array<[string, () => Promise<{ status: number; body: Answer | null }>, number, RegExp]> = [
    [
      "forged (signed with another secret)",
      async () => {
        const body = JSON.stringify([update(accountA, 20)]);
        return post(body, signed(body, { key: { keyId: keyA.keyId, secret: "pds_not-the-secret" } }));
      },
      401,
      /signature does not match the body/,
    ],
    [
      "tampered (body changed after signing)",
      async () => {
        const body = JSON.stringify([update(accountA, 20)]);
        const headers = signed(body);
        return post(body.replace("100000.00", "999999.00"), headers);
      },
      401,
      /signature does not match/,
    ],
    [
      "expired (signed ten minutes ago)",
      async () => {
        const body = JSON.stringify([update(accountA, 20)]);
        return post(body, signed(body, { nowMs: Date.now() - 600_000 }));
      },
      401,
      /seconds away from PropDesk's clock; at most 300/,
    ],
    [
      "unsigned",
      async () => post(JSON.stringify([update(accountA, 20)]), { "x-propdesk-key": keyA.keyId }),
      401,
      /X-PropDesk-Timestamp is missing/,
    ],
    [
      "from an unknown key",
      async () => {
        const body = JSON.stringify([update(accountA, 20)]);
        const fake = `pdk_${a.tenantId.replaceAll("-", "")}_ffffffffffffffff`;
        return post(body, { ...signed(body), "x-propdesk-key": fake });
      },
      401,
      /unknown or was revoked/,
    ],
    [
      "oversized (over 4 MiB)",
      async () => {
        const body = JSON.stringify([{ ...update(accountA, 20), pad: "x".repeat(4 * 1024 * 1024) }]);
        return post(body, signed(body));
      },
      413,
      /at most 4194304 bytes/,
    ],
    ["not JSON", async () => post("[{", signed("[{")), 400, /not valid JSON/],
    [
      "too many updates",
      async () => {
        const body = JSON.stringify(Array.from({ length: 5001 }, (_, i) => update(accountA, 100 + i)));
        return post(body, signed(body));
      },
      413,
      /at most 5000 are accepted/,
    ],
  ];

  for (const [what, send, status, message] of refusals) {
    it(`refuses a delivery ${what} with a clear error, writing nothing`, async () => {
      const before = await written(a);
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body!.error!.message).toMatch(message);
      expect(await written(a)).toEqual(before);
    });
  }

  it("does not let a firm's key post for another firm's accounts", async () => {
    const beforeA = await written(a);
    const beforeB = await written(b);
    const body = JSON.stringify([update(accountB, 1)]);
    const res = await post(body, signed(body));
    expect(res.status).toBe(422);
    expect(res.body!.rejected).toEqual([
      {
        index: 0,
        code: "UNKNOWN_ACCOUNT",
        message: `0.account: no bridge account "${accountB}" belongs to this firm`,
        issues: [{ path: "0.account", message: "unknown account" }],
      },
    ]);
    expect((await written(b)).inputs).toBe(beforeB.inputs);
    expect((await written(a)).inputs).toBe(beforeA.inputs);
    // A key id naming firm B but signed with firm A's secret is a forgery, not a way in.
    const forged = `pdk_${b.tenantId.replaceAll("-", "")}_${keyA.keyId.slice(-16)}`;
    const res2 = await post(body, { ...signed(body), "x-propdesk-key": forged });
    expect(res2.status).toBe(401);
    expect((await written(b)).inputs).toBe(beforeB.inputs);
  });

  it("refuses a revoked key", async () => {
    const owner = await signIn(a, a.owner.email);
    const extra = await createBridgeKey(owner.principal, { label: "to revoke" });
    const rows = await dataLayer().withTenant(a.tenantId, (db) =>
      db.bridgeApiKey.findMany({ where: { keyId: extra.keyId } }),
    );
    await revokeBridgeKey(owner.principal, { id: rows[0]!.id });
    const body = JSON.stringify([update(accountA, 30)]);
    const res = await post(body, signed(body, { key: extra }));
    expect(res.status).toBe(401);
    expect(res.body!.error!.message).toMatch(/revoked/);
  });

  it("answers other methods and bad content types clearly", async () => {
    expect((await fetch(base)).status).toBe(405);
    const body = JSON.stringify([update(accountA, 40)]);
    const res = await fetch(base, {
      method: "POST",
      headers: { ...signed(body), "content-type": "text/plain" },
      body,
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Required<Answer>).error.message).toMatch(/application\/x-ndjson/);
  });
});
