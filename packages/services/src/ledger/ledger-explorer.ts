import { dataLayer, desks, ledger } from "@propdesk/db";
import { validate } from "@propdesk/domain";
import { ledgerAccounts, transferKinds } from "@propdesk/domain/ledger";
import { displayMoney, isCurrency } from "@propdesk/domain/money";
import { z } from "zod";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";
import { balancesFromRows, firmWideDeskKey } from "./ledger-balances";

/**
 * The console's ledger explorer: every account's balance by currency and desk (with the trial
 * balance proving the columns equal), and the transfers with their causes (order, payout,
 * challenge, trader), filtered and paged.
 */

export const explorerFilterSchema = z.object({
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((c) => c === "" || isCurrency(c), "Choose a currency.")
    .optional(),
  desk: z.string().trim().optional(),
  account: z
    .enum(ledgerAccounts.map((a) => a.code) as [string, ...string[]])
    .or(z.literal(""))
    .optional(),
  kind: z.enum(transferKinds).or(z.literal("")).optional(),
  status: z.enum(["pending", "posted", "voided", ""]).optional(),
  ref: z.string().trim().max(200).optional(),
  before: z.string().regex(/^\d+$/, "Bad page.").optional(),
});

export async function ledgerExplorer(principal: StaffPrincipal, input: unknown) {
  const f = validate(explorerFilterSchema, input);
  requirePermission(principal, "ledger.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const [rows, deskList] = await Promise.all([ledger.listBalances(db), desks.listDesks(db)]);
    const currencies = [...new Set(rows.map((r) => r.currency))].sort();
    const currency = f.currency || currencies[0] || "USD";
    const deskName = new Map(deskList.map((d) => [d.id, d.name]));
    const inCurrency = rows.filter((r) => r.currency === currency);
    const deskKeys = [...new Set(inCurrency.map((r) => r.deskKey))].sort((a, b) =>
      a === firmWideDeskKey
        ? 1
        : b === firmWideDeskKey
          ? -1
          : (deskName.get(a) ?? a).localeCompare(deskName.get(b) ?? b),
    );
    const perDesk = deskKeys.map((k) => ({
      key: k,
      name: k === firmWideDeskKey ? "Firm-wide" : (deskName.get(k) ?? "Archived desk"),
      balances: balancesFromRows(inCurrency.filter((r) => r.deskKey === k)),
    }));
    const total = balancesFromRows(inCurrency);
    const m = (x: bigint) => displayMoney(x, currency);
    const accounts = ledgerAccounts.map((a) => ({
      code: a.code,
      name: a.name,
      type: a.type,
      description: a.description,
      perDesk: perDesk.map((d) => ({
        posted: m(d.balances[a.code].posted),
        pending:
          d.balances[a.code].available === d.balances[a.code].posted ? null : m(d.balances[a.code].available),
      })),
      total: m(total[a.code].posted),
      available: m(total[a.code].available),
    }));
    let debits = 0n;
    let credits = 0n;
    for (const a of ledgerAccounts) {
      const net = total[a.code].debitsPosted - total[a.code].creditsPosted;
      if (net > 0n) debits += net;
      else credits -= net;
    }
    const deskFilter =
      f.desk === "firm" ? [firmWideDeskKey] : f.desk && /^[0-9a-f-]{36}$/.test(f.desk) ? [f.desk] : undefined;
    const take = 50;
    const transfers = await ledger.listTransfers(
      db,
      {
        currency: f.currency || undefined,
        deskKeys: deskFilter,
        account: f.account || undefined,
        kind: f.kind || undefined,
        status: f.status || undefined,
        ref: f.ref || undefined,
      },
      { limit: take + 1, beforeSeq: f.before ? BigInt(f.before) : undefined },
    );
    return {
      filter: f,
      currency,
      currencies,
      desks: perDesk.map((d) => ({ key: d.key, name: d.name })),
      deskOptions: deskList.map((d) => ({ id: d.id, name: d.name })),
      accounts,
      trialBalance: { debits: m(debits), credits: m(credits), balanced: debits === credits },
      transfers: transfers.slice(0, take).map((s) => ({
        seq: s.seq.toString(),
        key: s.transfer.idempotencyKey,
        kind: s.transfer.kind,
        status: s.transfer.status,
        debit: s.transfer.debitAccount,
        credit: s.transfer.creditAccount,
        amount: displayMoney(s.transfer.amount, s.transfer.currency),
        currency: s.transfer.currency,
        desk: s.deskId ? (deskName.get(s.deskId) ?? "Archived desk") : "Firm-wide",
        effectiveAt: s.transfer.effectiveAt,
        recordedAt: s.createdAt.toISOString(),
        resolvedAt: s.resolvedAt?.toISOString() ?? null,
        memo: s.transfer.memo,
        refs: s.transfer.refs,
      })),
      nextBefore: transfers.length > take ? transfers[take - 1]!.seq.toString() : null,
      kinds: transferKinds,
    };
  });
}
