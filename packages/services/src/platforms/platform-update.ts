import { AppError, type ErrorIssue, formatPath } from "@propdesk/domain";
import { z } from "zod";

/**
 * The wire format of what a trading platform tells PropDesk, exactly as the HTTP bridge accepts it
 * and as the simulator emits it. Money is a decimal string in the account currency ("100250.35",
 * signed), prices and lots are decimal strings (never binary floats), times are ISO 8601 instants
 * (`Z` or an offset). `account` is the platform's account id; `seq` is a per-account, strictly
 * increasing integer assigned by the platform, which the pipeline uses to drop duplicates and
 * stale updates.
 */

const decimal = (what: string) =>
  z
    .string({ error: `${what} must be a decimal string like "1000.00"` })
    .regex(/^-?\d{1,15}(\.\d{1,8})?$/, { error: `${what} must be a decimal string like "1000.00"` });

const positiveDecimal = (what: string) =>
  z
    .string({ error: `${what} must be a positive decimal string` })
    .regex(/^\d{1,15}(\.\d{1,8})?$/, { error: `${what} must be a positive decimal string` })
    .refine((s) => /[1-9]/.test(s), { error: `${what} must be greater than zero` });

const common = {
  account: z
    .string({ error: "account must be the platform account id (a string)" })
    .min(1, { error: "account must not be empty" })
    .max(64, { error: "account must be at most 64 characters" }),
  seq: z.int({ error: "seq must be an integer" }).min(0, { error: "seq must not be negative" }),
  t: z.iso.datetime({ offset: true, error: "t must be an ISO 8601 instant with Z or an offset" }),
};

const side = z.enum(["buy", "sell"], { error: 'side must be "buy" or "sell"' });
const symbol = z
  .string({ error: "symbol must be a string" })
  .regex(/^[A-Za-z0-9._#-]{1,32}$/, { error: "symbol must be 1-32 letters, digits or ._#-" });
const tradeId = z
  .string({ error: "tradeId must be a string" })
  .min(1, { error: "tradeId must not be empty" })
  .max(64, { error: "tradeId must be at most 64 characters" });

export const accountUpdateSchema = z.strictObject({
  type: z.literal("account"),
  ...common,
  balance: decimal("balance"),
  equity: decimal("equity"),
  openPositions: z
    .int({ error: "openPositions must be an integer" })
    .min(0, { error: "openPositions must not be negative" }),
});

export const tradeOpenedUpdateSchema = z.strictObject({
  type: z.literal("trade_opened"),
  ...common,
  tradeId,
  symbol,
  side,
  lots: positiveDecimal("lots"),
  price: positiveDecimal("price"),
  stopLoss: positiveDecimal("stopLoss").nullable().optional(),
  takeProfit: positiveDecimal("takeProfit").nullable().optional(),
});

export const tradeClosedUpdateSchema = z.strictObject({
  type: z.literal("trade_closed"),
  ...common,
  tradeId,
  symbol,
  side,
  lots: positiveDecimal("lots"),
  price: positiveDecimal("price"),
  /** Realised profit net of commission and swap, in the account currency. */
  profit: decimal("profit"),
});

export const balanceAdjustmentUpdateSchema = z.strictObject({
  type: z.literal("balance_adjustment"),
  ...common,
  adjustmentId: z
    .string({ error: "adjustmentId must be a string" })
    .min(1, { error: "adjustmentId must not be empty" })
    .max(64, { error: "adjustmentId must be at most 64 characters" }),
  /** Signed: negative is a withdrawal (a payout), positive a deposit. */
  amount: decimal("amount").refine((s) => /[1-9]/.test(s), { error: "amount must not be zero" }),
  reason: z
    .string({ error: "reason must be a string" })
    .max(500, { error: "reason must be at most 500 characters" }),
});

export const platformUpdateSchema = z.discriminatedUnion(
  "type",
  [accountUpdateSchema, tradeOpenedUpdateSchema, tradeClosedUpdateSchema, balanceAdjustmentUpdateSchema],
  { error: 'type must be one of "account", "trade_opened", "trade_closed", "balance_adjustment"' },
);

/** A delivery from a bridge: at most 5,000 updates, so one request stays bounded. */
export const platformUpdateListSchema = z
  .array(platformUpdateSchema, { error: "expected an array of updates" })
  .max(5_000, { error: "at most 5000 updates per delivery" });

export type AccountUpdate = z.infer<typeof accountUpdateSchema>;
export type TradeOpenedUpdate = z.infer<typeof tradeOpenedUpdateSchema>;
export type TradeClosedUpdate = z.infer<typeof tradeClosedUpdateSchema>;
export type BalanceAdjustmentUpdate = z.infer<typeof balanceAdjustmentUpdateSchema>;
export type PlatformUpdate = z.infer<typeof platformUpdateSchema>;
export type PlatformUpdateType = PlatformUpdate["type"];

function toIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((i) => {
    // An unknown key is reported on its parent; name the key itself.
    const path = i.code === "unrecognized_keys" ? [...i.path, i.keys[0] ?? ""] : i.path;
    return { path: formatPath(path), message: i.code === "unrecognized_keys" ? "unknown field" : i.message };
  });
}

/** Validates one update; throws `AppError("VALIDATION")` whose issues name each bad field. */
export function parsePlatformUpdate(input: unknown): PlatformUpdate {
  const r = platformUpdateSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = toIssues(r.error);
  throw new AppError(
    "VALIDATION",
    `Invalid platform update: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    {
      issues,
    },
  );
}

/** Validates a delivery; issue paths start with the update's index (`3.seq`). */
export function parsePlatformUpdates(input: unknown): PlatformUpdate[] {
  const r = platformUpdateListSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = toIssues(r.error);
  throw new AppError(
    "VALIDATION",
    `Invalid platform updates: ${issues
      .slice(0, 5)
      .map((i) => `${i.path || "(root)"}: ${i.message}`)
      .join("; ")}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""}`,
    { issues },
  );
}
