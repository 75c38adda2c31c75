import { dataLayer, payouts, type TenantDb } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { stripeAccess } from "../payments/stripe/stripe-connection";
import { requirePermission } from "../staff/require-permission";
import type { TraderPrincipal } from "../traders/trader-auth";
import { ibanValid } from "./rails/bank-wire-file";
import { addressPatterns, type CryptoChain, cryptoAssets, cryptoChains } from "./rails/crypto-rail";

/**
 * Where traders are paid. A trader keeps a list of destinations: crypto addresses (the allow-list:
 * a crypto payout only ever goes to an address on it), bank accounts, and a Stripe connected
 * account. A new destination can be paid to only after the desk's cool-off (24 h by default), so a
 * stolen session cannot add an address and cash out at once; removing one is immediate.
 */

const label = z.string().trim().min(1, "Give this destination a name you will recognise.").max(80);

export const addDestinationSchema = z.discriminatedUnion("rail", [
  z.object({
    rail: z.literal("crypto"),
    label,
    chain: z.enum(cryptoChains, { error: `Choose a network: ${cryptoChains.join(", ")}.` }),
    asset: z.enum(cryptoAssets, { error: `Choose ${cryptoAssets.join(" or ")}.` }),
    address: z.string().trim().min(1, "Enter the wallet address."),
  }),
  z.object({
    rail: z.literal("bank_wire"),
    label,
    accountHolder: z
      .string()
      .trim()
      .min(2, "Enter the account holder's name, as the bank knows it.")
      .max(140),
    iban: z
      .string()
      .transform((s) => s.replace(/\s+/g, "").toUpperCase())
      .refine(ibanValid, "This IBAN is not valid (check the country code and check digits)."),
    bic: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, "A BIC has 8 or 11 letters and digits, like DEUTDEFF."),
    bankName: z.string().trim().max(140).optional(),
  }),
  z.object({
    rail: z.literal("stripe_connect"),
    label,
    stripeAccountId: z
      .string()
      .trim()
      .regex(/^acct_[A-Za-z0-9]{1,64}$/, "Enter your Stripe account id (acct_…)."),
  }),
]);

const DEFAULT_COOLOFF_HOURS = 24;

export async function cooloffHours(db: TenantDb, deskId: string): Promise<number> {
  return (await payouts.findPayoutSettings(db, deskId))?.destinationCooloffHours ?? DEFAULT_COOLOFF_HOURS;
}

export function destinationView(
  d: Awaited<ReturnType<typeof payouts.findDestination>> & object,
  now = new Date(),
) {
  const details =
    d.rail === "crypto"
      ? `${d.asset} on ${d.chain}: ${d.address}`
      : d.rail === "bank_wire"
        ? `${d.bankAccountHolder}, ${d.bankIban?.replace(/(.{4})/g, "$1 ").trim()} (${d.bankBic})`
        : `Stripe account ${d.stripeAccountId}`;
  return {
    id: d.id,
    rail: d.rail,
    label: d.label,
    details,
    status: d.status,
    usableFrom: d.usableFrom,
    usable: d.status === "active" && d.usableFrom <= now,
    createdAt: d.createdAt,
    revokedAt: d.revokedAt,
  };
}

/** A trader adds a destination to their list; it becomes usable after the desk's cool-off. */
export async function addPayoutDestination(
  trader: TraderPrincipal,
  input: unknown,
  opts: { now?: Date } = {},
) {
  const form = validate(addDestinationSchema, input);
  const now = opts.now ?? new Date();
  if (form.rail === "crypto" && !addressPatterns[form.chain as CryptoChain].test(form.address))
    throw new AppError("VALIDATION", `address: this is not a ${form.chain} address.`, {
      issues: [{ path: "address", message: `This is not a ${form.chain} address.` }],
    });
  return dataLayer().withTenant(trader.tenantId, async (db) => {
    if (form.rail === "stripe_connect") {
      // The connected account must exist under the firm's Stripe platform.
      const { client } = await stripeAccess(db);
      try {
        const acct = await client.accounts.retrieve(form.stripeAccountId);
        if (!acct.payouts_enabled)
          throw new AppError(
            "VALIDATION",
            "stripeAccountId: this Stripe account cannot receive payouts yet.",
            {
              issues: [
                { path: "stripeAccountId", message: "This Stripe account cannot receive payouts yet." },
              ],
            },
          );
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError(
          "VALIDATION",
          "stripeAccountId: this account is not connected to the firm's Stripe.",
          {
            issues: [
              { path: "stripeAccountId", message: "This account is not connected to the firm's Stripe." },
            ],
          },
        );
      }
    }
    if (
      form.rail === "crypto" &&
      (await payouts.findActiveCryptoDestination(db, trader.traderId, form.chain, form.address))
    )
      throw new AppError("CONFLICT", "This address is already on your list.", {
        issues: [{ path: "address", message: "This address is already on your list." }],
      });
    const hours = await cooloffHours(db, trader.deskId);
    const usableFrom = new Date(now.getTime() + hours * 3_600_000);
    const row = await payouts.createDestination(db, {
      traderId: trader.traderId,
      rail: form.rail,
      label: form.label,
      usableFrom,
      createdByLabel: trader.email,
      ...(form.rail === "crypto" ? { chain: form.chain, asset: form.asset, address: form.address } : {}),
      ...(form.rail === "bank_wire"
        ? {
            bankAccountHolder: form.accountHolder,
            bankIban: form.iban,
            bankBic: form.bic,
            bankName: form.bankName || null,
          }
        : {}),
      ...(form.rail === "stripe_connect" ? { stripeAccountId: form.stripeAccountId } : {}),
    });
    await recordAudit(db, {
      actor: { type: "trader", id: trader.traderId, label: trader.email },
      action: "payout.destination_added",
      deskId: trader.deskId,
      target: { type: "payout_destination", id: row.id },
      after: { rail: row.rail, label: row.label, details: destinationView(row, now).details, usableFrom },
    });
    return destinationView(row, now);
  });
}

async function revoke(db: TenantDb, id: string, traderId: string | null, reason: string) {
  const d = await payouts.findDestination(db, id);
  if (!d || (traderId !== null && d.traderId !== traderId))
    throw new AppError("NOT_FOUND", "That payout destination does not exist.");
  if (d.status === "revoked") return d;
  return payouts.revokeDestination(db, id, reason);
}

/** A trader removes a destination from their list (payouts not yet sent to it must be pointed elsewhere). */
export async function removePayoutDestination(trader: TraderPrincipal, destinationId: unknown) {
  const id = validate(z.string().uuid("Choose a destination."), destinationId);
  return dataLayer().withTenant(trader.tenantId, async (db) => {
    const d = await revoke(db, id, trader.traderId, "removed by the trader");
    await recordAudit(db, {
      actor: { type: "trader", id: trader.traderId, label: trader.email },
      action: "payout.destination_removed",
      deskId: trader.deskId,
      target: { type: "payout_destination", id },
    });
    return destinationView(d);
  });
}

/** Finance or compliance staff revoke a destination (a suspicious address), with a reason. */
export async function revokePayoutDestination(principal: StaffPrincipal, input: unknown) {
  const form = validate(
    z.object({
      destinationId: z.string().uuid("Choose a destination."),
      reason: z.string().trim().min(3, "Say why the destination is revoked.").max(500),
    }),
    input,
  );
  requirePermission(principal, "payouts.approve");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const d = await revoke(db, form.destinationId, null, form.reason);
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "payout.destination_revoked",
      target: { type: "payout_destination", id: d.id },
      after: { reason: form.reason },
    });
    return destinationView(d);
  });
}

export async function listTraderDestinations(trader: TraderPrincipal) {
  return dataLayer().withTenant(trader.tenantId, async (db) =>
    (await payouts.listTraderDestinations(db, trader.traderId)).map((d) => destinationView(d)),
  );
}
