import { payouts, type TenantDb } from "@propdesk/db";
import { AppError, isAppError } from "@propdesk/domain";
import { decryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { stripeAccess } from "../payments/stripe/stripe-connection";
import type { ReservedAttempt } from "./payout-workflow";
import { CryptoRail } from "./rails/crypto-rail";
import type { PayoutRail, RailDestination, RailName, RailOutcome } from "./rails/payout-rail";
import { StripeConnectRail } from "./rails/stripe-connect-rail";

/** The rails a tenant has connected (bank wire needs no connection: it goes out as files). */
export interface TenantRails {
  stripe_connect?: PayoutRail;
  crypto?: PayoutRail & { listWithdrawals?: CryptoRail["listWithdrawals"] };
}

export async function cryptoRailFor(db: TenantDb): Promise<CryptoRail | null> {
  const row = await payouts.findRailConnection(db, "crypto");
  if (!row || row.status !== "active" || !row.endpointUrl || !row.apiKeySealed) return null;
  return new CryptoRail({
    endpointUrl: row.endpointUrl,
    apiKey: decryptSecret(row.apiKeySealed, env().ENCRYPTION_KEY),
  });
}

export async function loadRails(db: TenantDb): Promise<TenantRails> {
  const rails: TenantRails = {};
  try {
    rails.stripe_connect = new StripeConnectRail((await stripeAccess(db)).client);
  } catch (e) {
    if (!(isAppError(e) && e.code === "PRECONDITION_FAILED")) throw e;
  }
  const crypto = await cryptoRailFor(db);
  if (crypto) rails.crypto = crypto;
  return rails;
}

export interface SendJob {
  attempt: ReservedAttempt;
  destination: RailDestination;
  description: string;
}

export interface SendReport {
  results: { payoutId: string; attempt: number; outcome: RailOutcome }[];
  /** Attempts whose rail could not be reached even after retrying: they stay reserved. */
  unreachable: { payoutId: string; attempt: number; message: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends reserved attempts to their rails, a few at a time. A temporary failure is retried here with
 * the same key (the rail answers a repeated key with its first result); one that persists is
 * reported as unreachable and the attempt stays reserved for the next run or sweep.
 */
export async function sendAttempts(
  rails: TenantRails,
  jobs: readonly SendJob[],
  opts: { concurrency?: number; retryDelaysMs?: readonly number[] } = {},
): Promise<SendReport> {
  const report: SendReport = { results: [], unreachable: [] };
  const delays = opts.retryDelaysMs ?? [200, 1000, 3000];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const a = job.attempt;
      const rail = rails[a.rail as Exclude<RailName, "bank_wire">];
      if (!rail) {
        report.results.push({
          payoutId: a.payoutId,
          attempt: a.attempt,
          outcome: {
            status: "failed",
            reason:
              a.rail === "stripe_connect"
                ? "No Stripe account is connected for Connect transfers."
                : "No crypto custody provider is connected.",
            response: null,
          },
        });
        continue;
      }
      for (let i = 0; ; i++) {
        try {
          const outcome = await rail.send({
            idempotencyKey: a.idempotencyKey,
            payoutId: a.payoutId,
            payoutReference: a.reference,
            attempt: a.attempt,
            amount: a.amount,
            currency: a.currency,
            destination: job.destination,
            description: job.description,
          });
          report.results.push({ payoutId: a.payoutId, attempt: a.attempt, outcome });
          break;
        } catch (e) {
          const temporary = isAppError(e) && e.code === "EXTERNAL_FAILURE";
          if (temporary && i < delays.length) {
            await sleep(delays[i]!);
            continue;
          }
          if (!temporary) throw e;
          report.unreachable.push({
            payoutId: a.payoutId,
            attempt: a.attempt,
            message: (e as Error).message,
          });
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, worker));
  return report;
}

/** What the sending job needs about each reserved attempt's destination (read in the reserving unit of work). */
export async function destinationsFor(
  db: TenantDb,
  ids: readonly string[],
): Promise<Map<string, RailDestination>> {
  const rows = await payouts.findDestinations(db, ids);
  return new Map(
    rows.map((d) => [
      d.id,
      {
        id: d.id,
        rail: d.rail,
        stripeAccountId: d.stripeAccountId,
        chain: d.chain,
        asset: d.asset,
        address: d.address,
      },
    ]),
  );
}

export function requireRail(rails: TenantRails, rail: RailName): void {
  if (rail !== "bank_wire" && !rails[rail])
    throw new AppError(
      "PRECONDITION_FAILED",
      rail === "stripe_connect"
        ? "Connect a Stripe account before paying through Stripe Connect."
        : "Connect a crypto custody provider before paying in crypto.",
    );
}
