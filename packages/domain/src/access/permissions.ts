/**
 * Staff roles and what each may do: pure data, enforced on the server in every loader and action.
 *
 * A membership has one role and either every desk of the tenant or a chosen set of desks.
 * Permissions with scope "tenant" concern the whole firm (its staff, its settings, its consolidated
 * figures), so a desk-limited membership never holds them, whatever its role.
 */
export const staffRoles = [
  "owner",
  "desk_manager",
  "risk",
  "compliance",
  "finance",
  "support",
  "partner_manager",
  "read_only",
] as const;
export type StaffRole = (typeof staffRoles)[number];

export const roleLabels: Record<StaffRole, string> = {
  owner: "Owner",
  desk_manager: "Desk manager",
  risk: "Risk",
  compliance: "Compliance",
  finance: "Finance",
  support: "Support",
  partner_manager: "Partner manager",
  read_only: "Read-only",
};

/** Roles that move money or control the firm must use two-factor authentication. */
export const rolesRequiringTwoFactor: ReadonlySet<StaffRole> = new Set(["owner", "finance"]);

export const permissions = {
  "console.view": { scope: "desk", label: "Open the console and the dashboard" },
  "desks.view": { scope: "desk", label: "See desks, their domains and theme" },
  "desks.manage": { scope: "desk", label: "Change a desk's theme, domains and settings" },
  "staff.view": { scope: "tenant", label: "See staff users and invitations" },
  "staff.manage": { scope: "tenant", label: "Invite, disable and change the role of staff" },
  "audit.view": { scope: "desk", label: "Read the audit trail" },
  "audit.export": { scope: "desk", label: "Export the audit trail" },
  "programs.view": { scope: "desk", label: "See challenge programs" },
  "programs.manage": { scope: "desk", label: "Create and version challenge programs" },
  "traders.view": { scope: "desk", label: "See traders and their challenges" },
  "traders.manage": { scope: "desk", label: "Edit traders and assign challenges" },
  "risk.view": { scope: "desk", label: "Watch live risk, warnings and breaches" },
  "risk.act": { scope: "desk", label: "Override a breach, emergency-stop a desk" },
  "kyc.review": { scope: "desk", label: "Review identity verification" },
  "screening.review": { scope: "desk", label: "Review sanctions matches and fraud flags" },
  "orders.view": { scope: "desk", label: "See orders and payments" },
  "orders.refund": { scope: "desk", label: "Refund an order" },
  "payouts.view": { scope: "desk", label: "See payout requests" },
  "payouts.approve": { scope: "desk", label: "Approve or reject payouts" },
  "payouts.disburse": { scope: "desk", label: "Disburse approved payouts" },
  "ledger.view": { scope: "tenant", label: "Explore the ledger and reconciliation" },
  "reconciliation.run": { scope: "tenant", label: "Run and import reconciliations" },
  "partners.view": { scope: "desk", label: "See affiliates and introducing brokers" },
  "partners.manage": { scope: "desk", label: "Manage affiliates, plans and partner payouts" },
  "settings.manage": { scope: "tenant", label: "Connect payment, KYC and bot providers" },
} as const satisfies Record<string, { scope: "tenant" | "desk"; label: string }>;

export type Permission = keyof typeof permissions;
export const allPermissions = Object.keys(permissions) as Permission[];

const everyone: Permission[] = ["console.view", "desks.view"];

export const rolePermissions: Record<StaffRole, ReadonlySet<Permission>> = {
  owner: new Set(allPermissions),
  desk_manager: new Set<Permission>([
    ...everyone,
    "desks.manage",
    "staff.view",
    "staff.manage",
    "audit.view",
    "programs.view",
    "programs.manage",
    "traders.view",
    "traders.manage",
    "risk.view",
    "orders.view",
    "payouts.view",
    "partners.view",
  ]),
  risk: new Set<Permission>([
    ...everyone,
    "programs.view",
    "traders.view",
    "risk.view",
    "risk.act",
    "payouts.view",
  ]),
  compliance: new Set<Permission>([
    ...everyone,
    "audit.view",
    "audit.export",
    "traders.view",
    "kyc.review",
    "screening.review",
    "payouts.view",
    "orders.view",
  ]),
  finance: new Set<Permission>([
    ...everyone,
    "traders.view",
    "orders.view",
    "orders.refund",
    "payouts.view",
    "payouts.approve",
    "payouts.disburse",
    "ledger.view",
    "reconciliation.run",
    "partners.view",
  ]),
  support: new Set<Permission>([
    ...everyone,
    "programs.view",
    "traders.view",
    "traders.manage",
    "orders.view",
    "payouts.view",
  ]),
  partner_manager: new Set<Permission>([...everyone, "traders.view", "partners.view", "partners.manage"]),
  read_only: new Set<Permission>([
    ...everyone,
    "audit.view",
    "programs.view",
    "traders.view",
    "risk.view",
    "orders.view",
    "payouts.view",
    "partners.view",
  ]),
};

/**
 * Which roles a role may hand out when inviting or changing staff: nobody grants more than they
 * hold, and only owners create owners or finance users.
 */
export const assignableRoles: Record<StaffRole, readonly StaffRole[]> = {
  owner: staffRoles,
  desk_manager: ["desk_manager", "risk", "compliance", "support", "partner_manager", "read_only"],
  risk: [],
  compliance: [],
  finance: [],
  support: [],
  partner_manager: [],
  read_only: [],
};

export interface MembershipAccess {
  role: StaffRole;
  /** null: every desk of the tenant, now and future. */
  deskIds: readonly string[] | null;
}

export function isStaffRole(value: string): value is StaffRole {
  return (staffRoles as readonly string[]).includes(value);
}

/** Whether the membership holds the permission anywhere (on at least one desk, or tenant-wide). */
export function can(access: MembershipAccess, permission: Permission): boolean {
  if (!rolePermissions[access.role].has(permission)) return false;
  if (permissions[permission].scope === "tenant") return access.deskIds === null;
  return access.deskIds === null || access.deskIds.length > 0;
}

/** Whether the membership holds the permission on this desk. */
export function canOnDesk(access: MembershipAccess, permission: Permission, deskId: string): boolean {
  if (!can(access, permission)) return false;
  return access.deskIds === null || access.deskIds.includes(deskId);
}

/** The desks among `allDeskIds` the membership may act on with this permission. */
export function desksWith(
  access: MembershipAccess,
  permission: Permission,
  allDeskIds: readonly string[],
): string[] {
  if (!can(access, permission)) return [];
  return access.deskIds === null ? [...allDeskIds] : allDeskIds.filter((d) => access.deskIds!.includes(d));
}

export function canAssignRole(access: MembershipAccess, role: StaffRole): boolean {
  return can(access, "staff.manage") && assignableRoles[access.role].includes(role);
}

export function requiresTwoFactor(role: StaffRole): boolean {
  return rolesRequiringTwoFactor.has(role);
}
