import {
  bridgeOverview,
  createBridgeKey,
  revokeBridgeKey,
  saveBridgeSettings,
  setDeskPlatform,
} from "@propdesk/services/risk";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField, Field, FormError, fieldError, SubmitButton } from "../components/form";
import { permissionFor } from "../lib/console-routes";
import { consumeCsrf, issueCsrf } from "../lib/csrf.server";
import { actionFailure, formObject, orHttpError, readFormData } from "../lib/http.server";
import { requireStaff } from "../lib/staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireStaff(request, context, permissionFor("/console/risk/bridge"));
  return {
    ...(await orHttpError(() => bridgeOverview(principal))),
    csrf: issueCsrf({ kind: "staff", sessionId: principal.sessionId }),
    ingestUrl: `${new URL(request.url).origin}/api/platform/v1/updates`,
  };
}

type Shown = { ok: true; intent: string; keyId?: string; secret?: string | null; message: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal } = await requireStaff(request, context, "settings.manage");
  try {
    const form = await readFormData(request);
    await consumeCsrf(form, { kind: "staff", sessionId: principal.sessionId });
    const intent = String(form.get("intent") ?? "");
    const input = formObject(form);
    if (intent === "create-key") {
      const key = await createBridgeKey(principal, input);
      return data<Shown>({
        ok: true,
        intent,
        ...key,
        message: "Key created. Copy the secret now: it is not shown again.",
      });
    }
    if (intent === "revoke-key") {
      await revokeBridgeKey(principal, input);
      return data<Shown>({
        ok: true,
        intent,
        message: "Key revoked: deliveries signed with it are refused.",
      });
    }
    if (intent === "settings") {
      const saved = await saveBridgeSettings(principal, input);
      return data<Shown>({
        ok: true,
        intent,
        secret: saved.secret,
        message: saved.secret
          ? "Connector saved. Copy the webhook signing secret now: it is not shown again."
          : "Connector saved.",
      });
    }
    if (intent === "platform") {
      await setDeskPlatform(principal, input);
      return data<Shown>({ ok: true, intent, message: "Desk platform saved: new accounts open there." });
    }
    return data(
      { ok: false as const, error: "Unknown action.", code: "VALIDATION", fieldErrors: {} },
      { status: 400 },
    );
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Bridge() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Shown | { ok: false } | undefined;
  const shown = result && result.ok ? result : null;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Platform bridge</h1>
          <p>
            Connect real trading platforms (MT4/MT5, cTrader, Match-Trader, DXtrade, TradeLocker, futures)
            through your connector: it posts signed batches of account updates to PropDesk and receives
            PropDesk's actions on its webhook. Wire format: docs/openapi/platform-bridge.yaml.
          </p>
        </div>
      </div>
      {shown ? (
        <div className="alert success" role="status">
          {shown.message}
          {shown.keyId ? (
            <div className="copy-box mono" data-testid="new-key-id">
              Key id: {shown.keyId}
            </div>
          ) : null}
          {shown.secret ? (
            <div className="copy-box mono" data-testid="new-secret">
              {shown.secret}
            </div>
          ) : null}
        </div>
      ) : (
        <FormError result={result} />
      )}

      <section className="card">
        <h2>Where each desk opens new accounts</h2>
        {d.desks.map((desk) => (
          <Form key={desk.id} method="post" className="row">
            <CsrfField token={d.csrf} />
            <input type="hidden" name="intent" value="platform" />
            <input type="hidden" name="deskId" value={desk.id} />
            <label htmlFor={`platform-${desk.id}`} style={{ minWidth: "10rem" }}>
              {desk.name}
            </label>
            <select id={`platform-${desk.id}`} name="platform" defaultValue={desk.platform}>
              <option value="simulator">Market simulator</option>
              <option value="bridge">Platform bridge</option>
            </select>
            <SubmitButton className="secondary">Save</SubmitButton>
          </Form>
        ))}
      </section>

      <section className="card">
        <h2>Connector webhook</h2>
        <p className="muted">
          PropDesk sends its actions (open an account, enable or disable trading, close positions, adjust a
          balance) as signed JSON POSTs here, with an idempotency key, retried on timeouts and errors.
        </p>
        <Form method="post" className="stack">
          <CsrfField token={d.csrf} />
          <input type="hidden" name="intent" value="settings" />
          <Field
            label="Webhook URL"
            name="webhookUrl"
            type="url"
            required
            defaultValue={d.settings?.webhookUrl ?? ""}
            error={fieldError(result, "webhookUrl")}
          />
          <div className="row">
            <Field
              label="Timeout per attempt (ms)"
              name="timeoutMs"
              type="number"
              min={100}
              max={60000}
              defaultValue={String(d.settings?.timeoutMs ?? 5000)}
              error={fieldError(result, "timeoutMs")}
            />
            <Field
              label="Attempts"
              name="maxAttempts"
              type="number"
              min={1}
              max={10}
              defaultValue={String(d.settings?.maxAttempts ?? 3)}
              error={fieldError(result, "maxAttempts")}
            />
          </div>
          {d.settings ? (
            <label className="checks">
              <input type="checkbox" name="rotateSecret" /> Generate a new signing secret
            </label>
          ) : null}
          <SubmitButton>Save connector</SubmitButton>
        </Form>
      </section>

      <section className="card">
        <h2>API keys</h2>
        <p className="muted">
          Your connector signs each delivery to <code>{d.ingestUrl}</code> with a key: header{" "}
          <code>X-PropDesk-Key</code>, <code>X-PropDesk-Timestamp</code> and{" "}
          <code>X-PropDesk-Signature: v1=HMAC-SHA256(secret, "timestamp.body")</code>.
        </p>
        <Form method="post" className="row">
          <CsrfField token={d.csrf} />
          <input type="hidden" name="intent" value="create-key" />
          <input name="label" aria-label="Key name" placeholder="e.g. MT5 connector, London" required />
          <SubmitButton>Create key</SubmitButton>
        </Form>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Key id</th>
                <th>Name</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.keys.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    No key yet.
                  </td>
                </tr>
              ) : (
                d.keys.map((k) => (
                  <tr key={k.id}>
                    <td className="mono">{k.keyId}</td>
                    <td>{k.label}</td>
                    <td>
                      {new Date(k.createdAt).toISOString().slice(0, 16).replace("T", " ")}{" "}
                      <span className="muted">{k.createdBy}</span>
                    </td>
                    <td>
                      {k.lastUsedAt
                        ? new Date(k.lastUsedAt).toISOString().slice(0, 16).replace("T", " ")
                        : "never"}
                    </td>
                    <td>
                      {k.revokedAt ? (
                        <span className="badge bad">revoked</span>
                      ) : (
                        <Form method="post">
                          <CsrfField token={d.csrf} />
                          <input type="hidden" name="intent" value="revoke-key" />
                          <input type="hidden" name="id" value={k.id} />
                          <SubmitButton className="danger">Revoke</SubmitButton>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <div className="grid cols-2">
        <section>
          <h2>Recent deliveries</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Received (UTC)</th>
                  <th className="num">Updates</th>
                  <th className="num">Accepted</th>
                  <th className="num">Dup.</th>
                  <th className="num">Stale</th>
                  <th className="num">Refused</th>
                </tr>
              </thead>
              <tbody>
                {d.deliveries.map((x) => (
                  <tr key={x.signatureHash}>
                    <td className="mono">
                      {new Date(x.receivedAt).toISOString().slice(0, 19).replace("T", " ")}
                    </td>
                    <td className="num">{x.items}</td>
                    <td className="num">{x.accepted}</td>
                    <td className="num">{x.duplicates}</td>
                    <td className="num">{x.stale}</td>
                    <td className="num">{x.rejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>Recent actions sent</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Requested (UTC)</th>
                  <th>Action</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {d.actions.map((a) => (
                  <tr key={a.id}>
                    <td className="mono">
                      {new Date(a.requestedAt).toISOString().slice(0, 19).replace("T", " ")}
                    </td>
                    <td>
                      <code>{a.action}</code> <span className="muted">{a.platformAccountId}</span>
                    </td>
                    <td>
                      {a.status}
                      {a.error ? <div className="muted">{a.error}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}
