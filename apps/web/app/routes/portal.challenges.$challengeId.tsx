import { traderChallenge } from "@propdesk/services/challenges";
import { traderChallengeRisk } from "@propdesk/services/risk";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { EquityChart } from "../components/equity-chart";
import { Countdown, LiveBadge, RoomMeter, useLiveRefresh } from "../components/live-risk";
import { StatusBadge, statusLabel } from "../components/status-badge";
import { orHttpError } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  const hours = new URL(request.url).searchParams.get("hours");
  const [{ summary, events, awaitsKyc }, risk] = await orHttpError(() =>
    Promise.all([
      traderChallenge(principal, params.challengeId),
      traderChallengeRisk(principal, params.challengeId, hours === "all" ? 24 * 90 : hours),
    ]),
  );
  return {
    challenge: summary,
    awaitsKyc,
    risk,
    zone: principal.timezone,
    servedAt: Date.now(),
    timeline: events.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      type: e.type,
      from: e.fromState,
      to: e.toState,
      at: e.occurredAt,
    })),
  };
}

const ranges = [
  { key: "1", label: "1 hour" },
  { key: "6", label: "6 hours" },
  { key: "24", label: "24 hours" },
  { key: "all", label: "Whole phase" },
];

export default function ChallengeDetail() {
  const { challenge, awaitsKyc, risk, zone, servedAt, timeline } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  useLiveRefresh(3);
  const s = risk.standing;
  const range = params.get("hours") ?? "24";
  const currentPhase = s ? risk.rules.findIndex((r) => r.name === s.phaseName) : challenge.phaseIndex;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow mono">{challenge.reference}</p>
          <h1>{challenge.programName}</h1>
          <p>
            {challenge.accountSize} · {challenge.phaseName} ({challenge.phaseIndex + 1} of{" "}
            {challenge.phaseCount}){risk.account?.login ? ` · login ${risk.account.login}` : ""}
          </p>
        </div>
        <div className="row">
          <LiveBadge at={new Date(servedAt)} />
          <StatusBadge status={challenge.status} />
        </div>
      </div>

      {risk.failure && challenge.status === "failed" ? (
        <div className="alert error" role="alert">
          <strong>
            Your {challenge.phaseName} has ended (
            {risk.failure.rule.replaceAll("_", " ") || risk.failure.type}).
          </strong>{" "}
          <span data-testid="breach-explanation">{risk.failure.text}</span>
        </div>
      ) : null}
      {challenge.status === "paused" ? (
        <div className="alert warn" role="status">
          Trading is paused for the rest of the trading day: your equity went below today's daily floor. It
          reopens when the next trading day starts.
        </div>
      ) : null}
      {awaitsKyc ? (
        <div className="alert warn" role="status" data-testid="funded-awaits-kyc">
          You passed your evaluation. This desk verifies your identity before opening your funded account: it
          opens as soon as your verification is approved.{" "}
          <Link to="/portal/verification">Verify your identity</Link>
        </div>
      ) : null}
      {challenge.status === "suspended" ? (
        <div className="alert warn" role="status">
          Trading on this account is suspended by the risk desk. Your positions were closed; we will reopen it
          as soon as we can.
        </div>
      ) : null}

      {s ? (
        <>
          <div className="grid cols-4">
            <div className="stat">
              <div className="label">Equity</div>
              <div className="value" data-testid="equity">
                {s.equity}
              </div>
            </div>
            <div className="stat">
              <div className="label">Balance</div>
              <div className="value">{s.balance}</div>
              <div className="muted">
                {s.openPositions} open position{s.openPositions === 1 ? "" : "s"}
              </div>
            </div>
            <div className="stat">
              <div className="label">Profit</div>
              <div className="value">{s.profit}</div>
              {s.targetBalance ? (
                <div className="muted">
                  {s.targetProgressPct ?? "0.00"}% of the target ({s.targetBalance})
                </div>
              ) : null}
            </div>
            <div className="stat">
              <div className="label">Trading days</div>
              <div className="value">
                {s.tradingDays}
                {s.minTradingDays > 0 ? <span className="muted"> / {s.minTradingDays}</span> : null}
              </div>
              {s.bestDayPct !== null ? (
                <div className="muted">
                  Best day {s.bestDayPct}% of profit
                  {s.maxBestDayPct !== null ? ` (max ${s.maxBestDayPct}%)` : ""}
                </div>
              ) : null}
            </div>
          </div>

          <div className="grid cols-2">
            <section className="card">
              <h2>Loss limits</h2>
              {s.dailyFloor ? (
                <div className="limit">
                  <div className="spread">
                    <span>Daily floor</span>
                    <strong data-testid="daily-floor">{s.dailyFloor}</strong>
                  </div>
                  <RoomMeter label="Daily loss room left" pct={s.dailyRoomPct} />
                  <div className="muted">
                    Room left today: {s.dailyRoom}
                    {s.dailyRoomPct !== null ? ` (${s.dailyRoomPct}% of the limit)` : ""}
                  </div>
                </div>
              ) : null}
              {s.maxLossFloor ? (
                <div className="limit">
                  <div className="spread">
                    <span>Maximum-loss floor</span>
                    <strong data-testid="max-loss-floor">{s.maxLossFloor}</strong>
                  </div>
                  <RoomMeter label="Maximum loss room left" pct={s.maxLossRoomPct} />
                  <div className="muted">
                    Room left: {s.maxLossRoom}
                    {s.maxLossRoomPct !== null ? ` (${s.maxLossRoomPct}% of the limit)` : ""}
                  </div>
                </div>
              ) : null}
            </section>
            <section className="card">
              <h2>Trading day</h2>
              {s.nextDayStartMs ? (
                <>
                  <p>
                    The next trading day starts at{" "}
                    <strong>
                      {risk.clock.nextDayStartLocal} {risk.clock.programZone}
                    </strong>{" "}
                    ({risk.clock.nextDayStartViewer} your time, {zone}), in{" "}
                    <Countdown
                      target={s.nextDayStartMs}
                      platformNow={risk.clock.nowMs}
                      rate={risk.clock.rate}
                      servedAt={servedAt}
                    />
                    .
                  </p>
                  {risk.clock.simulated ? (
                    <p className="muted">
                      This account trades on the simulated market, whose clock runs {risk.clock.rate}× faster
                      than real time.
                    </p>
                  ) : null}
                </>
              ) : (
                <p className="muted">The phase starts with your account's first update.</p>
              )}
              <p className="muted">{risk.dayStartText}</p>
              {s.deadlineMs ? (
                <p>The phase must be passed by {new Date(s.deadlineMs).toUTCString()}.</p>
              ) : null}
            </section>
          </div>
        </>
      ) : (
        <div className="card">
          <p>Your trading account is being opened. This page updates by itself.</p>
        </div>
      )}

      <section className="card">
        <div className="spread">
          <h2>Equity</h2>
          <nav className="row" aria-label="Chart range">
            {ranges.map((r) =>
              r.key === range ? (
                <strong key={r.key}>{r.label}</strong>
              ) : (
                <Link key={r.key} to={`?hours=${r.key}`} preventScrollReset>
                  {r.label}
                </Link>
              ),
            )}
          </nav>
        </div>
        <EquityChart points={risk.chart} currency={risk.currency} digits={risk.digits} zone={zone} />
      </section>

      <div className="grid cols-2">
        <section className="card">
          <h2>The rules</h2>
          {risk.rules.map((phase, i) => (
            <div key={phase.index} className={i === currentPhase ? "rules current" : "rules"}>
              <h3>
                {phase.name} <span className="muted">({phase.kind})</span>
              </h3>
              <ul>
                {phase.rules.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        <section className="card">
          <h2>What happened</h2>
          {risk.decisions.length === 0 ? (
            <p className="muted">No rule has been triggered yet.</p>
          ) : (
            <ol className="decisions">
              {[...risk.decisions].reverse().map((d) => (
                <li key={d.id}>
                  <span className="mono muted">
                    {new Date(d.at).toISOString().replace("T", " ").slice(0, 16)} UTC
                  </span>{" "}
                  <strong>{statusLabel(d.type)}</strong>
                  {d.overriddenAt ? <span className="badge good">overridden</span> : null} — {d.text}
                </li>
              ))}
            </ol>
          )}
          {s && s.dayProfits.length > 0 ? (
            <>
              <h3>Profit per trading day</h3>
              <table>
                <tbody>
                  {s.dayProfits.map((d) => (
                    <tr key={d.day}>
                      <td>
                        {d.day}
                        {d.open ? <span className="muted"> (today)</span> : null}
                      </td>
                      <td className="num">{d.profit}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </section>
      </div>

      <section className="card">
        <h2>History</h2>
        <ol>
          {timeline
            .filter((t) => t.kind === "lifecycle")
            .map((t) => (
              <li key={t.seq}>
                <span className="mono">
                  {new Date(t.at).toISOString().replace("T", " ").slice(0, 16)} UTC
                </span>{" "}
                — {statusLabel(t.type)}
                {t.to && t.from !== t.to ? ` (${statusLabel(t.from ?? "")} → ${statusLabel(t.to)})` : ""}
              </li>
            ))}
        </ol>
      </section>
    </div>
  );
}
