import {
  type StandInAccount,
  StandInError,
  type StandInRequest,
  type StripeObject,
  type StripeStandIn,
} from "./stripe-standin";

/**
 * The Stripe Connect and reporting endpoints PropDesk's payout side calls, registered on the shared
 * Stripe stand-in (same wire format, authentication, idempotency keys and `expand[]`):
 *
 * - connected accounts: `GET /v1/accounts/:id`, `POST /v1/accounts` (Express accounts);
 * - `POST /v1/transfers` (to a connected account; a balance transaction of type `transfer`),
 *   `GET /v1/transfers/:id`, `GET /v1/transfers`;
 * - `GET /v1/balance_transactions` (list with `created[gte|lt]`, `type`, `limit`, `starting_after`,
 *   `expand[]=data.source`), for reconciliation;
 * - `POST /v1/payouts` (the platform's balance paid to its bank) and `GET /v1/payouts`.
 *
 * Test controls: `connectedAccount()` creates a trader's account; `restrict()` makes transfers to
 * it fail as Stripe does when the account lacks the transfers capability; `setInsufficientFunds()`
 * makes every transfer fail for lack of available balance. Over HTTP: `POST
 * /__standin/connect/accounts` and `POST /__standin/connect/accounts/:id/restrict`.
 */
export interface ConnectStandIn {
  connectedAccount(platform: StandInAccount, opts?: { id?: string; email?: string }): StripeObject;
  restrict(accountId: string): void;
  setInsufficientFunds(platform: StandInAccount, on: boolean): void;
}

export function registerConnectRoutes(standIn: StripeStandIn): ConnectStandIn {
  const insufficient = new Set<string>();
  const now = () => standIn.now();

  const own = (req: StandInRequest, id: string, object: string) => {
    const o = standIn.get(id);
    if (!o || o.object !== object || o._account !== req.account!.id)
      throw new StandInError(404, `No such ${object.replace(/_/g, " ")}: '${id}'`, "resource_missing");
    return o;
  };

  const createAccount = (
    platform: StandInAccount,
    opts: { id?: string; email?: string; country?: string } = {},
  ) =>
    standIn.put({
      id: opts.id ?? standIn.newId("acct").slice(0, 21),
      object: "account",
      type: "express",
      email: opts.email ?? null,
      country: opts.country ?? "US",
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      capabilities: { transfers: "active" },
      created: now(),
      _account: platform.id,
      _connected: true,
    });

  const balanceTxn = (
    platform: StandInAccount,
    fields: { amount: number; currency: string; type: string; reporting_category: string; source: string },
  ) =>
    standIn.put({
      id: standIn.newId("txn"),
      object: "balance_transaction",
      amount: fields.amount,
      currency: fields.currency,
      fee: 0,
      net: fields.amount,
      reporting_category: fields.reporting_category,
      source: fields.source,
      status: "available",
      type: fields.type,
      created: now(),
      available_on: now(),
      _account: platform.id,
    });

  /** A list endpoint with Stripe's cursor paging (newest first) and `expand[]=data.x`. */
  const page = (req: StandInRequest, items: StripeObject[]) => {
    const limit = Math.min(100, Math.max(1, Number(req.query.get("limit") ?? 10)));
    const sorted = items.sort(
      (a, b) => (b.created as number) - (a.created as number) || (a.id < b.id ? 1 : -1),
    );
    const after = req.query.get("starting_after");
    const start = after ? sorted.findIndex((o) => o.id === after) + 1 : 0;
    const slice = sorted.slice(start, start + limit);
    const expand = Array.isArray(req.body.expand) ? (req.body.expand as string[]) : [];
    const inner = expand.filter((e) => e.startsWith("data.")).map((e) => e.slice(5));
    return {
      body: {
        object: "list",
        data: slice.map((o) => standIn.view(o, inner)),
        has_more: start + limit < sorted.length,
        url: req.path,
      },
    };
  };

  const createdFilter = (req: StandInRequest) => {
    const c = req.body.created as Record<string, string> | string | undefined;
    if (c === undefined) return () => true;
    if (typeof c === "string") return (o: StripeObject) => o.created === Number(c);
    return (o: StripeObject) => {
      const t = o.created as number;
      return (
        (c.gte === undefined || t >= Number(c.gte)) &&
        (c.gt === undefined || t > Number(c.gt)) &&
        (c.lte === undefined || t <= Number(c.lte)) &&
        (c.lt === undefined || t < Number(c.lt))
      );
    };
  };

  standIn.route("GET", "/v1/accounts/:id", (req) => {
    const a = standIn.get(req.params.id!);
    if (!a || a.object !== "account" || a._account !== req.account!.id)
      throw new StandInError(
        403,
        `The provided key does not have access to account '${req.params.id}' (or that account does not exist).`,
        "account_invalid",
      );
    return { body: standIn.view(a) };
  });

  standIn.route("POST", "/v1/accounts", (req) => ({
    body: standIn.view(
      createAccount(req.account!, {
        email: req.body.email as string | undefined,
        country: req.body.country as string | undefined,
      }),
    ),
  }));

  standIn.route("POST", "/v1/transfers", (req) => {
    const b = req.body;
    const amount = Number(b.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      throw new StandInError(400, "Invalid positive integer", "parameter_invalid_integer", "amount");
    const currency = String(b.currency ?? "").toLowerCase();
    if (!/^[a-z]{3}$/.test(currency))
      throw new StandInError(400, "Invalid currency", "parameter_invalid", "currency");
    const destId = String(b.destination ?? "");
    const dest = standIn.get(destId);
    if (!dest || dest.object !== "account" || dest._account !== req.account!.id)
      throw new StandInError(400, `No such destination: '${destId}'`, "resource_missing", "destination");
    if ((dest.capabilities as { transfers?: string }).transfers !== "active")
      throw new StandInError(
        400,
        "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        "insufficient_capabilities_for_transfer",
        "destination",
      );
    if (insufficient.has(req.account!.id))
      throw new StandInError(
        400,
        "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.",
        "balance_insufficient",
      );
    const id = standIn.newId("tr");
    const txn = balanceTxn(req.account!, {
      amount: -amount,
      currency,
      type: "transfer",
      reporting_category: "transfer",
      source: id,
    });
    const transfer = standIn.put({
      id,
      object: "transfer",
      amount,
      amount_reversed: 0,
      balance_transaction: txn.id,
      created: now(),
      currency,
      description: (b.description as string | undefined) ?? null,
      destination: destId,
      livemode: false,
      metadata: (b.metadata as Record<string, string> | undefined) ?? {},
      reversed: false,
      transfer_group: (b.transfer_group as string | undefined) ?? null,
      _account: req.account!.id,
    });
    standIn.emit(req.account!, "transfer.created", transfer);
    return { body: standIn.view(transfer) };
  });

  standIn.route("GET", "/v1/transfers/:id", (req) => ({
    body: standIn.view(own(req, req.params.id!, "transfer")),
  }));
  standIn.route("GET", "/v1/transfers", (req) =>
    page(
      req,
      standIn.list("transfer", (o) => o._account === req.account!.id && createdFilter(req)(o)),
    ),
  );

  standIn.route("GET", "/v1/balance_transactions", (req) => {
    const type = req.query.get("type");
    return page(
      req,
      standIn.list(
        "balance_transaction",
        (o) => o._account === req.account!.id && (!type || o.type === type) && createdFilter(req)(o),
      ),
    );
  });

  standIn.route("POST", "/v1/payouts", (req) => {
    const amount = Number(req.body.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      throw new StandInError(400, "Invalid positive integer", "parameter_invalid_integer", "amount");
    const currency = String(req.body.currency ?? "").toLowerCase();
    const id = standIn.newId("po");
    const txn = balanceTxn(req.account!, {
      amount: -amount,
      currency,
      type: "payout",
      reporting_category: "payout",
      source: id,
    });
    const payout = standIn.put({
      id,
      object: "payout",
      amount,
      arrival_date: now() + 2 * 86_400,
      balance_transaction: txn.id,
      created: now(),
      currency,
      metadata: (req.body.metadata as Record<string, string> | undefined) ?? {},
      method: "standard",
      status: "paid",
      type: "bank_account",
      _account: req.account!.id,
    });
    standIn.emit(req.account!, "payout.paid", payout);
    return { body: standIn.view(payout) };
  });
  standIn.route("GET", "/v1/payouts", (req) =>
    page(
      req,
      standIn.list("payout", (o) => o._account === req.account!.id && createdFilter(req)(o)),
    ),
  );

  const platformByKeyOrId = (key: string) =>
    [...standIn.accounts.values()].find((a) => a.secretKey === key || a.id === key);

  standIn.route(
    "POST",
    "/__standin/connect/accounts",
    (req) => {
      const platform = platformByKeyOrId(String(req.body.platform ?? ""));
      if (!platform) throw new StandInError(400, "Unknown platform account.");
      return { body: standIn.view(createAccount(platform, { id: req.body.id as string | undefined })) };
    },
    { auth: false },
  );
  standIn.route(
    "POST",
    "/__standin/connect/accounts/:id/restrict",
    (req) => {
      api.restrict(req.params.id!);
      return { body: { ok: true } };
    },
    { auth: false },
  );

  const api: ConnectStandIn = {
    connectedAccount: (platform, opts) => createAccount(platform, opts ?? {}),
    restrict(accountId) {
      const a = standIn.get(accountId);
      if (!a) throw new Error(`stand-in: no account ${accountId}`);
      a.capabilities = { transfers: "inactive" };
      a.payouts_enabled = false;
    },
    setInsufficientFunds(platform, on) {
      if (on) insufficient.add(platform.id);
      else insufficient.delete(platform.id);
    },
  };
  return api;
}
