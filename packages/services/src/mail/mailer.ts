import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env/env";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

let transport: Transporter | undefined;

export function mailConfigured(): boolean {
  return env().SMTP_URL !== undefined;
}

/** Sends through SMTP_URL. Callers check `mailConfigured()` first: without SMTP nothing is sent. */
export async function sendMail(msg: MailMessage): Promise<{ messageId: string }> {
  const url = env().SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not configured");
  transport ??= nodemailer.createTransport(url);
  const info = await transport.sendMail({ from: env().MAIL_FROM, ...msg });
  return { messageId: info.messageId };
}

export function resetMailer(): void {
  transport?.close();
  transport = undefined;
}
