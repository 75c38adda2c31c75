import { AppError } from "../errors";
import { displayMoney, type Money } from "../money";

/**
 * Two different finance users must approve a payout strictly above the desk's threshold; one is
 * enough at or below it. With no threshold configured, one approval is enough.
 */
export function requiredApprovals(amount: Money, deskThreshold: Money | null): 1 | 2 {
  if (deskThreshold === null) return 1;
  if (amount.currency !== deskThreshold.currency)
    throw new AppError(
      "VALIDATION",
      `The payout is in ${amount.currency} but the desk's approval threshold is in ${deskThreshold.currency}; set a threshold per currency.`,
      { issues: [{ path: "deskThreshold.currency", message: `must be ${amount.currency}` }] },
    );
  return amount.amount > deskThreshold.amount ? 2 : 1;
}

export interface PayoutForApproval {
  id: string;
  status: string;
  /** The user who requested the payout (a trader, or staff acting for one). */
  requestedBy: string;
  amount: Money;
  /** Frozen when the payout was requested, from `requiredApprovals`. */
  requiredApprovals: 1 | 2;
}

export interface PayoutApproval {
  approverId: string;
}

export type ApprovalCode =
  | "not_awaiting_approval"
  | "requester_cannot_approve"
  | "already_approved_by_user"
  | "fully_approved";

export type ApprovalDecision =
  | { allowed: true; approvalsAfter: number; fullyApproved: boolean }
  | { allowed: false; reasons: { code: ApprovalCode; message: string }[] };

/** Whether `approverId` may approve now. The role check (finance permission) is done by the caller. */
export function canApprove(
  payout: PayoutForApproval,
  approverId: string,
  existingApprovals: readonly PayoutApproval[],
): ApprovalDecision {
  const reasons: { code: ApprovalCode; message: string }[] = [];
  const distinct = new Set(existingApprovals.map((a) => a.approverId));
  if (payout.status !== "pending_approval")
    reasons.push({
      code: "not_awaiting_approval",
      message: `Payout ${payout.id} is ${payout.status.replaceAll("_", " ")}, not awaiting approval.`,
    });
  if (approverId === payout.requestedBy)
    reasons.push({
      code: "requester_cannot_approve",
      message: `You requested payout ${payout.id}; someone else must approve it.`,
    });
  if (distinct.has(approverId))
    reasons.push({
      code: "already_approved_by_user",
      message: `You already approved payout ${payout.id}; ${payout.requiredApprovals === 2 ? "a second, different finance user must approve it" : "no further approval is needed from you"}.`,
    });
  else if (distinct.size >= payout.requiredApprovals)
    reasons.push({
      code: "fully_approved",
      message: `Payout ${payout.id} already has the ${payout.requiredApprovals} approval${payout.requiredApprovals === 1 ? "" : "s"} it needs.`,
    });
  if (reasons.length > 0) return { allowed: false, reasons };
  const approvalsAfter = distinct.size + 1;
  return { allowed: true, approvalsAfter, fullyApproved: approvalsAfter >= payout.requiredApprovals };
}

/** A one-line explanation of the approval policy for the console. */
export function describeApprovalPolicy(amount: Money, deskThreshold: Money | null): string {
  const n = requiredApprovals(amount, deskThreshold);
  if (deskThreshold === null) return "One finance approval (no threshold set for this desk).";
  const t = displayMoney(deskThreshold.amount, deskThreshold.currency);
  return n === 2
    ? `Two approvals by different finance users: the amount is above the desk threshold of ${t}.`
    : `One finance approval: the amount is at or below the desk threshold of ${t}.`;
}
