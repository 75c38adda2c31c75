import { commerceSettings, dataLayer, sanctions, type TenantDb, traders } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { desksWith } from "@propdesk/domain/access";
import {
  applyScreening,
  confirmMatch,
  DEFAULT_SCREENING_THRESHOLD,
  dismissMatch,
  INITIAL_SANCTIONS_REVIEW,
  type SanctionsReviewState,
} from "@propdesk/domain/sanctions";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import type { ScreeningSubject, ScreeningTrigger } from "../sanctions/sanctions-screener";
import { SanctionsScreener } from "../sanctions/sanctions-screener";
import { requirePermission } from "../staff/require-permission";

/**
 * The screening workflow on top of the matcher: every trader is screened at sign-up, at KYC
 * approval (with the verified name, date of birth and country) and whenever the lists change.
 * Matches at or above the firm's threshold put the person in the compliance review queue with the
 * matcher's evidence; compliance dismisses them (not this person) or confirms one, which blocks
 * purchases and payouts.
 */

let shared: Promise<SanctionsScreener> | undefined;

/** The process's screener (loads the lists and builds the index once, about a second). */
export function sharedScreener(): Promise<SanctionsScreener> {
  shared ??= SanctionsScreener.load().catch((e) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/** Tests and the list watcher swap the process's screener. */
export function setSharedScreener(screener: SanctionsScreener | undefined): void {
  shared = screener ? Promise.resolve(screener) : undefined;
}

export async function screeningThreshold(db: TenantDb): Promise<number> {
  const s = await commerceSettings.findComplianceSettings(db);
  return s ? Number(s.screeningThreshold) : DEFAULT_SCREENING_THRESHOLD;
}

/**
 * Screens one person in the caller's unit of work: records the screening with its evidence and
 * folds it into the person's review state. Returns the new state.
 */
export async function screenSubject(
  db: TenantDb,
  screener: SanctionsScreener,
  subject: ScreeningSubject,
  trigger: ScreeningTrigger | "purchase",
): Promise<{ status: SanctionsReviewState["status"]; reviewId: string; changed: boolean }> {
  const threshold = await screeningThreshold(db);
  const record = screener.screenSubject(subject, trigger === "purchase" ? "manual" : trigger, { threshold });
  let review = await sanctions.findReview(db, subject.subjectType, subject.subjectId);
  if (!review) {
    review = await sanctions.createReview(db, {
      subjectType: subject.subjectType,
      subjectId: subject.subjectId,
      subjectName: subject.fullName,
      status: "clear",
      state: INITIAL_SANCTIONS_REVIEW as never,
    });
  }
  await sanctions.lockReview(db, review.id);
  const before = review.state as unknown as SanctionsReviewState;
  const next = applyScreening(
    before,
    record,
    record.listVersion,
    (m) => record.signatures[`${m.listId}:${m.entryId}`] ?? "",
  );
  const screenedAt = new Date(record.screenedAt);
  await sanctions.updateReview(db, review.id, {
    subjectName: subject.fullName,
    status: next.status,
    state: next as never,
    lastListVersion: record.listVersion,
    lastScreenedAt: screenedAt,
  });
  await sanctions.insertScreening(db, {
    reviewId: review.id,
    trigger,
    listVersion: record.listVersion,
    threshold: threshold.toFixed(3),
    query: {
      fullName: subject.fullName,
      dob: subject.dob ?? null,
      country: subject.country ?? null,
    } as never,
    potentialMatch: record.potentialMatch,
    topScore: record.matches[0] ? record.matches[0].score.toFixed(4) : null,
    matches: record.matches as never,
    screenedAt,
  });
  const changed = before.status !== next.status || before.pending.length !== next.pending.length;
  if (changed) {
    await recordAudit(db, {
      actor: { type: "system", label: `sanctions screening (${trigger})` },
      action: "sanctions.screened",
      target: { type: subject.subjectType, id: subject.subjectId },
      before: { status: before.status, pending: before.pending.map((p) => p.entryKey) },
      after: {
        status: next.status,
        pending: next.pending.map((p) => ({ entry: p.entryKey, score: p.score, name: p.match.matchedName })),
        listVersion: record.listVersion,
      },
    });
  }
  return { status: next.status, reviewId: review.id, changed };
}

/** Screens a trader by their id, with KYC-verified details when known. */
export async function screenTrader(
  db: TenantDb,
  screener: SanctionsScreener,
  traderId: string,
  trigger: ScreeningTrigger | "purchase",
  verified: { name?: string | null; dob?: Date | null; country?: string | null } = {},
) {
  const trader = await traders.findTrader(db, traderId);
  if (!trader) throw new AppError("NOT_FOUND", "That trader does not exist.");
  const dob = verified.dob ?? trader.dateOfBirth;
  const country = verified.country ?? trader.country;
  return screenSubject(
    db,
    screener,
    {
      subjectType: "trader",
      subjectId: trader.id,
      fullName: verified.name ?? trader.name,
      ...(dob ? { dob: dob.toISOString().slice(0, 10) } : {}),
      ...(country ? { country } : {}),
    },
    trigger,
  );
}

// --- compliance review -----------------------------------------------------------------------

export const reviewDecisionSchema = z.object({
  entryKey: z.string().trim().min(3, "Choose the match you are deciding on.").max(80),
  reason: z.string().trim().min(5, "Write why (at least 5 characters): what you compared.").max(2000),
});

/** Dismiss a potential match (it is not this person) or confirm it (purchases and payouts blocked). */
export async function decideSanctionsMatch(
  principal: StaffPrincipal,
  reviewId: unknown,
  decision: "dismiss" | "confirm",
  input: unknown,
) {
  const id = validate(z.string().uuid("Unknown review."), reviewId, "review");
  const form = validate(reviewDecisionSchema, input);
  requirePermission(principal, "screening.review");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const review = await sanctions.findReviewById(db, id);
    if (!review) throw new AppError("NOT_FOUND", "That review does not exist.");
    await assertSubjectVisible(db, principal, review.subjectType, review.subjectId);
    await sanctions.lockReview(db, id);
    const state = review.state as unknown as SanctionsReviewState;
    const by = `${principal.name} <${principal.email}>`;
    const next =
      decision === "dismiss"
        ? dismissMatch(state, form.entryKey, by, form.reason, Date.now())
        : confirmMatch(state, form.entryKey, by, form.reason, Date.now());
    await sanctions.updateReview(db, id, { status: next.status, state: next as never });
    const match = state.pending.find((p) => p.entryKey === form.entryKey)!;
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: decision === "dismiss" ? "sanctions.match_dismissed" : "sanctions.match_confirmed",
      target: { type: review.subjectType, id: review.subjectId },
      before: { status: state.status },
      after: {
        status: next.status,
        entry: form.entryKey,
        listedName: match.match.primaryName,
        score: match.score,
        reason: form.reason,
      },
    });
    return { status: next.status };
  });
}

/** A desk-limited reviewer sees only traders of their desks. */
async function assertSubjectVisible(
  db: TenantDb,
  principal: StaffPrincipal,
  subjectType: string,
  subjectId: string,
) {
  if (principal.deskIds === null || subjectType !== "trader") return;
  const trader = await traders.findTrader(db, subjectId);
  const visible = desksWith(principal, "screening.review", principal.deskIds);
  if (!trader || !trader.desks.some((d) => visible.includes(d.deskId)))
    throw new AppError("NOT_FOUND", "That review does not exist.");
}

export const screeningQueueSchema = z.object({
  status: z
    .enum(["potential_match", "confirmed_match", "clear"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** The compliance queue: people with matches waiting for a decision (or those confirmed). */
export async function screeningQueue(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "screening.review");
  const f = validate(screeningQueueSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const rows = await sanctions.listReviews(db, {
      statuses: [f.status ?? "potential_match"],
      take: 200,
    });
    const counts = await sanctions.countReviewsByStatus(db);
    const settings = await commerceSettings.findComplianceSettings(db);
    const visible = [];
    for (const r of rows) {
      if (principal.deskIds !== null && r.subjectType === "trader") {
        const t = await traders.findTrader(db, r.subjectId);
        if (!t || !t.desks.some((d) => principal.deskIds!.includes(d.deskId))) continue;
      }
      const state = r.state as unknown as SanctionsReviewState;
      visible.push({
        id: r.id,
        subjectType: r.subjectType,
        subjectId: r.subjectId,
        subjectName: r.subjectName,
        status: r.status,
        pending: state.pending.length,
        topScore: state.pending[0]?.score ?? null,
        topName: state.pending[0]?.match.primaryName ?? null,
        confirmed: state.confirmed ?? null,
        lastScreenedAt: r.lastScreenedAt,
      });
    }
    return {
      rows: visible,
      status: f.status ?? "potential_match",
      counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
      threshold: settings ? Number(settings.screeningThreshold) : DEFAULT_SCREENING_THRESHOLD,
      listVersion: settings?.screenedListVersion ?? null,
      screenedAt: settings?.screenedAt ?? null,
    };
  });
}

/** One review with its pending matches (the evidence) and its screening history. */
export async function screeningReview(principal: StaffPrincipal, reviewId: unknown) {
  const id = validate(z.string().uuid("Unknown review."), reviewId, "review");
  requirePermission(principal, "screening.review");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const review = await sanctions.findReviewById(db, id);
    if (!review) throw new AppError("NOT_FOUND", "That review does not exist.");
    await assertSubjectVisible(db, principal, review.subjectType, review.subjectId);
    const state = review.state as unknown as SanctionsReviewState;
    return {
      id: review.id,
      subjectType: review.subjectType,
      subjectId: review.subjectId,
      subjectName: review.subjectName,
      status: review.status,
      state,
      lastScreenedAt: review.lastScreenedAt,
      screenings: review.screenings.map((s) => ({
        id: s.id,
        trigger: s.trigger,
        listVersion: s.listVersion,
        threshold: Number(s.threshold),
        query: s.query as { fullName: string; dob: string | null; country: string | null },
        potentialMatch: s.potentialMatch,
        topScore: s.topScore === null ? null : Number(s.topScore),
        matches: (s.matches as unknown[]).length,
        screenedAt: s.screenedAt,
      })),
    };
  });
}

export const thresholdSchema = z.object({
  threshold: z.coerce
    .number({ message: "Enter the threshold as a number between 0.5 and 1." })
    .min(0.5, "A threshold below 0.5 would flag most names; use at least 0.5.")
    .max(1, "The threshold is at most 1 (exact matches only)."),
});

/** The firm's review threshold: matches scoring at least this go to review. */
export async function setScreeningThreshold(principal: StaffPrincipal, input: unknown) {
  requirePermission(principal, "settings.manage");
  const { threshold } = validate(thresholdSchema, input);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const before = await screeningThreshold(db);
    await commerceSettings.upsertComplianceSettings(db, {
      screeningThreshold: threshold.toFixed(3),
      updatedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "sanctions.threshold_changed",
      before: { threshold: before },
      after: { threshold },
    });
    return { threshold };
  });
}
