import { AppError } from "@propdesk/domain";
import { assignableRoles, can, roleLabels, type StaffRole } from "@propdesk/domain/access";
import { visibleDesks } from "@propdesk/services/desks";
import {
  changeStaffRole,
  disableStaff,
  enableStaff,
  inviteStaff,
  listStaffAndInvitations,
  revokeInvitation,
} from "@propdesk/services/staff";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CopyField } from "../components/flash-message";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { setFlash } from "../lib/flash.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, desk } = await requireStaff(request, context, permissionFor("/console/staff"));
  const [listing, desks] = await orHttpError(() =>
    Promise.all([listStaffAndInvitations(principal, new URL(request.url).hostname), visibleDesks(principal)]),
  );
  return {
    listing,
    desks: desks.map((d) => ({ id: d.id, name: d.name })),
    canManage: can(principal, "staff.manage"),
    assignable: assignableRoles[principal.role].map((r) => ({ value: r, label: roleLabels[r] })),
    me: principal.userId,
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
    deskHost: desk.theme.name,
  };
}

/** Checkbox desks → "all" or the chosen ids, as the use cases expect. */
function desksFromForm(form: FormData): "all" | string[] {
  if (form.get("deskScope") !== "some") return "all";
  return form.getAll("deskIds").filter((v): v is string => typeof v === "string");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "staff.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const fields = formObject(form);
    let flash: { kind: "success"; message: string; copy?: string };
    switch (form.get("intent")) {
      case "invite": {
        const inv = await inviteStaff(principal, new URL(request.url).hostname, {
          email: fields.email,
          name: fields.name,
          role: fields.role,
          desks: desksFromForm(form),
        });
        flash = {
          kind: "success",
          message: inv.emailQueued
            ? `Invitation e-mailed to ${inv.email}. You can also copy the link:`
            : `Invitation created for ${inv.email}. Copy the link and send it to them:`,
          copy: inv.link,
        };
        break;
      }
      case "revoke":
        await revokeInvitation(principal, String(fields.invitationId));
        flash = { kind: "success", message: "Invitation revoked." };
        break;
      case "disable":
        await disableStaff(principal, fields.userId, fields.reason);
        flash = { kind: "success", message: "Account disabled and signed out everywhere." };
        break;
      case "enable":
        await enableStaff(principal, fields.userId);
        flash = { kind: "success", message: "Account enabled." };
        break;
      case "role":
        await changeStaffRole(principal, fields.userId, { role: fields.role, desks: desksFromForm(form) });
        flash = { kind: "success", message: "Role updated." };
        break;
      default:
        throw new AppError("VALIDATION", "Unknown action.");
    }
    throw redirect("/console/staff", { headers: { "Set-Cookie": await setFlash(flash) } });
  } catch (e) {
    return actionFailure(e);
  }
}

function DeskChoice({ desks, prefix }: { desks: { id: string; name: string }[]; prefix: string }) {
  return (
    <fieldset className="checks">
      <legend>Desks</legend>
      <label>
        <input type="radio" name="deskScope" value="all" defaultChecked id={`${prefix}-all`} /> All desks,
        including future ones
      </label>
      <label>
        <input type="radio" name="deskScope" value="some" id={`${prefix}-some`} /> Only the desks ticked below
      </label>
      {desks.map((d) => (
        <label key={d.id} style={{ paddingLeft: "1.5rem" }}>
          <input type="checkbox" name="deskIds" value={d.id} /> {d.name}
        </label>
      ))}
    </fieldset>
  );
}

export default function Staff() {
  const { listing, desks, canManage, assignable, me, csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const deskName = (ids: string[] | null) =>
    ids === null
      ? "All desks"
      : ids.map((id) => desks.find((d) => d.id === id)?.name ?? "another desk").join(", ");
  const roleName = (r: string) => roleLabels[r as StaffRole] ?? r;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Staff</h1>
          <p>Who works in the console, with which role and on which desks.</p>
        </div>
      </div>
      <FormError result={result} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Desks</th>
              <th>2FA</th>
              <th>Status</th>
              {canManage ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {listing.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name}
                  <div className="muted">{u.email}</div>
                </td>
                <td>{roleName(u.role)}</td>
                <td>{deskName(u.deskIds)}</td>
                <td>
                  {u.twoFactor ? <span className="badge good">on</span> : <span className="badge">off</span>}
                </td>
                <td>
                  {u.status === "active" ? (
                    <span className="badge good">active</span>
                  ) : (
                    <span className="badge bad">disabled</span>
                  )}
                </td>
                {canManage ? (
                  <td>
                    {u.id !== me && assignable.some((a) => a.value === u.role) ? (
                      <details>
                        <summary>Manage</summary>
                        <Form method="post" className="stack">
                          <CsrfField token={csrf} />
                          <input type="hidden" name="userId" value={u.id} />
                          <div className="field">
                            <label htmlFor={`role-${u.id}`}>Role</label>
                            <select id={`role-${u.id}`} name="role" defaultValue={u.role}>
                              {assignable.map((r) => (
                                <option key={r.value} value={r.value}>
                                  {r.label}
                                </option>
                              ))}
                            </select>
                          </div>
                          <DeskChoice desks={desks} prefix={`u-${u.id}`} />
                          <SubmitButton name="intent" value="role" className="secondary">
                            Change role
                          </SubmitButton>
                        </Form>
                        {u.status === "active" ? (
                          <Form method="post">
                            <CsrfField token={csrf} />
                            <input type="hidden" name="userId" value={u.id} />
                            <Field label="Reason for disabling" name="reason" required minLength={3} />
                            <SubmitButton name="intent" value="disable" className="danger">
                              Disable
                            </SubmitButton>
                          </Form>
                        ) : (
                          <Form method="post">
                            <CsrfField token={csrf} />
                            <input type="hidden" name="userId" value={u.id} />
                            <SubmitButton name="intent" value="enable" className="secondary">
                              Enable
                            </SubmitButton>
                          </Form>
                        )}
                      </details>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Open invitations</h2>
      {listing.invitations.length === 0 ? (
        <p className="muted">No open invitations.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>E-mail</th>
                <th>Role</th>
                <th>Desks</th>
                <th>Link</th>
                <th>Expires</th>
                {canManage ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {listing.invitations.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.email}
                    <div className="muted">by {i.invitedBy}</div>
                  </td>
                  <td>{roleName(i.role)}</td>
                  <td>{deskName(i.deskIds)}</td>
                  <td>
                    <CopyField value={i.link} label={`Invitation link for ${i.email}`} />
                    {i.emailSentAt ? <div className="muted">e-mailed</div> : null}
                  </td>
                  <td>{new Date(i.expiresAt).toISOString().slice(0, 10)}</td>
                  {canManage ? (
                    <td>
                      <Form method="post">
                        <CsrfField token={csrf} />
                        <input type="hidden" name="invitationId" value={i.id} />
                        <SubmitButton name="intent" value="revoke" className="secondary">
                          Revoke
                        </SubmitButton>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canManage ? (
        <section className="card wide">
          <h2>Invite a staff member</h2>
          <Form method="post">
            <CsrfField token={csrf} />
            <input type="hidden" name="intent" value="invite" />
            <Field label="E-mail" name="email" type="email" required error={fieldError(result, "email")} />
            <Field label="Name (optional)" name="name" error={fieldError(result, "name")} />
            <div className="field">
              <label htmlFor="invite-role">Role</label>
              <select id="invite-role" name="role" required defaultValue="">
                <option value="" disabled>
                  Choose a role
                </option>
                {assignable.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
              {fieldError(result, "role") ? <div className="error">{fieldError(result, "role")}</div> : null}
            </div>
            <DeskChoice desks={desks} prefix="invite" />
            <SubmitButton>Create invitation</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
