import { dataLayer, desks } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { desksWith } from "@propdesk/domain/access";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";
import { normaliseHost } from "./desk-context";

const deskIdSchema = z.string().uuid("Unknown desk.");

/** The desks this staff member may see, with their domains. */
export async function visibleDesks(principal: StaffPrincipal) {
  requirePermission(principal, "desks.view");
  const all = await dataLayer().withTenant(principal.tenantId, (db) => desks.listDesks(db));
  const allowed = new Set(
    desksWith(
      principal,
      "desks.view",
      all.map((d) => d.id),
    ),
  );
  return all.filter((d) => allowed.has(d.id));
}

export async function deskDetail(principal: StaffPrincipal, deskId: unknown) {
  const id = validate(deskIdSchema, deskId, "desk");
  requirePermission(principal, "desks.view", id);
  const desk = await dataLayer().withTenant(principal.tenantId, (db) => desks.findDesk(db, id));
  if (!desk) throw new AppError("NOT_FOUND", "That desk does not exist.");
  return desk;
}

const colour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "Use a colour like #1f6feb.");
export const deskThemeSchema = z.object({
  name: z.string().trim().min(2, "Enter the desk's brand name.").max(120, "Use at most 120 characters."),
  logoUrl: z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || /^https:\/\/[^\s]+$/.test(v), "Use an https:// URL, or leave it empty.")
    .transform((v) => v || null),
  primaryColor: colour,
  accentColor: colour,
});

export async function updateDeskTheme(principal: StaffPrincipal, deskId: unknown, input: unknown) {
  const id = validate(deskIdSchema, deskId, "desk");
  requirePermission(principal, "desks.manage", id);
  const form = validate(deskThemeSchema, input);
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const before = await desks.findDesk(db, id);
    if (!before) throw new AppError("NOT_FOUND", "That desk does not exist.");
    await desks.updateDeskTheme(db, id, form);
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "desk.theme_updated",
      deskId: id,
      target: { type: "desk", id },
      before: {
        name: before.name,
        logoUrl: before.logoUrl,
        primaryColor: before.primaryColor,
        accentColor: before.accentColor,
      },
      after: form,
    });
  });
}

export const addDomainSchema = z.object({
  hostname: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
      "Enter a host name such as trade.example.com.",
    ),
});

export async function addDeskDomain(principal: StaffPrincipal, deskId: unknown, input: unknown) {
  const id = validate(deskIdSchema, deskId, "desk");
  requirePermission(principal, "desks.manage", id);
  const { hostname } = validate(addDomainSchema, input);
  normaliseHost(hostname);
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, id))) throw new AppError("NOT_FOUND", "That desk does not exist.");
    if (await desks.hostnameTaken(db, hostname)) {
      throw new AppError("CONFLICT", `${hostname} already serves a desk.`, {
        issues: [{ path: "hostname", message: "taken" }],
      });
    }
    const d = await desks.addDeskDomain(db, id, hostname);
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "desk.domain_added",
      deskId: id,
      target: { type: "desk_domain", id: d.id },
      after: { hostname },
    });
  });
}
