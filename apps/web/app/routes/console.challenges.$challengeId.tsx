import { challengeForStaff } from "@propdesk/services/challenges";
import { overrideBreach, staffChallengeRisk } from "@propdesk/services/risk";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { EquityChart } from "../components/equity-chart";
import { CsrfField, FormError, fieldError, SubmitButton } from "../components/form";
import { LiveBadge, RoomMeter, useLiveRefresh } from "../components/live-risk";
import { StatusBadge, statusLabel } from "../components/status-badge";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "traders.view");
  const hours = new URL(request.url).searchParams.get("hours");
  const [{ summary, events, can }, risk] = await orHttpError(() =>
    Promise.all([
      challengeForStaff(principal, params.challengeId),
      staffChallengeRisk(principal, params.challengeId, hours === "all" ? 24 * 90 : hours),
    ]),
  );
  return {
    challenge: summary,
    can,
    risk,
    servedAt: Date.now(),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
    events: events.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      type: e.type,
      from: e.fromState,
      to: e.toState,
      cause: e.cause,
      at: e.occurredAt,
    })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "risk.act");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const result = await overrideBreach(principal, { ...formObject(form), challengeId: params.challengeId });
    throw redirect(`/console/challenges/${params.challengeId}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: `Breach overridden: the challenge is ${statusLabel(result.restoredTo)} again and trading is being re-enabled.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function StaffChallenge() {
  const { challenge, risk, events, csrf, servedAt } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  useLiveRefresh(3);
  const s = risk.standing;
  const range = params.get("hours") ?? "24";
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow mono">{challenge.reference}</p>
          <h1>{challenge.programName}</h1>
          <p>
            <Link to={`/console/traders/${challenge.trader.id}`}>{challenge.trader.name}</Link> ·{" "}
            {challenge.accountSize} · {challenge.phaseName} ({challenge.phaseIndex + 1} of{" "}
            {challenge.phaseCount}) · attempt {challenge.attempt} · program v{challenge.programVersion}
            {risk.account ? ` · ${risk.account.platform} ${risk.account.login ?? ""}` : ""}
          </p>
        </div>
        <div className="row">
          <LiveBadge at={new Date(servedAt)} />
          <StatusBadge status={challenge.status} />
        </div>
      </div>

      {risk.failure && challenge.status === "failed" ? (
        <section className="card">
          <h2>Why it failed</h2>
          <p data-testid="staff-breach-explanation">{risk.failure.text}</p>
          {risk.canAct ? (
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <FormError result={result} />
              <div className="field">
                <label htmlFor="reason">Reason for overriding this breach</label>
                <textarea
                  id="reason"
                  name="reason"
                  required
                  minLength={5}
                  rows={2}
                  aria-invalid={fieldError(result, "reason") ? true : undefined}
                />
                {fieldError(result, "reason") ? (
                  <div className="error">{fieldError(result, "reason")}</div>
                ) : null}
                <div className="hint">
                  The engine resumes from its state before the breaching update, trading is enabled again, and
                  the override is audited with your reason.
                </div>
              </div>
              <SubmitButton className="danger">Override the breach</SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}

      {s ? (
        <div className="grid cols-4">
          <div className="stat">
            <div className="label">Equity</div>
            <div className="value">{s.equity}</div>
            <div className="muted">Balance {s.balance}</div>
          </div>
          <div className="stat">
            <div className="label">Daily floor</div>
            <div className="value">{s.dailyFloor ?? "—"}</div>
            <RoomMeter label="Daily room" pct={s.dailyRoomPct} />
            <div className="muted">Room {s.dailyRoom ?? "—"}</div>
          </div>
          <div className="stat">
            <div className="label">Max-loss floor</div>
            <div className="value">{s.maxLossFloor ?? "—"}</div>
            <RoomMeter label="Max-loss room" pct={s.maxLossRoomPct} />
            <div className="muted">Room {s.maxLossRoom ?? "—"}</div>
          </div>
          <div className="stat">
            <div className="label">Engine</div>
            <div className="value">{statusLabel(s.status)}</div>
            <div className="muted">
              {s.tradingDays} trading days · target {s.targetProgressPct ?? "—"}%
              {s.suspended ? " · suspended" : ""}
            </div>
          </div>
        </div>
      ) : null}

      <section className="card">
        <div className="spread">
          <h2>Equity</h2>
          <nav className="row" aria-label="Chart range">
            {["1", "6", "24", "all"].map((k) =>
              k === range ? (
                <strong key={k}>{k === "all" ? "Whole phase" : `${k} h`}</strong>
              ) : (
                <Link key={k} to={`?hours=${k}`} preventScrollReset>
                  {k === "all" ? "Whole phase" : `${k} h`}
                </Link>
              ),
            )}
          </nav>
        </div>
        <EquityChart
          points={risk.chart}
          currency={risk.currency}
          digits={risk.digits}
          zone={risk.clock.programZone}
        />
      </section>

      <section>
        <div className="spread">
          <h2>Engine decisions</h2>
          {risk.canViewRisk ? (
            <Link to={`/console/challenges/${challenge.id}/replay`}>Replay and verify →</Link>
          ) : null}
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Decision</th>
                <th>Explanation</th>
              </tr>
            </thead>
            <tbody>
              {risk.decisions.length === 0 ? (
                <tr>
                  <td colSpan={3} className="empty">
                    No decision yet.
                  </td>
                </tr>
              ) : (
                [...risk.decisions].reverse().map((d) => (
                  <tr key={d.id}>
                    <td className="mono">{new Date(d.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                    <td>
                      <code>{d.type}</code> <span className="muted">{d.rule}</span>
                      {d.overriddenAt ? (
                        <div className="badge good" title={d.overrideReason ?? ""}>
                          overridden by {d.overriddenBy}
                        </div>
                      ) : null}
                      {d.note ? <div className="muted">{d.note}</div> : null}
                    </td>
                    <td>{d.text}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h2>Platform actions</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Requested (UTC)</th>
                <th>Action</th>
                <th>Status</th>
                <th>Reason</th>
                <th className="num">ms</th>
              </tr>
            </thead>
            <tbody>
              {risk.actions.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    No action sent to the platform yet.
                  </td>
                </tr>
              ) : (
                risk.actions.map((a) => (
                  <tr key={a.id} data-testid="platform-action">
                    <td className="mono">
                      {new Date(a.requestedAt).toISOString().replace("T", " ").slice(0, 23)}
                    </td>
                    <td>
                      <code>{a.action}</code>
                      {a.action === "set_trading_enabled" ? (
                        <span className="muted">
                          {" "}
                          {(a.request as { enabled?: boolean }).enabled ? "enable" : "disable"}
                        </span>
                      ) : null}{" "}
                      <span className="muted">{a.platform}</span>
                    </td>
                    <td>
                      <span
                        className={`badge ${a.status === "succeeded" ? "good" : a.status === "failed" ? "bad" : ""}`}
                      >
                        {a.status}
                      </span>
                      {a.error ? <div className="muted">{a.error}</div> : null}
                    </td>
                    <td>{a.reason}</td>
                    <td className="num">{a.durationMs ?? ""}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h2>
          Latest platform updates{" "}
          <span className="muted">
            ({risk.inputs.evaluable} evaluated, {risk.inputs.stale} stale)
          </span>
        </h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Kind</th>
                <th className="num">Seq</th>
                <th>Platform time (UTC)</th>
                <th>Received</th>
                <th className="num">Balance</th>
                <th className="num">Equity</th>
              </tr>
            </thead>
            <tbody>
              {risk.recentInputs.map((i) => (
                <tr key={i.inputId}>
                  <td className="num mono">{i.inputId}</td>
                  <td>
                    {i.kind}
                    {i.stale ? <span className="badge warn">stale</span> : null}
                  </td>
                  <td className="num">{i.seq}</td>
                  <td className="mono">{new Date(i.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="mono">{new Date(i.receivedAt).toISOString().slice(11, 23)}</td>
                  <td className="num">{i.balance ?? ""}</td>
                  <td className="num">{i.equity ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section>
        <h2>Events</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th className="num">#</th>
                <th>When (UTC)</th>
                <th>Event</th>
                <th>State</th>
                <th>Cause</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td className="num">{e.seq}</td>
                  <td className="mono">{new Date(e.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>
                    <code>{e.type}</code> <span className="muted">{e.kind}</span>
                  </td>
                  <td>
                    {e.to && e.from !== e.to ? `${statusLabel(e.from ?? "")} → ${statusLabel(e.to)}` : ""}
                  </td>
                  <td>
                    <pre className="json">{JSON.stringify(e.cause)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
