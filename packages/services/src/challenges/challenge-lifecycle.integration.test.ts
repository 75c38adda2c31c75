import { dataLayer } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { sqlAs } from "@propdesk/db/testing/sql";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChains } from "../audit/verify-audit-chain";
import { saveProgramVersion } from "../programs/program-admin";
import { openUnitOfWork, outboxRows, programFixture, traderFixture } from "../testing/challenge-fixtures";
import { signIn, staffFixture, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { applyChallengeEffects } from "./challenge-jobs";
import { applyChallengeEvent, applyChallengeEvents, assignChallenge } from "./challenge-lifecycle";

let t: TenantFixture;
beforeAll(async () => {
  t = await tenantFixture("chal");
});

describe("programs", () => {
  it("are created from templates as version 1, and saving an edit makes version 2 while version 1 stays intact", async () => {
    const { programId, versionId, owner } = await programFixture(t, "two-step-cfd", {
      initialBalance: "50000.00",
    });
    const v1 = await dataLayer().withTenant(t.tenantId, (db) =>
      db.programVersion.findFirstOrThrow({ where: { id: versionId } }),
    );
    expect(v1.version).toBe(1);
    expect((v1.definition as { initialBalance: string }).initialBalance).toBe("50000.00");
    const unchanged = await saveProgramVersion(owner.principal, programId, v1.definition);
    expect(unchanged.created).toBe(false);
    const edited = await saveProgramVersion(owner.principal, programId, {
      ...(v1.definition as object),
      initialBalance: "200000.00",
    });
    expect(edited).toMatchObject({ created: true, version: { version: 2 } });
    await expect(
      saveProgramVersion(owner.principal, programId, { ...(v1.definition as object), currency: "XYZ" }),
    ).rejects.toThrow(/program\.currency/);
    await expect(
      sqlAs("owner").query("UPDATE program_versions SET definition = '{}' WHERE id = $1", [versionId]),
    ).rejects.toThrow(/append-only/);
  });
});

describe("challenge lifecycle in the database", () => {
  it("a staff assignment creates the challenge bound to the program version, moves it to provisioning and queues the effect", async () => {
    const { programId, versionId } = await programFixture(t);
    const trader = await traderFixture(t);
    const dm = await staffFixture(t, "desk_manager");
    const staff = await signIn(t, dm.email);
    await expect(
      assignChallenge(staff.principal, { traderId: trader.traderId, programId, reason: "" }),
    ).rejects.toThrow(/reason: Say why/);
    const { challenge, applied } = await assignChallenge(staff.principal, {
      traderId: trader.traderId,
      programId,
      reason: "goodwill retake",
    });
    expect(challenge.programVersionId).toBe(versionId);
    expect(challenge.reference).toMatch(/^MAI-[2-9A-Z]{7}$/);
    expect(applied).toMatchObject({
      from: "purchased",
      to: "provisioned",
      effects: [{ type: "provision_account", phase: 0 }],
      seq: 1,
    });
    const events = await dataLayer().withTenant(t.tenantId, (db) =>
      db.challengeEvent.findMany({ where: { challengeId: challenge.id } }),
    );
    expect(events).toMatchObject([
      {
        seq: 1,
        kind: "lifecycle",
        type: "provision",
        fromState: "purchased",
        toState: "provisioned",
        cause: { type: "staff", userId: dm.userId, reason: "goodwill retake" },
      },
    ]);
    const jobs = (await outboxRows(t.tenantId, applyChallengeEffects.name)).filter(
      (r) => (r.payload as { data: { challengeId: string } }).data.challengeId === challenge.id,
    );
    expect(jobs).toHaveLength(1);
    const audit = await dataLayer().withTenant(t.tenantId, (db) =>
      db.auditEvent.findMany({ where: { targetId: challenge.id } }),
    );
    expect(audit.map((a) => a.action).sort()).toEqual(["challenge.assigned", "challenge.provision"]);
  });

  it("an illegal transition is refused with a clear error and writes nothing", async () => {
    const { programId } = await programFixture(t);
    const trader = await traderFixture(t);
    const owner = await signIn(t, t.owner.email);
    const { challenge } = await assignChallenge(owner.principal, {
      traderId: trader.traderId,
      programId,
      reason: "test",
    });
    const before = await dataLayer().withTenant(t.tenantId, (db) =>
      db.challengeEvent.count({ where: { challengeId: challenge.id } }),
    );
    await expect(
      dataLayer().withTenant(t.tenantId, (db) =>
        applyChallengeEvent(db, challenge.id, { type: "phase_passed", cause: { type: "rule" } }),
      ),
    ).rejects.toMatchObject({
      code: "ILLEGAL_TRANSITION",
      message:
        "Cannot apply phase_passed to a challenge that is provisioned: only a running evaluation phase is passed.",
    });
    await expect(
      dataLayer().withTenant(t.tenantId, (db) =>
        applyChallengeEvent(db, challenge.id, {
          type: "cancel",
          cause: { type: "staff", userId: owner.principal.userId },
        }),
      ),
    ).rejects.toThrow("cause.reason: cancel by staff needs a written reason");
    const after = await dataLayer().withTenant(t.tenantId, (db) =>
      db.challengeEvent.count({ where: { challengeId: challenge.id } }),
    );
    expect(after).toBe(before);
  });

  it("a desk-limited support user cannot assign on another desk's program", async () => {
    const { programId } = await programFixture(t);
    const trader = await traderFixture(t);
    const other = await dataLayer().withPlatform((db) =>
      db.desk.create({ data: { tenantId: t.tenantId, slug: `other-${Date.now()}`, name: "Other desk" } }),
    );
    const support = await staffFixture(t, "support", [other.id]);
    const s = await signIn(t, support.email);
    await expect(
      assignChallenge(s.principal, { traderId: trader.traderId, programId, reason: "try" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

/** Two challenges of one program, each assigned by the owner to a trader of its own. */
async function assignTwoChallenges(reason: string): Promise<[string, string]> {
  const { programId } = await programFixture(t);
  const staff = await signIn(t, t.owner.email);
  const assign = async () =>
    (
      await assignChallenge(staff.principal, {
        traderId: (await traderFixture(t)).traderId,
        programId,
        reason,
      })
    ).challenge.id;
  return [await assign(), await assign()];
}

describe("several transitions in one unit of work", () => {
  it("apply in order on each challenge's evolving state; a refused one comes back as its error and the rest still apply", async () => {
    const [a, b] = await assignTwoChallenges("batch test");
    const system = { type: "system" as const };
    const results = await dataLayer().withTenant(t.tenantId, (db) =>
      applyChallengeEvents(db, [
        {
          challengeId: a,
          event: { type: "account_ready", cause: { type: "provider", provider: "simulator" } },
        },
        { challengeId: b, event: { type: "phase_started", cause: system } },
        { challengeId: a, event: { type: "phase_started", cause: system } },
        { challengeId: "00000000-0000-4000-8000-000000000000", event: { type: "paused", cause: system } },
        { challengeId: a, event: { type: "paused", cause: { type: "rule", rule: "daily_loss" } } },
      ]),
    );
    expect(results.map((r) => ("code" in r ? r.code : `${r.from}->${r.to}#${r.seq}`))).toEqual([
      "provisioned->provisioned#2",
      "ILLEGAL_TRANSITION",
      "provisioned->active#3",
      "NOT_FOUND",
      "active->paused#4",
    ]);
    const stored = await dataLayer().withTenant(t.tenantId, async (db) => ({
      a: await db.challenge.findFirstOrThrow({ where: { id: a } }),
      b: await db.challenge.findFirstOrThrow({ where: { id: b } }),
      events: await db.challengeEvent.findMany({ where: { challengeId: a }, orderBy: { seq: "asc" } }),
      audit: await db.auditEvent.findMany({
        where: { targetId: a, action: { startsWith: "challenge." } },
        orderBy: { seq: "asc" },
      }),
    }));
    expect(stored.a.status).toBe("paused");
    expect(stored.b.status).toBe("provisioned");
    expect(stored.events.map((e) => `${e.seq}:${e.type}`)).toEqual([
      "1:provision",
      "2:account_ready",
      "3:phase_started",
      "4:paused",
    ]);
    expect(stored.audit.map((e) => e.action).filter((x) => x !== "challenge.assigned")).toEqual([
      "challenge.provision",
      "challenge.account_ready",
      "challenge.phase_started",
      "challenge.paused",
    ]);
    // Each transition's effects are queued with its own event seq.
    const queued = (await outboxRows(t.tenantId, applyChallengeEffects.name))
      .map((r) => (r.payload as { data: { challengeId: string; eventSeq: number } }).data)
      .filter((d) => d.challengeId === a)
      .map((d) => d.eventSeq);
    expect(queued).toEqual([1, 3, 4]);
  });
});

describe("concurrent transitions of one challenge", () => {
  it("the one that waited for the lock applies on the committed state and takes the next seq", async () => {
    const { programId } = await programFixture(t);
    const staff = await signIn(t, t.owner.email);
    const { challenge } = await assignChallenge(staff.principal, {
      traderId: (await traderFixture(t)).traderId,
      programId,
      reason: "concurrency test",
    });
    const provider = { type: "provider" as const, provider: "simulator" };
    // The first unit of work applies a transition and holds its lock until the second is waiting.
    const first = await openUnitOfWork(t.tenantId, (db) =>
      applyChallengeEvent(db, challenge.id, { type: "account_ready", cause: provider }),
    );
    const second = dataLayer().withTenant(t.tenantId, (db) =>
      applyChallengeEvent(db, challenge.id, { type: "phase_started", cause: { type: "system" } }),
    );
    await new Promise((r) => setTimeout(r, 300));
    await first.commit();
    // phase_started needs the account the first one made ready: it sees the committed state.
    expect(await second).toMatchObject({ from: "provisioned", to: "active", seq: 3 });
    const events = await dataLayer().withTenant(t.tenantId, (db) =>
      db.challengeEvent.findMany({ where: { challengeId: challenge.id }, orderBy: { seq: "asc" } }),
    );
    expect(events.map((e) => `${e.seq}:${e.type}`)).toEqual([
      "1:provision",
      "2:account_ready",
      "3:phase_started",
    ]);
  });
});

describe("the same transitions on either layer", () => {
  it("write the same state, events, audit trail and outbox rows through Prisma and through plain SQL", async () => {
    const [viaPrisma, viaSql] = await assignTwoChallenges("two layers");
    const occurredAt = new Date("2026-11-20T09:30:00.123Z");
    const events = (challengeId: string) => [
      {
        challengeId,
        event: {
          type: "account_ready" as const,
          cause: { type: "provider" as const, provider: "simulator" },
        },
      },
      {
        challengeId,
        event: { type: "phase_started" as const, cause: { type: "system" as const, job: "two-layers" } },
        opts: { occurredAt, details: { note: 'ünïcode "quoted" {braces}', n: 3 } },
      },
      {
        challengeId,
        event: { type: "breached" as const, cause: { type: "rule" as const, rule: "max_loss" } },
        opts: { occurredAt, effectsDelayMs: 60_000 },
      },
    ];
    const a = await dataLayer().withTenant(t.tenantId, (db) => applyChallengeEvents(db, events(viaPrisma)));
    const b = await sqlLayer().withTenant(t.tenantId, (sql) => applyChallengeEvents(sql, events(viaSql)));
    const shape = (r: (typeof a)[number]) => ("code" in r ? r.code : `${r.from}->${r.to}#${r.seq}`);
    expect(b.map(shape)).toEqual(a.map(shape));
    expect(a.map(shape)).toEqual(["provisioned->provisioned#2", "provisioned->active#3", "active->failed#4"]);

    const stored = (id: string) =>
      dataLayer().withTenant(t.tenantId, async (db) => {
        const c = await db.challenge.findFirstOrThrow({ where: { id } });
        const evs = await db.challengeEvent.findMany({ where: { challengeId: id }, orderBy: { seq: "asc" } });
        const audit = await db.auditEvent.findMany({
          where: { targetId: id, action: { startsWith: "challenge." } },
          orderBy: { seq: "asc" },
        });
        return {
          status: c.status,
          phase: c.phaseIndex,
          lifecycle: c.lifecycle,
          events: evs.map((e) => ({
            seq: e.seq,
            kind: e.kind,
            type: e.type,
            from: e.fromState,
            to: e.toState,
            cause: e.cause,
            details: e.details,
            occurredAt: e.seq > 2 ? e.occurredAt.toISOString() : "(now)",
          })),
          // (the assignment names each challenge's own trader)
          audit: audit
            .filter((e) => e.action !== "challenge.assigned")
            .map((e) => ({ action: e.action, actor: `${e.actorType}:${e.actorLabel}`, after: e.after })),
        };
      });
    const [p, s] = [await stored(viaPrisma), await stored(viaSql)];
    expect(s).toEqual(p);
    expect(p.status).toBe("failed");
    expect(p.events[2]).toMatchObject({
      type: "phase_started",
      details: { note: 'ünïcode "quoted" {braces}', n: 3 },
      occurredAt: occurredAt.toISOString(),
    });
    // The effects of each transition are queued with its seq, the delayed ones later.
    const queued = async (id: string) =>
      (await outboxRows(t.tenantId, applyChallengeEffects.name))
        .filter((r) => (r.payload as { data: { challengeId: string } }).data.challengeId === id)
        .map((r) => ({
          seq: (r.payload as { data: { eventSeq: number } }).data.eventSeq,
          delayed: r.availableAt.getTime() - r.createdAt.getTime() > 30_000,
        }));
    expect(await queued(viaSql)).toEqual(await queued(viaPrisma));
    expect((await queued(viaSql)).find((q) => q.seq === 4)?.delayed).toBe(true);
    // Both layers' audit rows link into the tenant's one hash chain.
    const report = await dataLayer().withPlatform((db) => verifyAuditChains(db, { tenantId: t.tenantId }));
    expect(report.problems).toEqual([]);
  });
});
