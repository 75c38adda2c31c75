import { liveRisk, setDeskEmergencyStop } from "@propdesk/services/risk";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfField, FormError, SubmitButton } from "../components/form";
import { LiveBadge, RoomMeter, useLiveRefresh } from "../components/live-risk";
import { StatusBadge, statusLabel } from "../components/status-badge";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/risk"));
  const data = await orHttpError(() =>
    liveRisk(principal, Object.fromEntries(new URL(request.url).searchParams)),
  );
  return { ...data, csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "risk.act");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = form.get("intent");
    const done = await setDeskEmergencyStop(principal, intent === "lift" ? "lift" : "stop", formObject(form));
    throw redirect("/console/risk", {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: done.halted
            ? `Emergency stop on ${done.desk}: every running account is being suspended, positions closed.`
            : `${done.desk} released: suspended accounts are being reopened.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

const sorts = [
  { key: "room", label: "Room left (%)" },
  { key: "room_abs", label: "Room left (amount)" },
  { key: "equity", label: "Equity" },
  { key: "updated", label: "Last saved" },
];

export default function LiveRisk() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  useLiveRefresh(3);
  const link = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    return `?${next}`;
  };
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Live risk</h1>
          <p>Every evaluated account, tightest first: how much it can still lose before its nearest floor.</p>
        </div>
        <LiveBadge at={data.generatedAt} />
      </div>

      <div className="grid cols-4">
        {["active", "paused", "funded", "failed"].map((s) => (
          <Link key={s} className="stat" to={link("status", s)}>
            <div className="label">{statusLabel(s)}</div>
            <div className="value">{data.counts[s] ?? 0}</div>
          </Link>
        ))}
      </div>

      <FormError result={result} />
      <div className="grid cols-2">
        {data.desks.map((d) => (
          <section key={d.id} className={`card desk-risk ${d.halted ? "halted" : ""}`}>
            <div className="spread">
              <h2>{d.name}</h2>
              {d.halted ? (
                <span className="badge bad">trading stopped</span>
              ) : (
                <span className="badge good">trading</span>
              )}
            </div>
            <p className="muted">
              New accounts open on the {d.platform === "bridge" ? "platform bridge" : "market simulator"}.
              {d.halted
                ? ` Stopped by ${d.haltedBy} at ${new Date(d.haltedAt!).toISOString().replace("T", " ").slice(0, 19)} UTC: ${d.haltReason}`
                : ""}
            </p>
            {d.canAct ? (
              <Form method="post" className="row">
                <CsrfField token={data.csrf} />
                <input type="hidden" name="deskId" value={d.id} />
                <input
                  name="reason"
                  aria-label={`Reason (${d.name})`}
                  placeholder="Reason (audited)"
                  required
                  minLength={5}
                />
                {d.halted ? (
                  <SubmitButton name="intent" value="lift">
                    Resume trading
                  </SubmitButton>
                ) : (
                  <SubmitButton name="intent" value="stop" className="danger">
                    Emergency stop
                  </SubmitButton>
                )}
              </Form>
            ) : null}
          </section>
        ))}
      </div>

      <Form method="get" className="row filters">
        <select name="desk" defaultValue={data.desk} aria-label="Desk">
          <option value="">All desks</option>
          {data.desks.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <select name="status" defaultValue={data.status} aria-label="Status">
          <option value="running">Running</option>
          <option value="all">Any status</option>
          {["active", "paused", "funded", "awaiting_next_phase", "failed", "suspended"].map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        <input type="hidden" name="sort" value={data.sort} />
        <button type="submit" className="secondary">
          Filter
        </button>
        <span className="muted">Sort by</span>
        {sorts.map((s) =>
          s.key === data.sort ? (
            <strong key={s.key}>{s.label}</strong>
          ) : (
            <Link key={s.key} to={link("sort", s.key)}>
              {s.label}
            </Link>
          ),
        )}
      </Form>

      <div className="table-wrap">
        <table className="risk-table">
          <thead>
            <tr>
              <th>Challenge</th>
              <th>Trader</th>
              <th>Status</th>
              <th className="num">Equity</th>
              <th className="num">Daily floor</th>
              <th className="num">Max-loss floor</th>
              <th>Room left</th>
              <th>Last update (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty">
                  No account is being evaluated yet.
                </td>
              </tr>
            ) : (
              data.rows.map((r) => (
                <tr key={r.challengeId} className={r.roomPct !== null && r.roomPct < 20 ? "tight" : ""}>
                  <td>
                    <Link className="mono" to={`/console/challenges/${r.challengeId}`}>
                      {r.reference}
                    </Link>
                    <div className="muted">
                      {r.program} · {r.desk}
                    </div>
                  </td>
                  <td>{r.trader}</td>
                  <td>
                    <StatusBadge status={r.status} />
                    {r.suspended ? <div className="muted">evaluation suspended</div> : null}
                  </td>
                  <td className="num">
                    {r.equity}
                    <div className="muted">
                      {r.openPositions} open · bal {r.balance}
                    </div>
                  </td>
                  <td className="num">{r.dailyFloor ?? "—"}</td>
                  <td className="num">{r.maxLossFloor ?? "—"}</td>
                  <td>
                    <RoomMeter label={`Room left ${r.reference}`} pct={r.roomPct} />
                    <span className="muted">
                      {r.room ?? "—"}
                      {r.roomPct !== null ? ` (${r.roomPct}%)` : ""}
                    </span>
                  </td>
                  <td className="mono">
                    {new Date(r.lastUpdate).toISOString().replace("T", " ").slice(0, 19)}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
