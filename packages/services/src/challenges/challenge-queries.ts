import { type challenges as ChallengeRepo, challenges, dataLayer, desks } from "@propdesk/db";
import { AppError, displayMoney, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import { type Challenge as LifecycleState, phaseAwaitingAccount } from "@propdesk/domain/lifecycle";
import type { ProgramInput } from "@propdesk/domain/programs";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { fundedAccountAwaitsKyc } from "../kyc/funded-kyc-gate";
import { requirePermission } from "../staff/require-permission";
import type { TraderPrincipal } from "../traders/trader-auth";

type Row = ChallengeRepo.ChallengeWithRelations;

/** What lists of challenges show, for traders and staff alike. */
export function challengeSummary(c: Row) {
  const definition = c.programVersion.definition as ProgramInput;
  const phases = definition.phases ?? [];
  return {
    id: c.id,
    reference: c.reference,
    deskId: c.deskId,
    status: c.status,
    phaseIndex: c.phaseIndex,
    phaseName: phases[c.phaseIndex]?.name ?? `Phase ${c.phaseIndex + 1}`,
    phaseCount: phases.length,
    programName: c.programVersion.program.name,
    programVersion: c.programVersion.version,
    accountSize: displayMoney(c.accountSize, c.currency),
    currency: c.currency,
    attempt: c.attempt,
    origin: c.origin,
    trader: { id: c.trader.id, name: c.trader.name, email: c.trader.email },
    createdAt: c.createdAt,
    statusChangedAt: c.statusChangedAt,
    accounts: c.tradingAccounts.map((a) => ({
      id: a.id,
      phaseIndex: a.phaseIndex,
      platform: a.platform,
      login: a.login,
      status: a.status,
      tradingEnabled: a.tradingEnabled,
    })),
  };
}
export type ChallengeSummary = ReturnType<typeof challengeSummary>;

export async function listTraderChallenges(principal: TraderPrincipal): Promise<ChallengeSummary[]> {
  return dataLayer().withTenant(principal.tenantId, async (db) =>
    (await challenges.listTraderChallenges(db, principal.traderId)).map(challengeSummary),
  );
}

const idSchema = z.string().uuid("Unknown challenge.");

/** A trader's own challenge (another trader's id is "not found", never "forbidden"). */
export async function traderChallenge(principal: TraderPrincipal, challengeId: unknown) {
  const id = validate(idSchema, challengeId, "challenge");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, id);
    if (!c || c.traderId !== principal.traderId)
      throw new AppError("NOT_FOUND", "That challenge does not exist.");
    const next = phaseAwaitingAccount(c.lifecycle as unknown as LifecycleState);
    return {
      row: c,
      summary: challengeSummary(c),
      events: await challenges.listChallengeEvents(db, id),
      /** The funded account is held until the trader's identity is verified. */
      awaitsKyc: next !== null && (await fundedAccountAwaitsKyc(db, c, next)),
    };
  });
}

export const staffChallengeFilterSchema = z.object({
  status: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => (v ? v.split(",") : undefined)),
  trader: z
    .string()
    .uuid()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});

export async function listChallengesForStaff(principal: StaffPrincipal, input: unknown, pageSize = 50) {
  requirePermission(principal, "traders.view");
  const f = validate(staffChallengeFilterSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "traders.view",
      all.map((d) => d.id),
    );
    const rows = await challenges.listChallenges(db, {
      deskIds: visible,
      statuses: f.status,
      traderId: f.trader,
      take: pageSize + 1,
      skip: (f.page - 1) * pageSize,
    });
    return {
      rows: rows.slice(0, pageSize).map(challengeSummary),
      hasMore: rows.length > pageSize,
      page: f.page,
      desks: all.filter((d) => visible.includes(d.id)).map((d) => ({ id: d.id, name: d.name })),
    };
  });
}

export async function challengeForStaff(principal: StaffPrincipal, challengeId: unknown) {
  const id = validate(idSchema, challengeId, "challenge");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const c = await challenges.findChallenge(db, id);
    if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
    requirePermission(principal, "traders.view", c.deskId);
    return {
      row: c,
      summary: challengeSummary(c),
      events: await challenges.listChallengeEvents(db, id),
      can: {
        act: canOnDesk(principal, "risk.act", c.deskId),
        manage: canOnDesk(principal, "traders.manage", c.deskId),
      },
    };
  });
}
