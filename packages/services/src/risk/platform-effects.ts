import { challenges, dataLayer, desks, platformActions, risk, type TenantDb } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError, isAppError } from "@propdesk/domain";
import { type Challenge, type Effect, phaseAwaitingAccount } from "@propdesk/domain/lifecycle";
import { applyChallengeEvent, applyChallengeEvents } from "../challenges/challenge-lifecycle";
import { fundedAccountAwaitsKyc } from "../kyc/funded-kyc-gate";
import { ensureVerification } from "../kyc/kyc-verification";
import type { Logger } from "../logging/logger";
import { tradingPlatformFor } from "../platforms/platform-registry";
import { compiledProgramFor } from "./program-cache";
import { partitionOf } from "./risk-config";

/**
 * What lifecycle effects do on the trading platform and in the engine's input log. Each is
 * idempotent, keyed by (challenge, event seq, effect index): the outbox job may run twice, and the
 * evaluator carries out a breach's platform actions itself the moment it commits the breach.
 */
export interface EffectRef {
  tenantId: string;
  challengeId: string;
  eventSeq: number;
  effectIndex: number;
}

export const effectKey = (r: Pick<EffectRef, "challengeId" | "eventSeq" | "effectIndex">) =>
  `effect:${r.challengeId}:${r.eventSeq}:${r.effectIndex}`;

type Platform = "simulator" | "bridge";

/** The platform account the transition concerns: the account of the event's phase. */
async function accountForEvent(db: TenantDb, ref: EffectRef) {
  const event = await risk.findChallengeEventBySeq(db, ref.challengeId, ref.eventSeq);
  if (!event) throw new AppError("NOT_FOUND", `Challenge event #${ref.eventSeq} does not exist.`);
  const account = await challenges.findTradingAccountByPhase(db, ref.challengeId, event.phaseIndex);
  return { event, account };
}

/**
 * `close_positions`, `disable_trading`, `enable_trading`: the platform action on the account of the
 * event's phase, then the account's trading flag. Returns false when there is no platform account.
 */
export async function runTradingEffect(
  ref: EffectRef,
  effect: Extract<Effect, { type: "close_positions" | "disable_trading" | "enable_trading" }>,
  log?: Logger,
  known?: KnownAccount,
): Promise<boolean> {
  // The job behind an action the evaluator already carried out: one look, and nothing more to do.
  if (!known) {
    const enabled = effect.type === "close_positions" ? undefined : effect.type === "enable_trading";
    if (
      await sqlLayer().withTenant(ref.tenantId, (sql) =>
        platformActions.platformActionDone(sql, effectKey(ref), enabled),
      )
    )
      return true;
  }
  const target =
    known ??
    (await dataLayer().withTenant(ref.tenantId, async (db): Promise<KnownAccount | null> => {
      const { event, account } = await accountForEvent(db, ref);
      if (!account?.platformAccountId) return null;
      const reason = (event.cause as { reason?: string }).reason;
      return {
        tradingAccountId: account.id,
        platform: account.platform as Platform,
        platformAccountId: account.platformAccountId,
        why: `${event.type} (challenge event #${event.seq})${reason ? `: ${reason}` : ""}`,
      };
    }));
  if (!target) {
    log?.warn({ ...ref, effect: effect.type }, "no platform account for this effect; skipped");
    return false;
  }
  const platform = tradingPlatformFor(ref.tenantId, target.platform);
  const opts = { idempotencyKey: effectKey(ref), reason: target.why.slice(0, 500) };
  if (effect.type === "close_positions") {
    await platform.closeAllPositions(target.platformAccountId, opts);
    return true;
  }
  const enabled = effect.type === "enable_trading";
  if (enabled) {
    // Never reopen an account the challenge does not trade on now (a soft-loss pause restored by a
    // lifted suspension stays paused until its next trading day).
    const current = await dataLayer().withTenant(ref.tenantId, (db) =>
      challenges.findChallenge(db, ref.challengeId),
    );
    if (!current || !["active", "funded"].includes(current.status)) {
      log?.info({ ...ref, status: current?.status }, "trading not re-enabled: the challenge is not running");
      return false;
    }
  }
  await platform.setTradingEnabled(target.platformAccountId, enabled, opts);
  await sqlLayer().withTenant(ref.tenantId, (sql) =>
    challenges.setTradingAccountEnabled(sql, target.tradingAccountId, enabled),
  );
  return true;
}

/** The account an effect acts on, when the caller already knows it (the evaluator's fast path). */
export interface KnownAccount {
  tradingAccountId: string;
  platform: Platform;
  platformAccountId: string;
  /** Why, for the platform's log: "breached (challenge event #7)". */
  why: string;
}

/** A phase's engine starts with a `phase_start` input for the phase's account, at the platform's time. */
export async function insertPhaseStart(
  db: TenantDb,
  ref: Omit<EffectRef, "tenantId">,
  account: { id: string; phaseIndex: number },
  tMs: number,
): Promise<void> {
  await risk.insertControlInput(db, {
    partition: partitionOf(ref.challengeId),
    challengeId: ref.challengeId,
    tradingAccountId: account.id,
    phaseIndex: account.phaseIndex,
    source: "lifecycle",
    kind: "phase_start",
    controlKey: effectKey(ref),
    tMs,
  });
}

/** `start_engine_phase`: idempotent (the provisioning transaction normally wrote it already). */
export async function startEnginePhase(ref: EffectRef, phase: number): Promise<void> {
  await dataLayer().withTenant(ref.tenantId, async (db) => {
    const account = await challenges.findTradingAccountByPhase(db, ref.challengeId, phase);
    if (!account) throw new AppError("NOT_FOUND", `Phase ${phase} has no trading account yet.`);
    await insertPhaseStart(db, ref, account, Date.now());
  });
}

/**
 * The override's `restore`: resume from the engine state stored before the overridden decision.
 * Written in the override's own unit of work; the effect only repeats it idempotently.
 */
export async function insertRestore(
  db: TenantDb,
  ref: Omit<EffectRef, "tenantId">,
  decision: {
    id: string;
    inputId: bigint;
    idx: number;
    tradingAccountId: string;
    phaseIndex: number;
    tMs: bigint;
  },
  stateBefore: unknown,
): Promise<void> {
  await risk.insertControlInput(db, {
    partition: partitionOf(ref.challengeId),
    challengeId: ref.challengeId,
    tradingAccountId: decision.tradingAccountId,
    phaseIndex: decision.phaseIndex,
    source: "lifecycle",
    kind: "restore",
    controlKey: effectKey(ref),
    tMs: Number(decision.tMs),
    details: {
      decisionId: decision.id,
      inputId: Number(decision.inputId),
      idx: decision.idx,
      state: stateBefore as never,
    },
  });
}

export async function restoreEngineState(ref: EffectRef): Promise<void> {
  await dataLayer().withTenant(ref.tenantId, async (db) => {
    const event = await risk.findChallengeEventBySeq(db, ref.challengeId, ref.eventSeq);
    const decisionId = (event?.details as { decisionId?: string } | undefined)?.decisionId;
    if (!decisionId) return;
    const decision = await db.riskDecision.findUnique({
      where: { tenantId_id: { tenantId: db.tenantId, id: decisionId } },
    });
    if (!decision?.stateBefore) return;
    await insertRestore(db, ref, decision, decision.stateBefore);
  });
}

/** Suspension of a challenge's evaluation (emergency stop) and its end, as control inputs. */
export async function insertSuspension(
  db: TenantDb,
  ref: Omit<EffectRef, "tenantId">,
  kind: "suspend" | "unsuspend",
): Promise<void> {
  const c = await challenges.findChallenge(db, ref.challengeId);
  if (!c) return;
  const accounts = c.tradingAccounts.filter((a) => a.platformAccountId !== null);
  const account = accounts[accounts.length - 1];
  if (!account) return;
  await risk.insertControlInput(db, {
    partition: partitionOf(ref.challengeId),
    challengeId: ref.challengeId,
    tradingAccountId: account.id,
    phaseIndex: account.phaseIndex,
    source: "lifecycle",
    kind,
    controlKey: `${kind}:${ref.challengeId}:${ref.eventSeq}`,
    tMs: Date.now(),
  });
}

/**
 * `provision_account`: opens the phase's account on the desk's platform, then (one unit of work)
 * records it, tells the lifecycle the account is ready, starts the phase and writes the engine's
 * `phase_start`. Safe to repeat: an account already provisioned is not opened twice (the platform
 * call is keyed by the trading account), and a challenge already past provisioning is left alone.
 * A funded account on a desk with "KYC before funded" is held (and the trader asked to verify)
 * until an approval resumes it.
 */
export async function provisionPhaseAccount(ref: EffectRef, phase: number, log?: Logger): Promise<void> {
  const prep = await dataLayer().withTenant(ref.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, ref.challengeId);
    if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
    if (phaseAwaitingAccount(c.lifecycle as unknown as Challenge) !== phase) return null;
    // "KYC before funded": the funded account waits for the approval, which resumes this effect.
    if (await fundedAccountAwaitsKyc(db, c, phase)) return { open: false as const, traderId: c.traderId };
    const program = compiledProgramFor(c.programVersionId, c.programVersion.definition);
    const ph = program.phases[phase];
    if (!ph) throw new AppError("VALIDATION", `The program has no phase ${phase}.`);
    const settings = await risk.findDeskRiskSettings(db, c.deskId);
    const desk = await desks.findDesk(db, c.deskId);
    const account =
      (await challenges.findTradingAccountByPhase(db, c.id, phase)) ??
      (await challenges.createTradingAccount(db, {
        challengeId: c.id,
        phaseIndex: phase,
        platform: (settings?.platform ?? "simulator") as Platform,
        currency: program.currency,
        initialBalance: BigInt(ph.initial),
      }));
    const label =
      `${desk?.name ?? "Desk"} ${c.programVersion.program.name} ${ph.name} - ${c.trader.name}`.slice(0, 128);
    return { open: true as const, c, account, label, halted: settings?.tradingHalted ? settings : null };
  });
  if (!prep) {
    log?.info({ ...ref, phase }, "provisioning already done or no longer wanted");
    return;
  }
  if (!prep.open) {
    await ensureVerification(ref.tenantId, prep.traderId, "before_funded");
    log?.info({ ...ref, phase }, "funded account held until the trader's identity is verified");
    return;
  }
  const { account, label } = prep;
  const platform = tradingPlatformFor(ref.tenantId, account.platform as Platform);
  const opened = account.platformAccountId
    ? { platformAccountId: account.platformAccountId, login: account.login ?? account.platformAccountId }
    : await platform.provisionAccount({
        idempotencyKey: `provision:${account.id}`,
        reference: account.id,
        currency: account.currency,
        balance: account.initialBalance,
        label,
      });
  const snapshot = await platform.getAccountSnapshot(opened.platformAccountId);
  await dataLayer().withTenant(ref.tenantId, async (db) => {
    await challenges.updateTradingAccount(db, account.id, {
      platformAccountId: opened.platformAccountId,
      login: opened.login,
      status: "active",
      tradingEnabled: snapshot.tradingEnabled,
      provisionedAt: new Date(),
    });
    if (phase > 0) {
      const previous = await challenges.findTradingAccountByPhase(db, ref.challengeId, phase - 1);
      if (previous && previous.status !== "closed")
        await challenges.updateTradingAccount(db, previous.id, { status: "closed", closedAt: new Date() });
    }
    try {
      // Both transitions in one go, so that the phase's start joins the input log (under the
      // partition lock, which every ingest of the partition waits for) only at the end, after the
      // challenge's lock and before the audit append (see lockInputPartition).
      const [ready, started] = await applyChallengeEvents(
        db,
        [
          {
            challengeId: ref.challengeId,
            event: {
              type: "account_ready",
              cause: { type: "provider", provider: platform.name, reference: opened.platformAccountId },
              accountId: opened.login,
            },
            opts: { tradingAccountId: account.id },
          },
          {
            challengeId: ref.challengeId,
            event: {
              type: "phase_started",
              cause: { type: "system", job: "challenges.apply-effects" },
              phase,
            },
            opts: { tradingAccountId: account.id, occurredAt: snapshot.at },
          },
        ],
        {
          beforeAudit: async ([r, s]) => {
            // Applied one by one, a refused account_ready would stop before phase_started: never
            // keep the second without the first (the whole unit of work rolls back; the job retries).
            if (r instanceof AppError && s && !(s instanceof AppError))
              throw new AppError("CONFLICT", `The phase started although ${r.message}`);
            if (r instanceof AppError || !s || s instanceof AppError) return;
            // The insert takes the partition's lock itself, in the same statement.
            const idx = s.effects.findIndex((e) => e.type === "start_engine_phase");
            if (idx >= 0)
              await insertPhaseStart(
                db,
                { challengeId: ref.challengeId, eventSeq: s.seq, effectIndex: idx },
                account,
                snapshot.at.getTime(),
              );
          },
        },
      );
      if (ready instanceof AppError) throw ready;
      if (started instanceof AppError) throw started;
      if (prep.halted?.haltedByUserId) {
        // The desk is stopped: the new account opens suspended like every other one.
        await applyChallengeEvent(
          db,
          ref.challengeId,
          {
            type: "emergency_stop",
            cause: {
              type: "staff",
              userId: prep.halted.haltedByUserId,
              reason: prep.halted.haltReason ?? "desk emergency stop",
            },
          },
          {},
          (stopped) =>
            insertSuspension(
              db,
              { challengeId: ref.challengeId, eventSeq: stopped.seq, effectIndex: 0 },
              "suspend",
            ),
        );
      }
    } catch (e) {
      // Another run got there first: the account is recorded, the lifecycle already moved on.
      if (!(isAppError(e) && e.code === "ILLEGAL_TRANSITION")) throw e;
      log?.info({ ...ref, phase, err: e.message }, "lifecycle already past provisioning");
    }
  });
}
