import { audit, dataLayer, desks, ledger, payouts, traders } from "@propdesk/db";
import { AppError, type ErrorCode, validate } from "@propdesk/domain";
import { desksWith } from "@propdesk/domain/access";
import { displayMoney, isCurrency, parseMoney } from "@propdesk/domain/money";
import { describeApprovalPolicy } from "@propdesk/domain/payouts";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { complianceStatus } from "../compliance/compliance-status";
import { decryptSecret, encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { requirePermission } from "../staff/require-permission";
import { destinationView } from "./payout-destinations";
import type { PayoutSignal } from "./payout-signals";
import { approvePayoutsInDb, closeUnpaidPayout } from "./payout-workflow";
import { ibanValid } from "./rails/bank-wire-file";
import { CryptoRail } from "./rails/crypto-rail";
import { type RailName, railLabels } from "./rails/payout-rail";

/*
 * The console's side of payouts: the queue with each request's checks and signals, approvals and
 * rejections, and the settings finance relies on (approval thresholds, the destination cool-off,
 * the crypto custody connection, the firm's bank details for wire files).
 */

export const payoutStatuses = [
  "pending_approval",
  "approved",
  "disbursing",
  "paid",
  "failed",
  "rejected",
  "cancelled",
] as const;

async function deskScope(principal: StaffPrincipal, permission: "payouts.view" | "payouts.approve") {
  requirePermission(principal, permission);
  if (principal.deskIds === null) return null;
  return principal.deskIds;
}

function summary(p: payouts.PayoutWithRelations) {
  const m = (x: bigint) => displayMoney(x, p.currency);
  return {
    id: p.id,
    reference: p.reference,
    deskId: p.deskId,
    traderId: p.traderId,
    challengeId: p.challengeId,
    status: p.status,
    rail: p.rail as RailName,
    railLabel: railLabels[p.rail as RailName],
    currency: p.currency,
    total: m(p.totalToTrader),
    totalMinor: p.totalToTrader.toString(),
    traderShare: m(p.traderShare),
    firmShare: m(p.firmShare),
    feeRefund: m(p.feeRefund),
    phaseProfitShare: m(p.phaseProfitShare),
    grossProfit: m(p.grossProfit),
    balanceReduction: m(p.balanceReduction),
    traderPct: p.traderPct,
    payoutNumber: p.payoutNumber,
    requestedAt: p.requestedAt,
    requestedBy: p.requestedByLabel,
    requiredApprovals: p.requiredApprovals,
    approvals: p.approvals.map((a) => ({
      approverId: a.approverId,
      label: a.approverLabel,
      at: a.approvedAt,
    })),
    attempts: p.payoutAttempts.map((a) => ({
      attempt: a.attempt,
      rail: a.rail,
      status: a.status,
      railReference: a.railReference,
      txHash: a.txHash,
      chain: a.chain,
      address: a.address,
      failureReason: a.failureReason,
      at: a.createdAt,
      settledAt: a.settledAt,
    })),
    signals: p.signals as unknown as PayoutSignal[],
    checks: p.checks as Record<string, unknown>,
    computation: p.computation as {
      lines: { code: string; label: string; amount: string }[];
      roundingNote: string;
    },
    failureReason: p.failureReason,
    rejectionReason: p.rejectionReason,
    paidAt: p.paidAt,
    platformAdjustmentId: p.platformAdjustmentId,
    nextCycleAt: p.nextCycleAt,
  };
}

export const queueFilterSchema = z.object({
  status: z.enum(payoutStatuses).optional(),
  rail: z.enum(["stripe_connect", "crypto", "bank_wire"]).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

/** The payout queue (newest first), with counts by status for the tabs. */
export async function payoutQueue(principal: StaffPrincipal, input: unknown) {
  const f = validate(queueFilterSchema, input);
  const deskIds = await deskScope(principal, "payouts.view");
  const take = 50;
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [rows, counts] = await Promise.all([
      payouts.listPayouts(
        db,
        { deskIds, statuses: f.status ? [f.status] : undefined, rail: f.rail },
        { take: take + 1, skip: (f.page - 1) * take },
      ),
      payouts.countPayoutsByStatus(db, deskIds),
    ]);
    const names = new Map(
      (await payouts.traderNames(db, [...new Set(rows.map((r) => r.traderId))])).map((t) => [t.id, t]),
    );
    return {
      filter: f,
      hasMore: rows.length > take,
      counts: counts.map((c) => ({ status: c.status, count: c.count })),
      payouts: rows.slice(0, take).map((p) => ({
        ...summary(p),
        trader: names.get(p.traderId) ?? { id: p.traderId, name: "?", email: "" },
        canApprove:
          p.status === "pending_approval" &&
          p.requestedById !== principal.userId &&
          !p.approvals.some((a) => a.approverId === principal.userId),
      })),
    };
  });
}

/** One payout with everything a reviewer needs: checks, signals, live compliance, ledger, audit. */
export async function payoutDetail(principal: StaffPrincipal, payoutId: unknown) {
  const id = validate(z.string().uuid("Unknown payout."), payoutId);
  requirePermission(principal, "payouts.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const p = await payouts.findPayout(db, id);
    if (!p) throw new AppError("NOT_FOUND", "That payout does not exist.");
    requirePermission(principal, "payouts.view", p.deskId);
    const [destination, transfers, compliance, trader, events, threshold] = await Promise.all([
      payouts.findDestination(db, p.destinationId),
      ledger.listPayoutTransfers(db, p.id),
      complianceStatus(db, p.traderId, { deskId: p.deskId }),
      traders.findTrader(db, p.traderId),
      audit.listAuditEvents(db, { deskIds: null, targetId: p.id }, { limit: 100 }),
      payouts.findThreshold(db, p.deskId, p.currency),
    ]);
    const policy = describeApprovalPolicy(
      { amount: p.totalToTrader, currency: p.currency },
      threshold ? { amount: threshold.amount, currency: p.currency } : null,
    );
    return {
      payout: summary(p),
      policy,
      trader: trader ? { id: trader.id, name: trader.name, email: trader.email } : null,
      destination: destination ? destinationView(destination) : null,
      liveCompliance: {
        kyc: compliance.kyc.status,
        kycFresh: compliance.kyc.fresh,
        sanctions: compliance.sanctions.status,
        openFraudFlags: compliance.openFraudFlags.map((f) => ({
          kind: f.kind,
          reason: f.reason,
          severity: f.severity,
        })),
      },
      transfers: transfers.map((s) => ({
        key: s.transfer.idempotencyKey,
        kind: s.transfer.kind,
        status: s.transfer.status,
        debit: s.transfer.debitAccount,
        credit: s.transfer.creditAccount,
        amount: displayMoney(s.transfer.amount, s.transfer.currency),
        effectiveAt: s.transfer.effectiveAt,
        memo: s.transfer.memo,
      })),
      events: events.map((e) => ({
        seq: e.seq.toString(),
        at: e.occurredAt,
        action: e.action,
        actor: e.actorLabel,
        after: e.after,
      })),
      can: {
        approve:
          p.status === "pending_approval" &&
          p.requestedById !== principal.userId &&
          !p.approvals.some((a) => a.approverId === principal.userId),
        reject: ["pending_approval", "approved", "failed"].includes(p.status),
        disburse: p.status === "approved" || p.status === "failed",
      },
    };
  });
}

const codeOf: Record<string, ErrorCode> = {
  not_found: "NOT_FOUND",
  not_your_desk: "FORBIDDEN",
  requester_cannot_approve: "FORBIDDEN",
  already_approved_by_user: "CONFLICT",
  fully_approved: "CONFLICT",
  not_awaiting_approval: "ILLEGAL_TRANSITION",
};

/** One finance approval; the second different approver (above the threshold) approves it fully. */
export async function approvePayout(principal: StaffPrincipal, payoutId: unknown, opts: { now?: Date } = {}) {
  const id = validate(z.string().uuid("Unknown payout."), payoutId);
  requirePermission(principal, "payouts.approve");
  const [outcome] = await dataLayer().withTenant(principal.tenantId, (db) =>
    approvePayoutsInDb(
      db,
      { userId: principal.userId, label: principal.email, access: principal },
      [id],
      opts.now ?? new Date(),
    ),
  );
  if (!outcome!.ok)
    throw new AppError(codeOf[outcome!.code ?? ""] ?? "CONFLICT", outcome!.message ?? "Not approved.");
  return outcome!;
}

export const rejectSchema = z.object({
  payoutId: z.string().uuid("Unknown payout."),
  reason: z.string().trim().min(3, "Say why the payout is rejected; the trader sees it.").max(500),
});

export async function rejectPayout(principal: StaffPrincipal, input: unknown, opts: { now?: Date } = {}) {
  const form = validate(rejectSchema, input);
  requirePermission(principal, "payouts.approve");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const p = await payouts.findPayout(db, form.payoutId);
    if (!p) throw new AppError("NOT_FOUND", "That payout does not exist.");
    requirePermission(principal, "payouts.approve", p.deskId);
    return closeUnpaidPayout(
      db,
      p.id,
      {
        kind: "rejected",
        actor: { type: "staff", id: principal.userId, label: principal.email },
        reason: form.reason,
      },
      opts.now ?? new Date(),
    );
  });
}

// --- settings -------------------------------------------------------------------------------

export async function payoutSettings(principal: StaffPrincipal) {
  requirePermission(principal, "payouts.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const all = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "payouts.view",
      all.map((d) => d.id),
    );
    const [thresholds, crypto, bank] = await Promise.all([
      payouts.listThresholds(db, visible),
      payouts.findRailConnection(db, "crypto"),
      payouts.findRailConnection(db, "bank_wire"),
    ]);
    const cooloffs = await Promise.all(visible.map((d) => payouts.findPayoutSettings(db, d)));
    return {
      desks: all
        .filter((d) => visible.includes(d.id))
        .map((d, i) => ({
          id: d.id,
          name: d.name,
          cooloffHours: cooloffs[i]?.destinationCooloffHours ?? 24,
          thresholds: thresholds
            .filter((t) => t.deskId === d.id)
            .map((t) => ({ currency: t.currency, amount: displayMoney(t.amount, t.currency) })),
        })),
      crypto:
        crypto && crypto.status === "active"
          ? {
              endpointUrl: crypto.endpointUrl,
              apiKeyHint: crypto.apiKeySealed
                ? `…${decryptSecret(crypto.apiKeySealed, env().ENCRYPTION_KEY).slice(-4)}`
                : null,
              updatedBy: crypto.updatedByLabel,
              updatedAt: crypto.updatedAt,
            }
          : null,
      bank: bank ? (bank.settings as { name?: string; iban?: string; bic?: string }) : null,
    };
  });
}

export const thresholdSchema = z.object({
  deskId: z.string().uuid("Choose a desk."),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCurrency, "Enter an ISO 4217 currency code such as USD."),
  amount: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'Enter an amount such as "5000.00" (empty to remove).')
    .or(z.literal("")),
});

/** Above this amount a payout of the desk needs two different finance approvers. */
export async function saveApprovalThreshold(principal: StaffPrincipal, input: unknown) {
  const form = validate(thresholdSchema, input);
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, form.deskId)))
      throw new AppError("NOT_FOUND", "That desk does not exist.");
    const before = await payouts.findThreshold(db, form.deskId, form.currency);
    if (form.amount === "") await payouts.deleteThreshold(db, form.deskId, form.currency);
    else {
      let amount: bigint;
      try {
        amount = parseMoney(form.amount, form.currency, "amount");
      } catch (e) {
        throw new AppError("VALIDATION", `amount: not an amount in ${form.currency}.`, {
          issues: [{ path: "amount", message: `Not an amount in ${form.currency}.` }],
          cause: e,
        });
      }
      await payouts.upsertThreshold(db, {
        deskId: form.deskId,
        currency: form.currency,
        amount,
        updatedByLabel: principal.email,
      });
    }
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payout.threshold_changed",
      deskId: form.deskId,
      target: { type: "desk", id: form.deskId },
      before: before ? { currency: form.currency, amount: before.amount } : null,
      after: form.amount === "" ? null : { currency: form.currency, amount: form.amount },
    });
  });
}

export async function saveDestinationCooloff(principal: StaffPrincipal, input: unknown) {
  const form = validate(
    z.object({
      deskId: z.string().uuid("Choose a desk."),
      hours: z.coerce
        .number()
        .int("Whole hours.")
        .min(0, "At least 0 hours.")
        .max(720, "At most 720 hours (30 days)."),
    }),
    input,
  );
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, form.deskId)))
      throw new AppError("NOT_FOUND", "That desk does not exist.");
    await payouts.upsertPayoutSettings(db, form.deskId, {
      destinationCooloffHours: form.hours,
      updatedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payout.cooloff_changed",
      deskId: form.deskId,
      target: { type: "desk", id: form.deskId },
      after: { hours: form.hours },
    });
  });
}

export const cryptoConnectionSchema = z.object({
  endpointUrl: z
    .string()
    .trim()
    .url("Enter the custody provider's API address (https://…).")
    .refine((u) => /^https?:\/\//.test(u), "Use an http(s) address."),
  apiKey: z.string().trim().min(8, "Paste the API key (at least 8 characters).").max(500),
});

/** Connects the crypto custody provider; the key is proven to work before it is stored (sealed). */
export async function connectCryptoRail(principal: StaffPrincipal, input: unknown) {
  const form = validate(cryptoConnectionSchema, input);
  requirePermission(principal, "settings.manage");
  if (env().PROPDESK_ENV === "production" && !form.endpointUrl.startsWith("https://"))
    throw new AppError("VALIDATION", "endpointUrl: production needs an https address.", {
      issues: [{ path: "endpointUrl", message: "Production needs an https address." }],
    });
  try {
    const now = new Date();
    await new CryptoRail({
      endpointUrl: form.endpointUrl,
      apiKey: form.apiKey,
      timeoutMs: 10_000,
    }).listWithdrawals({
      from: now,
      to: new Date(now.getTime() + 1),
    });
  } catch (e) {
    throw new AppError(
      "VALIDATION",
      `apiKey: the custody provider refused this key or address (${(e as Error).message})`,
      {
        issues: [{ path: "apiKey", message: "The custody provider refused this key or address." }],
        cause: e,
      },
    );
  }
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await payouts.upsertRailConnection(db, "crypto", {
      endpointUrl: form.endpointUrl,
      apiKeySealed: encryptSecret(form.apiKey, env().ENCRYPTION_KEY),
      settings: {},
      status: "active",
      updatedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payout.crypto_connected",
      after: { endpointUrl: form.endpointUrl, apiKey: `…${form.apiKey.slice(-4)}` },
    });
  });
}

export const bankOriginatorSchema = z.object({
  name: z.string().trim().min(2, "Enter the firm's account name as the bank knows it.").max(140),
  iban: z
    .string()
    .transform((s) => s.replace(/\s+/g, "").toUpperCase())
    .refine(ibanValid, "This IBAN is not valid (check the country code and check digits)."),
  bic: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, "A BIC has 8 or 11 letters and digits, like DEUTDEFF."),
});

/** The firm's account that wire files debit. */
export async function saveBankOriginator(principal: StaffPrincipal, input: unknown) {
  const form = validate(bankOriginatorSchema, input);
  requirePermission(principal, "settings.manage");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    await payouts.upsertRailConnection(db, "bank_wire", {
      endpointUrl: null,
      apiKeySealed: null,
      settings: form,
      status: "active",
      updatedByLabel: principal.email,
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payout.bank_originator_changed",
      after: form,
    });
  });
}
