import { can } from "@propdesk/domain/access";
import { assignChallenge } from "@propdesk/services/challenges";
import { listProgramsFor } from "@propdesk/services/programs";
import { traderForStaff } from "@propdesk/services/traders";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { StatusBadge } from "../components/status-badge";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, "traders.view");
  const detail = await orHttpError(() => traderForStaff(principal, params.traderId));
  const canAssign = can(principal, "traders.manage") && can(principal, "programs.view");
  const programs = canAssign
    ? (await listProgramsFor(principal)).filter((p) => p.status === "active" && p.latestVersion > 0)
    : [];
  return {
    ...detail,
    programs,
    canAssign,
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "traders.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const { challenge } = await assignChallenge(principal, {
      ...formObject(form),
      traderId: params.traderId,
    });
    throw redirect(`/console/challenges/${challenge.id}`, {
      headers: {
        "Set-Cookie": await setFlash({
          kind: "success",
          message: `Challenge ${challenge.reference} assigned.`,
        }),
      },
    });
  } catch (e) {
    return actionFailure(e);
  }
}

export default function TraderPage() {
  const { trader, challenges, programs, canAssign, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="eyebrow">Trader</p>
          <h1>{trader.name}</h1>
          <p>
            {trader.email} · {trader.country ?? "no country"} · {trader.timezone} ·{" "}
            <Link to={`/console/traders/${trader.id}/compliance`}>
              Compliance, fraud signals and purchases
            </Link>
          </p>
        </div>
        {trader.status === "active" ? (
          <span className="badge good">active</span>
        ) : (
          <span className="badge bad">{trader.status}</span>
        )}
      </div>
      <section>
        <h2>Challenges</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Reference</th>
                <th>Program</th>
                <th>Size</th>
                <th>Phase</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {challenges.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    No challenges.
                  </td>
                </tr>
              ) : (
                challenges.map((c) => (
                  <tr key={c.id}>
                    <td className="mono">
                      <Link to={`/console/challenges/${c.id}`}>{c.reference}</Link>
                    </td>
                    <td>
                      {c.programName} <span className="muted">v{c.programVersion}</span>
                    </td>
                    <td>{c.accountSize}</td>
                    <td>{c.phaseName}</td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
      {canAssign && programs.length > 0 ? (
        <section className="card wide">
          <h2>Assign a challenge</h2>
          <p className="muted">
            Creates a challenge on the program's latest version, as if bought, and starts it. Audited with
            your reason.
          </p>
          <FormError result={result} />
          <Form method="post">
            <CsrfField token={csrf} />
            <div className="field">
              <label htmlFor="programId">Program</label>
              <select id="programId" name="programId">
                {programs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.deskName} · {p.name} (v{p.latestVersion})
                  </option>
                ))}
              </select>
            </div>
            <Field label="Reason" name="reason" required minLength={3} error={fieldError(result, "reason")} />
            <SubmitButton>Assign challenge</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
