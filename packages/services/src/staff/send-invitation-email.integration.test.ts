import { dataLayer } from "@propdesk/db";
import { sqlAs } from "@propdesk/db/testing/sql";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnv } from "../env/env";
import { createLogger } from "../logging/logger";
import { resetMailer } from "../mail/mailer";
import { signIn, type TenantFixture, tenantFixture } from "../testing/fixtures";
import { inviteStaff } from "./invitations";
import { sendInvitationEmail } from "./staff-jobs";

/** Invitation e-mails through a real SMTP conversation with a local stand-in server. */
const received: Array<{ to: string[]; body: string }> = [];
let smtp: SMTPServer;
let port: number;
let t: TenantFixture;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (d: Buffer) => (body += d.toString("utf8")));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as { port: number }).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  resetEnv();
  resetMailer();
  t = await tenantFixture("mail");
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  resetEnv();
  resetMailer();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe("invitation e-mails", () => {
  it("queues the e-mail with the invitation and sends it once, with the link, however often the job runs", async () => {
    const owner = await signIn(t, t.owner.email);
    const inv = await inviteStaff(owner.principal, t.hostname, {
      email: "newhire@mail.test",
      role: "support",
      desks: "all",
    });
    expect(inv.emailQueued).toBe(true);
    const { rows } = await sqlAs("platform").query(
      "SELECT id, payload FROM outbox WHERE tenant_id = $1 AND job_name = $2",
      [t.tenantId, sendInvitationEmail.name],
    );
    const row = rows.find((r) => r.payload.data.invitationId === inv.id);
    expect(row).toBeDefined();

    const { default: handler } = await sendInvitationEmail.handler();
    const ctx = { jobId: row.id, tenantId: t.tenantId, attempt: 1, log: createLogger("test", "silent") };
    await handler(row.payload.data, ctx);
    await handler(row.payload.data, { ...ctx, attempt: 2 });

    const mails = received.filter((m) => m.to.includes("newhire@mail.test"));
    expect(mails).toHaveLength(1);
    const body = mails[0]!.body.replace(/=\r?\n/g, "");
    expect(body).toContain("Subject: You are invited to Firm mail on PropDesk");
    expect(body).toContain(inv.link);
    const sent = await dataLayer().withTenant(t.tenantId, (db) =>
      db.invitation.findFirst({ where: { id: inv.id } }),
    );
    expect(sent?.emailSentAt).toBeInstanceOf(Date);
  });
});
