import { dataLayer } from "@propdesk/db";
import { sqlAs } from "@propdesk/db/testing/sql";
import { beforeAll, describe, expect, it } from "vitest";
import { type TenantFixture, tenantFixture } from "../testing/fixtures";
import { recordAudit, recordPlatformAudit } from "./record-audit";
import { verifyAuditChains } from "./verify-audit-chain";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("chain");
  await dataLayer().withTenant(t.tenantId, async (db) => {
    for (let i = 0; i < 5; i++) {
      await recordAudit(db, {
        actor: { type: "system", label: "test" },
        action: "test.event",
        target: { type: "thing", id: String(i) },
        before: { n: i, nested: { b: [1, 2], a: "é" } },
        after: { n: i + 1, at: new Date("2026-01-01T00:00:00Z"), big: 12345678901234567890n },
      });
    }
  });
});

const verify = () => dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t.tenantId }));

/** Tampering needs the superuser with the append-only triggers switched off for the session. */
async function tamper(sql: string, params: unknown[]) {
  const c = await sqlAs("superuser").connect();
  try {
    await c.query("BEGIN");
    await c.query("SET LOCAL session_replication_role = replica");
    await c.query(sql, params);
    await c.query("COMMIT");
  } finally {
    c.release();
  }
}

describe("the audit trail", () => {
  it("links every event to the previous one, per tenant, and verifies clean", async () => {
    const rows = await dataLayer().withTenant(t.tenantId, (db) =>
      db.auditEvent.findMany({ orderBy: { seq: "asc" } }),
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(rows.at(-1)!.after).toEqual({ n: 5, at: "2026-01-01T00:00:00.000Z", big: "12345678901234567890" });
    expect(await verify()).toEqual({ chains: 1, events: rows.length, problems: [] });
  });

  it("refuses UPDATE, DELETE and TRUNCATE, even from the platform and owner roles", async () => {
    for (const role of ["app", "platform", "owner"] as const) {
      const db = sqlAs(role);
      await expect(
        db.query("UPDATE audit_events SET action = 'x' WHERE tenant_id = $1", [t.tenantId]),
      ).rejects.toThrow(/permission denied|append-only/);
      await expect(db.query("DELETE FROM audit_events WHERE tenant_id = $1", [t.tenantId])).rejects.toThrow(
        /permission denied|append-only/,
      );
      await expect(db.query("TRUNCATE audit_events")).rejects.toThrow(/permission denied|append-only/);
    }
  });

  it("detects an edited event", async () => {
    const t2 = await tenantFixture("edit");
    await tamper(
      'UPDATE audit_events SET after = \'{"role":"read_only"}\' WHERE tenant_id = $1 AND seq = 1',
      [t2.tenantId],
    );
    const report = await dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t2.tenantId }));
    expect(report.problems).toEqual([
      { scope: t2.tenantId, seq: "1", problem: "content does not match its hash (the event was altered)" },
    ]);
  });

  it("detects a removed event in the middle and a truncated tail", async () => {
    const t3 = await tenantFixture("gap");
    await dataLayer().withTenant(t3.tenantId, async (db) => {
      for (let i = 0; i < 3; i++)
        await recordAudit(db, { actor: { type: "system", label: "t" }, action: "test.event" });
    });
    await tamper("DELETE FROM audit_events WHERE tenant_id = $1 AND seq = 2", [t3.tenantId]);
    const gap = await dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t3.tenantId }));
    expect(gap.problems[0]?.problem).toMatch(/event 2 is missing/);

    const t4 = await tenantFixture("tail");
    await dataLayer().withTenant(t4.tenantId, (db) =>
      recordAudit(db, { actor: { type: "system", label: "t" }, action: "test.event" }),
    );
    const { rows } = await sqlAs("platform").query(
      "SELECT max(seq)::int AS n FROM audit_events WHERE tenant_id = $1",
      [t4.tenantId],
    );
    await tamper("DELETE FROM audit_events WHERE tenant_id = $1 AND seq = $2", [t4.tenantId, rows[0].n]);
    const tail = await dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t4.tenantId }));
    expect(tail.problems[0]?.problem).toMatch(/the chain head is at event \d+ but the trail ends at \d+/);
  });

  it("detects a re-hashed event through the next link", async () => {
    const t5 = await tenantFixture("rehash");
    await dataLayer().withTenant(t5.tenantId, (db) =>
      recordAudit(db, { actor: { type: "system", label: "t" }, action: "test.event" }),
    );
    // An attacker who rewrites a row and recomputes its own hash still breaks the next event's prev_hash.
    await tamper(
      `UPDATE audit_events SET action = 'forged', hash = encode(sha256(convert_to(audit_link_text(tenant_id::text, seq, id, occurred_at, actor_type, actor_id, actor_label, desk_id, 'forged', target_type, target_id, before, after, request_id, ip, user_agent, prev_hash), 'UTF8')), 'hex') WHERE tenant_id = $1 AND seq = 1`,
      [t5.tenantId],
    );
    const report = await dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t5.tenantId }));
    expect(report.problems).toEqual([
      { scope: t5.tenantId, seq: "2", problem: "prev_hash does not match the previous event's hash" },
    ]);
  });

  it("links the platform's own chain through its head row, and detects its truncated tail", async () => {
    const platformProblems = async () =>
      (await dataLayer().withPlatform((db) => verifyAuditChains(db))).problems.filter(
        (p) => p.scope === "platform",
      );
    for (let i = 0; i < 3; i++)
      await dataLayer().withPlatform((db) =>
        recordPlatformAudit(db, { actor: { type: "system", label: "t" }, action: "test.platform_event" }),
      );
    const { rows } = await sqlAs("platform").query<{
      seq: string;
      hash: string;
      last: string;
      lastHash: string;
    }>(
      `SELECT h.seq::text AS seq, h.hash, e.seq::text AS last, e.hash AS "lastHash"
       FROM platform_audit_chain_head h, (SELECT seq, hash FROM platform_audit_events ORDER BY seq DESC LIMIT 1) e`,
    );
    expect(rows[0]!.seq).toBe(rows[0]!.last);
    expect(rows[0]!.hash).toBe(rows[0]!.lastHash);
    expect(await platformProblems()).toEqual([]);
    // Neither role that writes the chain can move its head.
    for (const role of ["app", "platform"] as const)
      await expect(sqlAs(role).query("UPDATE platform_audit_chain_head SET seq = 0")).rejects.toThrow(
        /permission denied/,
      );

    // The newest event removed: the chain still links, and its head says where it ended.
    const last = await sqlAs("superuser").query(
      "SELECT row_to_json(e) AS row FROM platform_audit_events e ORDER BY seq DESC LIMIT 1",
    );
    await tamper("DELETE FROM platform_audit_events WHERE seq = $1", [rows[0]!.last]);
    try {
      expect(await platformProblems()).toEqual([
        {
          scope: "platform",
          seq: rows[0]!.last,
          problem: `the chain head is at event ${rows[0]!.last} but the trail ends at ${Number(rows[0]!.last) - 1} (events were removed)`,
        },
      ]);
    } finally {
      // Put it back: the platform chain is shared by every test in this database.
      await tamper(
        "INSERT INTO platform_audit_events SELECT * FROM json_populate_record(NULL::platform_audit_events, $1)",
        [last.rows[0].row],
      );
    }
    expect(await platformProblems()).toEqual([]);
  });
});
