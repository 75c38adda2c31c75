import { challenges, kyc, type TenantDb } from "@propdesk/db";
import { type Challenge as LifecycleState, phaseAwaitingAccount } from "@propdesk/domain/lifecycle";
import { applyChallengeEffects } from "../challenges/challenge-jobs";
import { isFreshApproval, kycPolicyFor } from "../compliance/compliance-status";
import { enqueueMany } from "../jobs/enqueue";

/**
 * "KYC before the funded account": on a desk with that setting, the funded phase's platform
 * account is not opened until the trader holds an approval younger than the desk's maximum age.
 * Provisioning asks this gate; an approval (or the desk dropping the setting) resumes what it held.
 */

/** Whether opening `phase`'s account must wait for this trader's identity verification. */
export async function fundedAccountAwaitsKyc(
  db: TenantDb,
  c: { deskId: string; traderId: string; lifecycle: unknown },
  phase: number,
  now = new Date(),
): Promise<boolean> {
  if ((c.lifecycle as LifecycleState).phaseKinds[phase] !== "funded") return false;
  const policy = await kycPolicyFor(db, [c.deskId]);
  if (policy.kycRequiredAt !== "before_funded") return false;
  const approved = await kyc.latestApprovedVerification(db, c.traderId);
  return !isFreshApproval(approved, policy.kycMaxAgeDays, now);
}

/**
 * Resumes held funded provisioning (a trader's after an approval, a desk's after its setting
 * changed) by scheduling the `provision_account` effect again in the caller's unit of work. The
 * effect asks the gate once more, so resuming something still held does nothing.
 */
export async function resumeFundedProvisioning(
  db: TenantDb,
  where: { traderId: string } | { deskId: string },
): Promise<void> {
  const due = (await challenges.listChallengesAwaitingAccount(db, where)).flatMap((c) => {
    const lc = c.lifecycle as unknown as LifecycleState;
    const phase = phaseAwaitingAccount(lc);
    return phase === null || lc.phaseKinds[phase] !== "funded" || c.lastEventSeq < 1
      ? []
      : [
          {
            payload: {
              challengeId: c.id,
              eventSeq: c.lastEventSeq,
              effects: [{ type: "provision_account", phase }],
            },
          },
        ];
  });
  if (due.length > 0) await enqueueMany(db, applyChallengeEffects, due);
}
