import { AppError } from "@propdesk/domain";
import { can, canOnDesk, type MembershipAccess, type Permission, permissions } from "@propdesk/domain/access";

/** Throws FORBIDDEN unless the membership holds the permission (on the desk, when one is given). */
export function requirePermission(access: MembershipAccess, permission: Permission, deskId?: string): void {
  const ok = deskId ? canOnDesk(access, permission, deskId) : can(access, permission);
  if (!ok) {
    throw new AppError(
      "FORBIDDEN",
      `Your role does not allow this: ${permissions[permission].label.toLowerCase()}${deskId ? " on this desk" : ""}.`,
    );
  }
}
