import { ledgerExplorer } from "@propdesk/services/ledger";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { permissionFor } from "../lib/console-routes";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/ledger"));
  return orHttpError(() => ledgerExplorer(principal, Object.fromEntries(new URL(request.url).searchParams)));
}

/** Where each business id of a transfer leads in the console. */
function Causes({ refs }: { refs: Record<string, unknown> }) {
  const r = refs as Record<string, string | number | undefined>;
  const parts: React.ReactNode[] = [];
  if (r.payoutId)
    parts.push(
      <Link key="p" to={`/console/payouts/${r.payoutId}`}>
        payout
      </Link>,
    );
  if (r.challengeId)
    parts.push(
      <Link key="c" to={`/console/challenges/${r.challengeId}`}>
        challenge
      </Link>,
    );
  if (r.traderId)
    parts.push(
      <Link key="t" to={`/console/traders/${r.traderId}`}>
        trader
      </Link>,
    );
  if (r.orderId) parts.push(<span key="o">order {String(r.orderId).slice(0, 12)}</span>);
  if (r.reversesKey)
    parts.push(
      <Link key="r" to={`?ref=${encodeURIComponent(String(r.reversesKey))}`}>
        reverses {String(r.reversesKey)}
      </Link>,
    );
  if (r.attempt) parts.push(<span key="a">attempt {r.attempt}</span>);
  return <span className="row">{parts}</span>;
}

export default function Ledger() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (data.nextBefore) next.set("before", data.nextBefore);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Ledger</h1>
          <p>
            Double-entry, one ledger per currency. Balances are posted amounts on each account's normal side;
            pending reserves show as available.
          </p>
        </div>
        <span className={`badge ${data.trialBalance.balanced ? "good" : "bad"}`}>
          {data.trialBalance.balanced ? "Balanced" : "NOT balanced"}: debits {data.trialBalance.debits} =
          credits {data.trialBalance.credits}
        </span>
      </div>
      <nav className="row" aria-label="Currency">
        {data.currencies.map((c) => (
          <Link key={c} to={`?currency=${c}`} className={c === data.currency ? "active" : ""}>
            {c}
          </Link>
        ))}
      </nav>
      <section>
        <h2>Balances in {data.currency} by desk</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Account</th>
                {data.desks.map((d) => (
                  <th key={d.key} className="num">
                    {d.name}
                  </th>
                ))}
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {data.accounts.map((a) => (
                <tr key={a.code}>
                  <td title={a.description}>
                    <Link to={`?currency=${data.currency}&account=${a.code}`}>{a.name}</Link>
                    <div className="muted">{a.type.replace("_", " ")}</div>
                  </td>
                  {a.perDesk.map((d, i) => (
                    <td key={data.desks[i]!.key} className="num">
                      {d.posted}
                      {d.pending ? <div className="muted">available {d.pending}</div> : null}
                    </td>
                  ))}
                  <td className="num">
                    <strong>{a.total}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="stack">
        <h2>Transfers</h2>
        <Form method="get" className="row">
          <select name="currency" defaultValue={data.filter.currency ?? ""} aria-label="Currency">
            <option value="">Any currency</option>
            {data.currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <select name="desk" defaultValue={data.filter.desk ?? ""} aria-label="Desk">
            <option value="">Any desk</option>
            {data.deskOptions.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
            <option value="firm">Firm-wide</option>
          </select>
          <select name="account" defaultValue={data.filter.account ?? ""} aria-label="Account">
            <option value="">Any account</option>
            {data.accounts.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <select name="kind" defaultValue={data.filter.kind ?? ""} aria-label="Kind">
            <option value="">Any kind</option>
            {data.kinds.map((k) => (
              <option key={k} value={k}>
                {k.replaceAll("_", " ")}
              </option>
            ))}
          </select>
          <select name="status" defaultValue={data.filter.status ?? ""} aria-label="Status">
            <option value="">Any status</option>
            <option value="pending">pending</option>
            <option value="posted">posted</option>
            <option value="voided">voided</option>
          </select>
          <input
            name="ref"
            defaultValue={data.filter.ref ?? ""}
            placeholder="Key, payout, order, trader id…"
            aria-label="Reference"
          />
          <button type="submit" className="secondary">
            Filter
          </button>
        </Form>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Transfer</th>
                <th>Debit → credit</th>
                <th className="num">Amount</th>
                <th>Status</th>
                <th>Desk</th>
                <th>Cause</th>
              </tr>
            </thead>
            <tbody>
              {data.transfers.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty">
                    No transfers match.
                  </td>
                </tr>
              ) : (
                data.transfers.map((t) => (
                  <tr key={t.key}>
                    <td>
                      <span className="mono">{t.key}</span>
                      <div className="muted">
                        {t.kind.replaceAll("_", " ")} · {t.effectiveAt.replace("T", " ").slice(0, 19)}
                      </div>
                      <div className="muted">{t.memo}</div>
                    </td>
                    <td>
                      {t.debit}
                      <div className="muted">→ {t.credit}</div>
                    </td>
                    <td className="num">{t.amount}</td>
                    <td>
                      <span
                        className={`badge ${t.status === "posted" ? "good" : t.status === "pending" ? "warn" : ""}`}
                      >
                        {t.status}
                      </span>
                    </td>
                    <td>{t.desk}</td>
                    <td>
                      <Causes refs={t.refs as Record<string, unknown>} />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {data.nextBefore ? <Link to={`?${next}`}>Older transfers →</Link> : null}
      </section>
    </div>
  );
}
