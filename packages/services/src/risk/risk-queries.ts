import { challenges, dataLayer, desks, platformActions, risk, type TenantDb } from "@propdesk/db";
import { AppError, displayMoney, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import { explainDecision, localDateTime, localTime } from "@propdesk/domain/explain";
import type { CompiledProgram } from "@propdesk/domain/programs";
import type { EmittedEvent } from "@propdesk/domain/rules";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";
import type { TraderPrincipal } from "../traders/trader-auth";
import { type AccountStanding, getAccountStanding } from "./account-standing";
import { challengeReplay } from "./challenge-replay";
import { HOUR } from "./equity-bars";
import { compiledProgramFor } from "./program-cache";
import { dayStartText, programRulesText } from "./program-rules-text";
import { readSimulatorClock } from "./simulator-runner";

/**
 * What the risk console and the trader portal show: the live risk table, warnings, breaches with
 * their evidence, a challenge's standing with its equity chart and rules, and the replay.
 */
type Row = challenges.ChallengeWithRelations;

const money = (minor: bigint | number | string | null, currency: string) =>
  minor === null ? null : displayMoney(BigInt(minor), currency);

// ---------------------------------------------------------------- live table

export const liveRiskSchema = z.object({
  sort: z.enum(["room", "room_abs", "equity", "updated"]).optional().default("room"),
  /** Running challenges by default; `all` shows ended ones too. */
  status: z
    .enum(["", "all", "active", "paused", "funded", "failed", "suspended", "awaiting_next_phase"])
    .optional()
    .transform((v) => v || "running"),
  desk: z
    .string()
    .uuid()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export async function liveRisk(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "risk.view");
  const f = validate(liveRiskSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "risk.view",
      all.map((d) => d.id),
    );
    const deskIds = f.desk ? visible.filter((d) => d === f.desk) : visible;
    const rows = await risk.listLiveAccounts(db, {
      deskIds,
      statuses:
        f.status === "all"
          ? null
          : f.status === "running"
            ? ["active", "paused", "funded", "awaiting_next_phase", "suspended"]
            : [f.status],
      sort: f.sort,
      take: 500,
    });
    const counts = await risk.countLiveAccounts(db, deskIds);
    const settings = new Map((await risk.listDeskRiskSettings(db)).map((s) => [s.deskId, s]));
    const deskName = new Map(all.map((d) => [d.id, d.name]));
    return {
      sort: f.sort,
      status: f.status,
      desk: f.desk ?? "",
      generatedAt: new Date(),
      counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) as Record<string, number>,
      desks: all
        .filter((d) => visible.includes(d.id))
        .map((d) => {
          const s = settings.get(d.id);
          return {
            id: d.id,
            name: d.name,
            platform: s?.platform ?? "simulator",
            halted: s?.tradingHalted ?? false,
            haltedAt: s?.haltedAt ?? null,
            haltedBy: s?.haltedByLabel ?? null,
            haltReason: s?.haltReason ?? null,
            canAct: canOnDesk(principal, "risk.act", d.id),
          };
        }),
      rows: rows.map((r) => ({
        challengeId: r.challenge_id,
        reference: r.reference,
        desk: deskName.get(r.desk_id) ?? "",
        trader: r.trader_name,
        program: r.program_name,
        status: r.challenge_status,
        phase: r.phase_index,
        suspended: r.suspended,
        platform: r.platform,
        balance: money(r.balance, r.currency)!,
        equity: money(r.equity, r.currency)!,
        openPositions: r.open_positions,
        dailyFloor: money(r.daily_floor, r.currency),
        maxLossFloor: money(r.max_loss_floor, r.currency),
        room: money(r.room, r.currency),
        roomPct: r.room_bp === null ? null : r.room_bp / 100,
        lastUpdate: new Date(Number(r.last_t_ms)),
        savedAt: r.updated_at,
      })),
    };
  });
}

// ---------------------------------------------------------------- decisions lists

function explainFor(definition: unknown, versionId: string, decision: unknown, audience: "trader" | "staff") {
  const program = compiledProgramFor(versionId, definition);
  return explainDecision(program, decision as EmittedEvent, audience);
}

async function visibleDeskIds(db: TenantDb, principal: StaffPrincipal) {
  const all = await desks.listDesks(db);
  return desksWith(
    principal,
    "risk.view",
    all.map((d) => d.id),
  );
}

/** Warnings (a share of a loss limit used) and soft-rule violations, newest first. */
export async function riskWarnings(principal: StaffPrincipal) {
  requirePermission(principal, "risk.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const rows = await risk.listRecentDecisions(db, {
      types: ["warning", "violation"],
      deskIds: await visibleDeskIds(db, principal),
      take: 200,
    });
    return rows.map((r) => ({
      id: r.id,
      challengeId: r.challenge_id,
      reference: r.reference,
      trader: r.trader_name,
      type: r.type,
      rule: r.rule,
      level: (r.decision as { level?: number }).level ?? 0,
      at: new Date(Number(r.t_ms)),
      challengeStatus: r.challenge_status,
      explanation: explainFor(r.definition, r.program_version_id, r.decision, "staff"),
    }));
  });
}

/** Breaches, expiries and pauses with their evidence: the update that caused them and what followed. */
export async function riskBreaches(principal: StaffPrincipal) {
  requirePermission(principal, "risk.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const rows = await risk.listRecentDecisions(db, {
      types: ["breached", "expired", "paused"],
      deskIds: await visibleDeskIds(db, principal),
      take: 100,
    });
    const out = [];
    for (const r of rows) {
      const input = await risk.findInput(db, BigInt(r.input_id));
      const decision = r.decision as EmittedEvent;
      const lifecycleSeq = (
        await db.riskDecision.findUnique({ where: { tenantId_id: { tenantId: db.tenantId, id: r.id } } })
      )?.lifecycleEventSeq;
      out.push({
        id: r.id,
        challengeId: r.challenge_id,
        reference: r.reference,
        trader: r.trader_name,
        type: r.type,
        rule: r.rule,
        at: new Date(Number(r.t_ms)),
        decidedAt: r.decided_at,
        challengeStatus: r.challenge_status,
        overridden: r.overridden_at
          ? { at: r.overridden_at, by: r.overridden_by_label, reason: r.override_reason }
          : null,
        note: r.lifecycle_note,
        explanation: explainFor(r.definition, r.program_version_id, decision, "staff"),
        evidence: input
          ? {
              inputId: Number(input.inputId),
              kind: input.kind,
              seq: input.seq === null ? null : Number(input.seq),
              platformTime: new Date(Number(input.tMs)),
              receivedAt: new Date(Number(input.receivedAtMs)),
              balance: input.balance === null ? null : displayMoney(input.balance, r.currency),
              equity: input.equity === null ? null : displayMoney(input.equity, r.currency),
              openPositions: input.openPositions,
              floor: displayMoney(BigInt(decision.floor), r.currency),
              reference: displayMoney(BigInt(decision.reference), r.currency),
              amount: displayMoney(BigInt(decision.amount), r.currency),
            }
          : null,
        actions:
          lifecycleSeq === null || lifecycleSeq === undefined
            ? []
            : (
                await platformActions.listActionsByKeyPrefix(db, `effect:${r.challenge_id}:${lifecycleSeq}:`)
              ).map((a) => ({
                action: a.action,
                status: a.status,
                requestedAt: a.requestedAt,
                latencyMs: input ? a.requestedAt.getTime() - Number(input.receivedAtMs) : null,
                error: a.error,
              })),
      });
    }
    return out;
  });
}

// ---------------------------------------------------------------- one challenge

export interface ChartPoint {
  t: number;
  open: number;
  high: number;
  low: number;
  close: number;
  balance: number;
  daily: number | null;
  maxLoss: number | null;
}

/** An account's one-minute bars over the last `hours` (or all), merged into at most `maxPoints`. */
export async function equityChart(
  db: TenantDb,
  tradingAccountId: string,
  opts: { hours?: number | null; maxPoints?: number } = {},
): Promise<ChartPoint[]> {
  const range = await risk.equityBarRange(db, tradingAccountId);
  if (!range) return [];
  const from = opts.hours ? Math.max(range.first, range.last - opts.hours * HOUR) : range.first;
  const rows = await risk.listEquityBars(db, tradingAccountId, from, range.last);
  const points: ChartPoint[] = [];
  for (const r of rows) {
    const hour = Number(r.hourMs);
    r.minutes.forEach((m, i) => {
      points.push({
        t: hour + m * 60_000,
        open: Number(r.equityOpen[i]),
        high: Number(r.equityHigh[i]),
        low: Number(r.equityLow[i]),
        close: Number(r.equityClose[i]),
        balance: Number(r.balance[i]),
        daily: r.dailyFloor.length === r.minutes.length ? Number(r.dailyFloor[i]) : null,
        maxLoss: r.maxLossFloor.length === r.minutes.length ? Number(r.maxLossFloor[i]) : null,
      });
    });
  }
  const max = opts.maxPoints ?? 360;
  if (points.length <= max) return points;
  // Merge neighbouring minutes into wider bars: first open, extreme high/low, last close and floors.
  const size = Math.ceil(points.length / max);
  const merged: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const chunk = points.slice(i, i + size);
    const last = chunk[chunk.length - 1]!;
    merged.push({
      t: chunk[0]!.t,
      open: chunk[0]!.open,
      high: Math.max(...chunk.map((p) => p.high)),
      low: Math.min(...chunk.map((p) => p.low)),
      close: last.close,
      balance: last.balance,
      daily: last.daily,
      maxLoss: last.maxLoss,
    });
  }
  return merged;
}

/** The platform's clock for countdowns: wall time for a bridge, the simulator's (faster) time otherwise. */
async function platformClock(platform: string) {
  if (platform === "simulator") {
    const c = await readSimulatorClock().catch(() => null);
    if (c) return { nowMs: c.simNow + (Date.now() - c.wallNow) * c.speed, rate: c.speed, simulated: true };
  }
  return { nowMs: Date.now(), rate: 1, simulated: false };
}

function standingView(s: AccountStanding, program: CompiledProgram) {
  const m = (v: bigint | null) => (v === null ? null : displayMoney(v, s.currency));
  return {
    status: s.status,
    suspended: s.suspended,
    phaseName: s.phaseName,
    phaseKind: s.phaseKind,
    balance: m(s.balance)!,
    equity: m(s.equity)!,
    balanceMinor: Number(s.balance),
    equityMinor: Number(s.equity),
    openPositions: s.openPositions,
    profit: m(s.profit)!,
    dailyFloor: m(s.floors.daily),
    dailyRoom: m(s.room.daily),
    dailyRoomPct:
      s.room.daily !== null && program.phases[s.phaseIndex]?.dailyAmount
        ? Math.round((Number(s.room.daily) / program.phases[s.phaseIndex]!.dailyAmount) * 1000) / 10
        : null,
    maxLossFloor: m(s.floors.maxLoss),
    maxLossRoom: m(s.room.maxLoss),
    maxLossRoomPct:
      s.room.maxLoss !== null && program.phases[s.phaseIndex]?.maxAmount
        ? Math.round((Number(s.room.maxLoss) / program.phases[s.phaseIndex]!.maxAmount) * 1000) / 10
        : null,
    targetBalance: m(s.targetBalance),
    targetProgressPct: s.targetProgressPct,
    tradingDays: s.tradingDays,
    minTradingDays: s.minTradingDays,
    bestDayPct: s.bestDayPct,
    maxBestDayPct: s.maxBestDayPct,
    dayProfits: s.dayProfits.map((d) => ({ day: d.day, profit: m(d.profit)!, open: d.open })),
    lastUpdateAt: s.lastUpdateAt,
    nextDayStartMs: s.nextDayStart?.getTime() ?? null,
    deadlineMs: s.deadline?.getTime() ?? null,
    asOf: s.asOf,
  };
}

async function challengeView(
  db: TenantDb,
  c: Row,
  audience: "trader" | "staff",
  zone: string,
  hours: number | null,
) {
  const program = compiledProgramFor(c.programVersionId, c.programVersion.definition);
  const accounts = c.tradingAccounts;
  const account =
    accounts.find((a) => a.phaseIndex === c.phaseIndex && a.platformAccountId) ??
    [...accounts].reverse().find((a) => a.platformAccountId);
  const standing = account ? await getAccountStanding(db, account.id) : null;
  const decisions = await risk.listChallengeDecisions(db, c.id);
  const explained = decisions.map((d) => ({
    id: d.id,
    type: d.type,
    rule: d.rule,
    phase: d.phaseIndex,
    at: new Date(Number(d.tMs)),
    overriddenAt: d.overriddenAt,
    overriddenBy: d.overriddenByLabel,
    overrideReason: d.overrideReason,
    note: d.lifecycleNote,
    text: explainDecision(program, d.decision as unknown as EmittedEvent, audience),
  }));
  const failure = [...decisions]
    .reverse()
    .find((d) => (d.type === "breached" || d.type === "expired") && d.overriddenAt === null);
  const clock = await platformClock(account?.platform ?? "simulator");
  const view = standing ? standingView(standing, program) : null;
  return {
    program,
    account: account
      ? {
          id: account.id,
          login: account.login,
          platform: account.platform,
          phaseIndex: account.phaseIndex,
          tradingEnabled: account.tradingEnabled,
        }
      : null,
    standing: view,
    chart: account ? await equityChart(db, account.id, { hours }) : [],
    currency: program.currency,
    digits: program.exponent,
    rules: programRulesText(program),
    dayStartText: dayStartText(program),
    decisions: explained,
    failure: failure
      ? {
          type: failure.type,
          rule: failure.rule,
          at: new Date(Number(failure.tMs)),
          text: explainDecision(program, failure.decision as unknown as EmittedEvent, audience),
          staffText:
            audience === "staff"
              ? null
              : explainDecision(program, failure.decision as unknown as EmittedEvent, "staff"),
        }
      : null,
    clock: {
      ...clock,
      programZone: program.timezone,
      viewerZone: zone,
      nextDayStartLocal: view?.nextDayStartMs ? localTime(view.nextDayStartMs, program.timezone) : null,
      nextDayStartViewer: view?.nextDayStartMs ? localDateTime(view.nextDayStartMs, zone) : null,
    },
  };
}

const idSchema = z.string().uuid("Unknown challenge.");
const hoursSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 90)
  .nullable()
  .catch(null);

/** The trader's own challenge with its live standing, chart, rules and (after a breach) the explanation. */
export async function traderChallengeRisk(principal: TraderPrincipal, challengeId: unknown, hours?: unknown) {
  const id = validate(idSchema, challengeId, "challenge");
  const h = hoursSchema.parse(hours ?? null) ?? 24;
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, id);
    if (!c || c.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That challenge does not exist.");
    const { program: _p, ...view } = await challengeView(db, c, "trader", principal.timezone, h);
    return view;
  });
}

/** The same for staff, with the platform actions and the engine's inputs. */
export async function staffChallengeRisk(principal: StaffPrincipal, challengeId: unknown, hours?: unknown) {
  const id = validate(idSchema, challengeId, "challenge");
  const h = hoursSchema.parse(hours ?? null) ?? 24;
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, id);
    if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
    requirePermission(principal, "traders.view", c.deskId);
    const { program: _p, ...view } = await challengeView(db, c, "staff", c.trader.timezone, h);
    const accountIds = c.tradingAccounts.map((a) => a.id);
    const counts = await risk.countAccountInputs(db, accountIds);
    return {
      ...view,
      canAct: canOnDesk(principal, "risk.act", c.deskId),
      canViewRisk: canOnDesk(principal, "risk.view", c.deskId),
      actions: (await platformActions.listAccountPlatformActions(db, accountIds, 30)).map((a) => ({
        id: a.id,
        action: a.action,
        platform: a.platform,
        status: a.status,
        reason: a.reason,
        requestedAt: a.requestedAt,
        durationMs: a.durationMs,
        attempts: a.attempts,
        error: a.error,
        request: a.request,
      })),
      inputs: {
        evaluable: counts.find((x) => !x.stale)?._count._all ?? 0,
        stale: counts.find((x) => x.stale)?._count._all ?? 0,
      },
      recentInputs: (await risk.listRecentAccountInputs(db, accountIds, 15)).map((i) => ({
        inputId: Number(i.inputId),
        kind: i.kind,
        seq: i.seq === null ? null : Number(i.seq),
        at: new Date(Number(i.tMs)),
        receivedAt: new Date(Number(i.receivedAtMs)),
        balance: i.balance === null ? null : displayMoney(i.balance, c.currency),
        equity: i.equity === null ? null : displayMoney(i.equity, c.currency),
        openPositions: i.openPositions,
        stale: i.stale,
      })),
    };
  });
}

/** Recomputes every decision of a challenge from its stored inputs and shows whether they match. */
export async function replayForStaff(principal: StaffPrincipal, challengeId: unknown) {
  const id = validate(idSchema, challengeId, "challenge");
  const c = await dataLayer().withTenant(principal.tenantId, (db) => challenges.findChallenge(db, id));
  if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
  requirePermission(principal, "risk.view", c.deskId);
  const r = await challengeReplay(principal.tenantId, id);
  return {
    challenge: { id: c.id, reference: c.reference, trader: c.trader.name },
    inputs: r.inputs,
    evaluated: r.evaluated,
    skipped: r.skipped,
    matches: r.matches,
    firstMismatch: r.firstMismatch,
    restores: r.restores,
    rows: r.rows.map((row) => {
      const d = row.recomputed ?? row.stored!;
      return {
        inputId: row.inputId,
        idx: row.idx,
        matches: row.matches,
        type: d.type,
        rule: d.rule,
        at: new Date(d.t),
        recomputed: row.recomputed,
        stored: row.stored,
        explanation: explainDecision(r.program, d, "staff"),
      };
    }),
  };
}
