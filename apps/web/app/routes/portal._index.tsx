import { listTraderChallenges } from "@propdesk/services/challenges";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "../components/status-badge";
import { orHttpError } from "../lib/http.server";
import { requireTrader } from "../lib/trader.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireTrader(request, context);
  return { challenges: await orHttpError(() => listTraderChallenges(principal)) };
}

export default function MyChallenges() {
  const { challenges } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>My challenges</h1>
          <p>Every evaluation and funded account you hold with us.</p>
        </div>
      </div>
      {challenges.length === 0 ? (
        <div className="card empty">You have no challenge yet.</div>
      ) : (
        <div className="grid cols-2">
          {challenges.map((c) => (
            <Link key={c.id} to={`/portal/challenges/${c.id}`} className="card challenge-card">
              <div className="spread">
                <strong>{c.programName}</strong>
                <StatusBadge status={c.status} />
              </div>
              <div className="muted mono">{c.reference}</div>
              <div className="row" style={{ marginTop: "0.5rem" }}>
                <span>{c.accountSize}</span>
                <span className="muted">
                  {c.phaseName} ({c.phaseIndex + 1} of {c.phaseCount})
                </span>
              </div>
            </Link>
          ))}
        </div>
      )}
    </div>
  );
}
