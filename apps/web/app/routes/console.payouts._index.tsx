import { AppError } from "@propdesk/domain";
import { can } from "@propdesk/domain/access";
import { payoutQueue, startPayoutRun } from "@propdesk/services/payouts";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { PayoutStatusBadge, SignalBadges } from "../components/payout-badges";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, orHttpError, readFormData } from "../lib/http.server";
import { revalidateAfterPost } from "../lib/revalidate-after-post";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/payouts"));
  const queue = await orHttpError(() =>
    payoutQueue(principal, Object.fromEntries(new URL(request.url).searchParams)),
  );
  return {
    ...queue,
    can: { approve: can(principal, "payouts.approve"), disburse: can(principal, "payouts.disburse") },
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export const shouldRevalidate = revalidateAfterPost;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "payouts.view");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = form.get("intent");
    if (intent !== "approve" && intent !== "disburse") throw new AppError("VALIDATION", "Unknown action.");
    const ids = form.getAll("payoutIds").filter((v): v is string => typeof v === "string");
    if (ids.length === 0)
      throw new AppError("VALIDATION", "Tick the payouts to act on first.", {
        issues: [{ path: "payoutIds", message: "Tick at least one payout." }],
      });
    const run = await startPayoutRun(principal, { kind: intent, payoutIds: ids });
    throw redirect(`/console/payouts/runs/${run.id}`);
  } catch (e) {
    return actionFailure(e);
  }
}

const tabLabel: Record<string, string> = {
  pending_approval: "Awaiting approval",
  approved: "Approved",
  disbursing: "Disbursing",
  paid: "Paid",
  failed: "Failed",
  rejected: "Rejected",
  cancelled: "Cancelled",
};

export default function PayoutQueue() {
  const { payouts, counts, filter, hasMore, can, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const count = (s: string) => counts.find((c) => c.status === s)?.count ?? 0;
  const next = new URLSearchParams(params);
  next.set("page", String(filter.page + 1));
  const selectable = can.approve || can.disburse;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Payouts</h1>
          <p>Requests with the checks they passed and what a reviewer should notice. Newest first.</p>
        </div>
        <Form method="get" className="row">
          {filter.status ? <input type="hidden" name="status" value={filter.status} /> : null}
          <select name="rail" defaultValue={filter.rail ?? ""} aria-label="Rail">
            <option value="">Any rail</option>
            <option value="crypto">Crypto</option>
            <option value="bank_wire">Bank wire</option>
            <option value="stripe_connect">Stripe Connect</option>
          </select>
          <button type="submit" className="secondary">
            Filter
          </button>
        </Form>
      </div>
      <nav className="row" aria-label="Payout status">
        <Link to="/console/payouts" className={filter.status ? "" : "active"}>
          All
        </Link>
        {Object.keys(tabLabel).map((s) => (
          <Link key={s} to={`?status=${s}`} className={filter.status === s ? "active" : ""}>
            {tabLabel[s]} <span className="badge">{count(s)}</span>
          </Link>
        ))}
      </nav>
      <FormError result={result} />
      <Form method="post" className="stack">
        <CsrfField token={csrf} />
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {selectable ? <th aria-label="Select" /> : null}
                <th>Payout</th>
                <th>Trader</th>
                <th className="num">Amount</th>
                <th>Rail</th>
                <th>Approvals</th>
                <th>Checks and signals</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {payouts.length === 0 ? (
                <tr>
                  <td colSpan={selectable ? 8 : 7} className="empty">
                    No payouts here.
                  </td>
                </tr>
              ) : (
                payouts.map((p) => {
                  const standing = (
                    p.checks as { standing?: { tradingDays?: number; bestDayPct?: string | null } }
                  ).standing;
                  return (
                    <tr key={p.id}>
                      {selectable ? (
                        <td>
                          <input
                            type="checkbox"
                            name="payoutIds"
                            value={p.id}
                            aria-label={`Select ${p.reference}`}
                            disabled={!["pending_approval", "approved", "failed"].includes(p.status)}
                          />
                        </td>
                      ) : null}
                      <td className="mono">
                        <Link to={`/console/payouts/${p.id}`}>{p.reference}</Link>
                        <div className="muted">
                          #{p.payoutNumber} ·{" "}
                          {new Date(p.requestedAt).toISOString().replace("T", " ").slice(0, 16)}
                        </div>
                      </td>
                      <td>
                        <Link to={`/console/traders/${p.trader.id}`}>{p.trader.name}</Link>
                        <div className="muted">{p.trader.email}</div>
                      </td>
                      <td className="num">
                        {p.total}
                        <div className="muted">
                          {p.traderPct} % of {p.grossProfit}
                        </div>
                      </td>
                      <td>{p.railLabel}</td>
                      <td>
                        {p.approvals.length} of {p.requiredApprovals}
                        {p.approvals.map((a) => (
                          <div key={a.approverId} className="muted">
                            {a.label}
                          </div>
                        ))}
                      </td>
                      <td>
                        <div className="muted">
                          KYC {String((p.checks as { compliance?: { kyc?: string } }).compliance?.kyc ?? "?")}{" "}
                          · {standing?.tradingDays ?? "?"} trading days
                          {standing?.bestDayPct ? ` · best day ${standing.bestDayPct} %` : ""}
                        </div>
                        <SignalBadges signals={p.signals} />
                      </td>
                      <td>
                        <PayoutStatusBadge status={p.status} />
                        {p.failureReason ? <div className="muted">{p.failureReason}</div> : null}
                      </td>
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
        {selectable && payouts.length > 0 ? (
          <div className="row">
            {can.approve ? (
              <SubmitButton name="intent" value="approve">
                Approve selected
              </SubmitButton>
            ) : null}
            {can.disburse ? (
              <SubmitButton name="intent" value="disburse" className="secondary">
                Disburse selected
              </SubmitButton>
            ) : null}
          </div>
        ) : null}
      </Form>
      {hasMore ? <Link to={`?${next}`}>Next page →</Link> : null}
    </div>
  );
}
