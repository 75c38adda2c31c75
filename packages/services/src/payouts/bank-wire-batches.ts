import { randomInt } from "node:crypto";
import { dataLayer, payouts } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { displayMoney, isCurrency } from "@propdesk/domain/money";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";
import { type AttemptResult, settleAttemptsInDb } from "./payout-workflow";
import { bankWireCsv, endToEndIdOf, type Originator, parseBankConfirmation } from "./rails/bank-wire-file";

/*
 * The bank wire rail: reserved bank payouts are gathered into a file (one per currency) that the
 * firm uploads to its bank; importing the bank's confirmation file marks each payment paid or
 * failed. The export moves the attempts to "submitted" (they are at the bank); a rejected wire
 * voids its reserve and fails the payout like any rail failure, so it can be retried.
 */

const MAX_ITEMS = 10_000;

/** A wire file gathers the bank payouts of every desk: only finance staff with all desks handle them. */
function requireWireAccess(principal: StaffPrincipal) {
  requirePermission(principal, "payouts.disburse");
  if (principal.deskIds !== null)
    throw new AppError(
      "FORBIDDEN",
      "Wire files hold the bank payouts of every desk; they are handled by finance staff with access to all desks.",
    );
}

function batchReference(): string {
  const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  let s = "";
  for (let i = 0; i < 8; i++) s += alphabet[randomInt(alphabet.length)];
  return `WB-${s}`;
}

export async function bankWireOverview(principal: StaffPrincipal) {
  requireWireAccess(principal);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [ready, batches, originator] = await Promise.all([
      payouts.countBankReadyAttempts(db),
      payouts.listBankBatches(db, 50),
      payouts.findRailConnection(db, "bank_wire"),
    ]);
    return {
      originatorSet: Boolean(originator && (originator.settings as Partial<Originator>).iban),
      ready: ready.map((r) => ({
        currency: r.currency,
        count: r.count,
        total: displayMoney(r.total, r.currency),
      })),
      batches: batches.map((b) => ({ ...b, total: displayMoney(b.total, b.currency) })),
    };
  });
}

/** Gathers the reserved bank payouts of one currency into a wire file. */
export async function exportBankWireBatch(
  principal: StaffPrincipal,
  input: unknown,
  opts: { now?: Date } = {},
) {
  const form = validate(
    z.object({ currency: z.string().trim().toUpperCase().refine(isCurrency, "Choose a currency.") }),
    input,
  );
  requireWireAccess(principal);
  const now = opts.now ?? new Date();
  return dataLayer().withTenant(
    principal.tenantId,
    async (db) => {
      const conn = await payouts.findRailConnection(db, "bank_wire");
      const originator = conn?.settings as Partial<Originator> | undefined;
      if (!originator?.iban || !originator.bic || !originator.name)
        throw new AppError(
          "PRECONDITION_FAILED",
          "Enter the firm's bank account (name, IBAN, BIC) in payout settings before exporting wire files.",
        );
      const attempts = await payouts.listBankReadyAttempts(db, form.currency, MAX_ITEMS);
      if (attempts.length === 0)
        throw new AppError(
          "NOT_FOUND",
          `No bank wire payouts in ${form.currency} are waiting to be exported.`,
        );
      const [list, dests] = await Promise.all([
        payouts.findPayouts(db, [...new Set(attempts.map((a) => a.payoutId))]),
        payouts.findDestinations(db, [...new Set(attempts.map((a) => a.destinationId))]),
      ]);
      const byPayout = new Map(list.map((p) => [p.id, p]));
      const byDest = new Map(dests.map((d) => [d.id, d]));
      const items = attempts.map((a) => {
        const p = byPayout.get(a.payoutId)!;
        const d = byDest.get(a.destinationId)!;
        return {
          endToEndId: endToEndIdOf(p.reference, a.attempt),
          beneficiaryName: d.bankAccountHolder ?? "",
          iban: d.bankIban ?? "",
          bic: d.bankBic ?? "",
          amount: a.amount,
          currency: a.currency,
          remittance: `Payout ${p.reference}`,
        };
      });
      const reference = batchReference();
      const fileName = `${reference}-${form.currency}-${now.toISOString().slice(0, 10)}.csv`;
      const csv = bankWireCsv({
        items,
        originator: originator as Originator,
        executionDate: now.toISOString().slice(0, 10),
      });
      const total = attempts.reduce((s, a) => s + a.amount, 0n);
      const batch = await payouts.createBankBatch(db, {
        reference,
        currency: form.currency,
        status: "exported",
        items: attempts.length,
        total,
        fileName,
        fileCsv: csv,
        exportedByLabel: principal.email,
      });
      await payouts.updateAttempts(
        db,
        attempts.map((a) => a.id),
        { bankBatchId: batch.id, status: "submitted", submittedAt: now, railReference: reference },
      );
      await recordAudit(db, {
        actor: { type: "staff", id: principal.userId, label: principal.email },
        action: "payout.bank_file_exported",
        target: { type: "bank_wire_batch", id: batch.id },
        after: { reference, currency: form.currency, items: attempts.length, total },
      });
      return {
        id: batch.id,
        reference,
        fileName,
        items: attempts.length,
        total: displayMoney(total, form.currency),
      };
    },
    { timeout: 120_000 },
  );
}

export async function bankWireFile(principal: StaffPrincipal, batchId: unknown) {
  const id = validate(z.string().uuid("Unknown wire file."), batchId);
  requireWireAccess(principal);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const b = await payouts.findBankBatch(db, id);
    if (!b) throw new AppError("NOT_FOUND", "That wire file does not exist.");
    return { fileName: b.fileName, csv: b.fileCsv };
  });
}

export const importConfirmationSchema = z.object({
  batchId: z.string().uuid("Choose the wire file this confirmation belongs to."),
  fileName: z.string().trim().max(200).default("confirmation.csv"),
  text: z
    .string()
    .min(1, "Choose the bank's confirmation file.")
    .max(20_000_000, "The file is larger than 20 MB."),
});

/**
 * Imports the bank's confirmation of a wire file: settled rows mark their payouts paid, rejected
 * rows fail them (reserve voided, trader told). A file with any bad row is refused as a whole with
 * every problem listed, and changes nothing; importing the same file again changes nothing either.
 */
export async function importBankConfirmation(
  principal: StaffPrincipal,
  input: unknown,
  opts: { now?: Date } = {},
) {
  const form = validate(importConfirmationSchema, input);
  requireWireAccess(principal);
  const now = opts.now ?? new Date();
  return dataLayer().withTenant(
    principal.tenantId,
    async (db) => {
      if (!(await payouts.lockBankBatch(db, form.batchId)))
        throw new AppError("NOT_FOUND", "That wire file does not exist.");
      const batch = (await payouts.findBankBatch(db, form.batchId))!;
      const attempts = await payouts.listBatchAttempts(db, batch.id);
      const refs = new Map(
        (await payouts.findPayouts(db, [...new Set(attempts.map((a) => a.payoutId))])).map((p) => [
          p.id,
          p.reference,
        ]),
      );
      const items = attempts.map((a) => ({
        attempt: a,
        endToEndId: endToEndIdOf(refs.get(a.payoutId)!, a.attempt),
        amount: a.amount,
        currency: a.currency,
      }));
      const rows = parseBankConfirmation(form.text, { reference: batch.reference, items });
      const byId = new Map(items.map((i) => [i.endToEndId, i]));
      const results: AttemptResult[] = [];
      let already = 0;
      for (const r of rows) {
        const item = byId.get(r.endToEndId)!;
        if (item.attempt.status !== "submitted") {
          already += 1;
          continue;
        }
        results.push({
          payoutId: item.attempt.payoutId,
          attempt: item.attempt.attempt,
          outcome:
            r.outcome === "settled"
              ? {
                  status: "paid",
                  railReference: r.bankReference || r.endToEndId,
                  response: {
                    file: form.fileName,
                    row: r.row,
                    valueDate: r.valueDate,
                    bankReference: r.bankReference,
                  },
                }
              : {
                  status: "failed",
                  railReference: r.bankReference || r.endToEndId,
                  reason: `The bank rejected the wire: ${r.reason}.`,
                  response: { file: form.fileName, row: r.row, reason: r.reason },
                },
        });
      }
      const actor = { type: "staff" as const, id: principal.userId, label: principal.email };
      await settleAttemptsInDb(db, actor, results, now);
      const after = await payouts.listBatchAttempts(db, batch.id);
      const open = after.filter((a) => a.status === "submitted").length;
      const settled = results.filter((r) => r.outcome.status === "paid").length;
      const rejected = results.length - settled;
      const summary = [
        ...((batch.confirmationSummary as unknown[]) ?? []),
        { fileName: form.fileName, at: now.toISOString(), by: principal.email, settled, rejected, already },
      ];
      await payouts.updateBankBatch(db, batch.id, {
        status: open === 0 ? "confirmed" : "partially_confirmed",
        confirmedAt: open === 0 ? now : null,
        confirmationSummary: summary as never,
      });
      await recordAudit(db, {
        actor,
        action: "payout.bank_confirmation_imported",
        target: { type: "bank_wire_batch", id: batch.id },
        after: { fileName: form.fileName, settled, rejected, alreadyConfirmed: already, stillOpen: open },
      });
      return { reference: batch.reference, settled, rejected, alreadyConfirmed: already, stillOpen: open };
    },
    { timeout: 120_000 },
  );
}
