import { dataLayer, desks, programs, type TenantDb } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { canOnDesk, desksWith } from "@propdesk/domain/access";
import {
  compileProgram,
  fingerprintOf,
  nextProgramVersion,
  type ProgramInput,
  programTemplate,
  programTemplates,
} from "@propdesk/domain/programs";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "../staff/require-permission";

/** The templates a firm starts a program from. */
export function listProgramTemplates() {
  return programTemplates.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    program: t.program,
  }));
}

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,58}[a-z0-9])?$/,
    "Use lower-case letters, digits and hyphens (not at the ends).",
  );

export const createProgramSchema = z.object({
  deskId: z.string().uuid("Choose a desk."),
  templateId: z.string().min(1, "Choose a template."),
  name: z.string().trim().min(2, "Enter the program's name.").max(120),
  slug,
  description: z.string().trim().max(2000).optional().default(""),
  /** The account size as a decimal string ("100000.00"); the template's when empty. */
  initialBalance: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined),
});

const staffLabel = (p: StaffPrincipal) => `${p.name} <${p.email}>`;

/**
 * Version 1 of a program from a template (optionally resized). The definition is validated by the
 * domain schema exactly as the rules engine will read it.
 */
export async function createProgramFromTemplate(principal: StaffPrincipal, input: unknown) {
  const form = validate(createProgramSchema, input);
  requirePermission(principal, "programs.manage", form.deskId);
  const template = programTemplate(form.templateId);
  if (!template)
    throw new AppError("VALIDATION", `templateId: unknown template "${form.templateId}".`, {
      issues: [{ path: "templateId", message: "unknown template" }],
    });
  const definition = {
    ...template.program,
    name: form.name,
    ...(form.initialBalance ? { initialBalance: form.initialBalance } : {}),
  };
  const version = nextProgramVersion("new", definition);
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    if (!(await desks.findDesk(db, form.deskId)))
      throw new AppError("NOT_FOUND", "That desk does not exist.");
    if (await programs.findProgramBySlug(db, form.deskId, form.slug)) {
      throw new AppError("CONFLICT", `This desk already has a program "${form.slug}".`, {
        issues: [{ path: "slug", message: "taken" }],
      });
    }
    const program = await programs.createProgram(db, {
      deskId: form.deskId,
      slug: form.slug,
      name: form.name,
      description: form.description || template.description,
      templateId: template.id,
    });
    const v = await programs.createProgramVersion(db, {
      programId: program.id,
      version: 1,
      definition: version.program as never,
      fingerprint: version.fingerprint,
      createdByLabel: staffLabel(principal),
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "program.created",
      deskId: form.deskId,
      target: { type: "program", id: program.id },
      after: {
        name: form.name,
        slug: form.slug,
        template: template.id,
        version: 1,
        fingerprint: version.fingerprint,
      },
    });
    return { program, version: v };
  });
}

/**
 * Saves an edited definition as the next version. Challenges sold earlier keep their version;
 * saving unchanged content creates nothing.
 */
export async function saveProgramVersion(principal: StaffPrincipal, programId: unknown, definition: unknown) {
  const id = validate(z.string().uuid("Unknown program."), programId, "program");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const program = await programs.findProgram(db, id);
    if (!program) throw new AppError("NOT_FOUND", "That program does not exist.");
    requirePermission(principal, "programs.manage", program.deskId);
    const latest = program.versions[0];
    const previous = latest
      ? {
          programId: id,
          version: latest.version,
          program: latest.definition as ProgramInput,
          fingerprint: latest.fingerprint,
        }
      : undefined;
    const next = nextProgramVersion(id, definition, previous);
    if (latest && next.version === latest.version) return { version: latest, created: false };
    const v = await programs.createProgramVersion(db, {
      programId: id,
      version: next.version,
      definition: next.program as never,
      fingerprint: next.fingerprint,
      createdByLabel: staffLabel(principal),
    });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "program.version_created",
      deskId: program.deskId,
      target: { type: "program", id },
      before: latest ? { version: latest.version, fingerprint: latest.fingerprint } : undefined,
      after: { version: next.version, fingerprint: next.fingerprint },
    });
    return { version: v, created: true };
  });
}

export async function listProgramsFor(principal: StaffPrincipal) {
  requirePermission(principal, "programs.view");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const allDesks = await desks.listDesks(db);
    const visible = desksWith(
      principal,
      "programs.view",
      allDesks.map((d) => d.id),
    );
    const list = await programs.listPrograms(db, visible);
    return list.map((p) => ({
      id: p.id,
      deskId: p.deskId,
      deskName: allDesks.find((d) => d.id === p.deskId)?.name ?? "",
      slug: p.slug,
      name: p.name,
      status: p.status,
      templateId: p.templateId,
      latestVersion: p.versions[0]?.version ?? 0,
      canManage: canOnDesk(principal, "programs.manage", p.deskId),
    }));
  });
}

export async function programDetail(principal: StaffPrincipal, programId: unknown) {
  const id = validate(z.string().uuid("Unknown program."), programId, "program");
  return dataLayer().withTenant(principal.tenantId, async (db) => {
    const program = await programs.findProgram(db, id);
    if (!program) throw new AppError("NOT_FOUND", "That program does not exist.");
    requirePermission(principal, "programs.view", program.deskId);
    return { program, canManage: canOnDesk(principal, "programs.manage", program.deskId) };
  });
}

/** The latest version of a program, compiled, checked against its stored fingerprint. */
export async function loadProgramVersion(db: TenantDb, versionId: string) {
  const v = await programs.findProgramVersion(db, versionId);
  if (!v) throw new AppError("NOT_FOUND", "That program version does not exist.");
  const source = v.definition as ProgramInput;
  if (fingerprintOf(source) !== v.fingerprint)
    throw new AppError(
      "CONFLICT",
      `Program version ${v.version} of ${v.program.name} does not match its fingerprint.`,
    );
  return { row: v, compiled: compileProgram(source) };
}
