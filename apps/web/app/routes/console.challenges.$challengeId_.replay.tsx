import { replayForStaff } from "@propdesk/services/risk";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { orHttpError } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "risk.view");
  return orHttpError(() => replayForStaff(principal, params.challengeId));
}

/** Disputes: every decision recomputed from the stored inputs, next to what the live pipeline recorded. */
export default function Replay() {
  const r = useLoaderData<typeof loader>();
  const skipped = Object.entries(r.skipped)
    .map(([k, v]) => `${v} ${k.replaceAll("_", " ")}`)
    .join(", ");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow mono">{r.challenge.reference}</p>
          <h1>Replay</h1>
          <p>
            {r.challenge.trader}: every decision recomputed by the rules engine from the {r.inputs} inputs
            stored for this challenge, compared field by field with the decisions recorded live.
          </p>
        </div>
        <Link to={`/console/challenges/${r.challenge.id}`}>← Challenge</Link>
      </div>
      <div className={`alert ${r.matches ? "success" : "error"}`} role="status" data-testid="replay-verdict">
        {r.matches
          ? `All ${r.rows.length} decisions match the recomputation.`
          : r.firstMismatch >= 0
            ? `Mismatch: decision ${r.firstMismatch + 1} of ${r.rows.length} differs from the recomputation.`
            : "Mismatch: an override resumed from a state that is not the recomputed state before its breach."}{" "}
        {r.evaluated} inputs evaluated{skipped ? `; set aside: ${skipped}` : ""}.
        {r.restores.length > 0
          ? ` ${r.restores.filter((x) => x.matches).length} of ${r.restores.length} override restores resumed from the recomputed state.`
          : ""}
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th className="num">Input</th>
              <th>When (UTC)</th>
              <th>Decision</th>
              <th>Match</th>
              <th>Explanation</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No decision to verify yet.
                </td>
              </tr>
            ) : (
              r.rows.map((row) => (
                <tr key={`${row.inputId}:${row.idx}`}>
                  <td className="num mono">{row.inputId}</td>
                  <td className="mono">{new Date(row.at).toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>
                    <code>{row.type}</code> <span className="muted">{row.rule}</span>
                  </td>
                  <td>
                    {row.matches ? (
                      <span className="badge good">match</span>
                    ) : (
                      <span className="badge bad">
                        {row.recomputed === null
                          ? "not recomputed"
                          : row.stored === null
                            ? "not recorded"
                            : "differs"}
                      </span>
                    )}
                  </td>
                  <td>{row.explanation}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
