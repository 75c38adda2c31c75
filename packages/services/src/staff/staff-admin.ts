import { dataLayer, desks, staff } from "@propdesk/db";
import { AppError, validate } from "@propdesk/domain";
import { canAssignRole, isStaffRole, staffRoles } from "@propdesk/domain/access";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit";
import type { StaffPrincipal } from "../auth/staff-auth";
import { requirePermission } from "./require-permission";

const userIdSchema = z.string().uuid("Unknown staff user.");

async function activeOwners(db: Parameters<typeof staff.listStaff>[0]) {
  return (await staff.listStaff(db)).filter(
    (u) => u.status === "active" && u.membership?.role === "owner" && u.membership.allDesks,
  );
}

/** Disables an account and ends its sessions at once. The firm always keeps an active owner. */
export async function disableStaff(
  principal: StaffPrincipal,
  userId: unknown,
  reason: unknown,
): Promise<void> {
  requirePermission(principal, "staff.manage");
  const id = validate(userIdSchema, userId, "user");
  const why = validate(
    z.string().trim().min(3, "Give a reason (at least 3 characters).").max(500),
    reason,
    "reason",
  );
  if (id === principal.userId) throw new AppError("FORBIDDEN", "You cannot disable your own account.");
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const user = await staff.findStaffById(db, id);
    if (!user) throw new AppError("NOT_FOUND", "That staff user does not exist.");
    if (user.status === "disabled") throw new AppError("CONFLICT", `${user.email} is already disabled.`);
    const role = user.membership?.role;
    if (role && isStaffRole(role) && !canAssignRole(principal, role)) {
      throw new AppError(
        "FORBIDDEN",
        `As ${principal.role.replace("_", " ")} you cannot disable a ${role.replace("_", " ")}.`,
      );
    }
    if (role === "owner" && (await activeOwners(db)).length <= 1)
      throw new AppError("CONFLICT", "The firm's last owner cannot be disabled.");
    await staff.updateStaffUser(db, id, { status: "disabled" });
    const revoked = await staff.revokeUserSessions(db, id, "account disabled");
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "staff.disabled",
      target: { type: "staff_user", id },
      before: { status: user.status },
      after: { status: "disabled", reason: why, sessionsRevoked: revoked.count },
    });
  });
}

export async function enableStaff(principal: StaffPrincipal, userId: unknown): Promise<void> {
  requirePermission(principal, "staff.manage");
  const id = validate(userIdSchema, userId, "user");
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const user = await staff.findStaffById(db, id);
    if (!user) throw new AppError("NOT_FOUND", "That staff user does not exist.");
    if (user.status === "active") throw new AppError("CONFLICT", `${user.email} is already active.`);
    await staff.updateStaffUser(db, id, { status: "active" });
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "staff.enabled",
      target: { type: "staff_user", id },
      before: { status: "disabled" },
      after: { status: "active" },
    });
  });
}

export const changeRoleSchema = z.object({
  role: z.enum(staffRoles, { message: "Choose a role." }),
  desks: z.union([
    z.literal("all"),
    z.array(z.string().uuid("Unknown desk.")).min(1, "Choose at least one desk, or all desks."),
  ]),
});

export async function changeStaffRole(
  principal: StaffPrincipal,
  userId: unknown,
  input: unknown,
): Promise<void> {
  requirePermission(principal, "staff.manage");
  const id = validate(userIdSchema, userId, "user");
  const form = validate(changeRoleSchema, input);
  if (id === principal.userId) throw new AppError("FORBIDDEN", "You cannot change your own role.");
  if (!canAssignRole(principal, form.role))
    throw new AppError("FORBIDDEN", `You cannot grant the ${form.role.replace("_", " ")} role.`);
  await dataLayer().withTenant(principal.tenantId, async (db) => {
    const user = await staff.findStaffById(db, id);
    if (!user?.membership) throw new AppError("NOT_FOUND", "That staff user does not exist.");
    const current = user.membership.role;
    if (isStaffRole(current) && !canAssignRole(principal, current))
      throw new AppError("FORBIDDEN", `You cannot change a ${current.replace("_", " ")}'s role.`);
    const deskIds = form.desks === "all" ? null : [...new Set(form.desks)];
    if (deskIds) {
      const known = new Set((await desks.listDesks(db)).map((d) => d.id));
      if (deskIds.some((d) => !known.has(d)))
        throw new AppError("VALIDATION", "One of the chosen desks does not exist.");
    }
    if (current === "owner" && (form.role !== "owner" || deskIds) && (await activeOwners(db)).length <= 1) {
      throw new AppError("CONFLICT", "The firm's last owner must stay an owner of every desk.");
    }
    await staff.setMembership(db, id, form.role, deskIds);
    await recordAudit(db, {
      actor: { type: "staff", id: principal.userId, label: principal.email },
      action: "staff.role_changed",
      target: { type: "staff_user", id },
      before: {
        role: current,
        desks: user.membership.allDesks ? "all" : user.membership.desks.map((d) => d.deskId),
      },
      after: { role: form.role, desks: deskIds ?? "all" },
    });
  });
}
