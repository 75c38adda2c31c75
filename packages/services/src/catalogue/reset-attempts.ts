import { catalogue, challenges, dataLayer, desks, orders, type TenantDb } from "@propdesk/db";
import { AppError, percentOf } from "@propdesk/domain";
import type { Challenge as LifecycleState } from "@propdesk/domain/lifecycle";
import { createChallenge } from "../challenges/challenge-lifecycle";
import type { EffectContext } from "../challenges/effect-handlers";

/**
 * Resets: after a breach, a trader retakes the same program as a new attempt, at the program's
 * reset price (a discount on what they paid) or free when the program grants a free retake.
 * The lifecycle's `reset` event closes the failed challenge and asks for `create_attempt`; the
 * next attempt is created here, once per failed challenge.
 */

/** Creates the next attempt of a reset challenge, or returns the one already created. */
export async function ensureAttempt(db: TenantDb, previousChallengeId: string) {
  if (!(await challenges.lockChallenge(db, previousChallengeId)))
    throw new AppError("NOT_FOUND", "That challenge does not exist.");
  const existing = await catalogue.findNextAttempt(db, previousChallengeId);
  if (existing) return { challengeId: existing.id, created: false };
  const previous = await challenges.findChallenge(db, previousChallengeId);
  if (!previous) throw new AppError("NOT_FOUND", "That challenge does not exist.");
  const desk = await desks.findDesk(db, previous.deskId);
  if (!desk) throw new AppError("NOT_FOUND", "That challenge's desk does not exist.");
  const { challenge } = await createChallenge(db, {
    deskId: desk.id,
    deskSlug: desk.slug,
    traderId: previous.traderId,
    programVersionId: previous.programVersionId,
    origin: "reset",
    previousChallengeId,
    attempt: previous.attempt + 1,
    cause: { type: "system", job: "reset" },
  });
  return { challengeId: challenge.id, created: true };
}

export interface ResetOffer {
  challengeId: string;
  /** The challenge is already in state `reset` (by staff), waiting for its next attempt. */
  awaitingPayment: boolean;
  attempt: number;
  pricePct: number;
  free: boolean;
  /** What the retake costs (null when there is no price to discount: a free retake only). */
  amount: bigint | null;
  currency: string | null;
}

/**
 * What a retake of this challenge costs, or null when it cannot be retaken: the program must allow
 * resets, the challenge must have failed in an evaluation phase on a rule (a chargeback is not a
 * breach), and no next attempt may exist. The price is the program's share of what the first
 * attempt was sold for (product and add-ons, before coupons).
 */
export async function resetOfferFor(db: TenantDb, challengeId: string): Promise<ResetOffer | null> {
  const row = await challenges.findChallenge(db, challengeId);
  if (!row) return null;
  const state = row.lifecycle as unknown as LifecycleState;
  const failedOnRule =
    state.state === "failed" && state.failedRule !== null && state.failedRule !== "chargeback";
  const awaitingPayment = state.state === "reset";
  if (!failedOnRule && !awaitingPayment) return null;
  if (!state.resetPolicy.allowed || state.phaseKinds[state.phase] === "funded") return null;
  if (await catalogue.findNextAttempt(db, challengeId)) return null;
  const pricePct = state.resetPolicy.freeRetake ? 0 : 100 - state.resetPolicy.discountPct;
  const base = await firstPurchasePrice(db, row);
  if (pricePct > 0 && !base) return null;
  return {
    challengeId,
    awaitingPayment,
    attempt: row.attempt + 1,
    pricePct,
    free: pricePct === 0,
    amount: base ? percentOf(base.amount, pricePct) : null,
    currency: base?.currency ?? null,
  };
}

/** The list price (before coupons) the trader paid for the first attempt of this challenge's chain. */
async function firstPurchasePrice(
  db: TenantDb,
  row: NonNullable<Awaited<ReturnType<typeof challenges.findChallenge>>>,
): Promise<{ amount: bigint; currency: string } | null> {
  let current = row;
  for (let hops = 0; current.previousChallengeId && hops < 50; hops++) {
    const prev = await challenges.findChallenge(db, current.previousChallengeId);
    if (!prev) break;
    current = prev;
  }
  const bought = (await orders.findOrdersByChallenge(db, current.id)).find((o) => o.kind === "challenge");
  if (bought) return { amount: bought.subtotal, currency: bought.currency };
  // Assigned by hand: the desk's current product for the same program version, when there is one.
  const product = (await catalogue.listProducts(db, { deskIds: [row.deskId], activeOnly: true })).find(
    (p) => p.programVersionId === row.programVersionId,
  );
  return product ? { amount: product.price, currency: product.currency } : null;
}

/**
 * The `create_attempt` effect: a free retake starts at once; a paid one starts when its order is
 * paid (the order's fulfilment creates it; this finds it done). Until then the trader's portal
 * offers the retake at its price.
 */
export async function createAttemptEffect(
  effect: { attempt: number; pricePct: number },
  ctx: EffectContext,
): Promise<void> {
  await dataLayer().withTenant(ctx.tenantId, async (db) => {
    if (effect.pricePct === 0) {
      const r = await ensureAttempt(db, ctx.challengeId);
      ctx.log.info({ challengeId: ctx.challengeId, next: r.challengeId, created: r.created }, "free retake");
      return;
    }
    const paid = (await orders.findOrdersForPreviousChallenge(db, ctx.challengeId)).some((o) =>
      ["paid", "partially_refunded"].includes(o.status),
    );
    if (paid) await ensureAttempt(db, ctx.challengeId);
    else
      ctx.log.info(
        { challengeId: ctx.challengeId, pricePct: effect.pricePct },
        "retake offered at its price",
      );
  });
}
