import { describe, expect, it } from "vitest";
import {
  allPermissions,
  can,
  canAssignRole,
  canOnDesk,
  desksWith,
  requiresTwoFactor,
  rolePermissions,
  staffRoles,
} from "./permissions";

const everyDesk = (role: (typeof staffRoles)[number]) => ({ role, deskIds: null });

describe("permission matrix", () => {
  it.each([
    ["owner can do everything", "owner", "settings.manage", true],
    ["finance approves payouts", "finance", "payouts.approve", true],
    ["risk cannot approve payouts", "risk", "payouts.approve", false],
    ["risk overrides breaches", "risk", "risk.act", true],
    ["support cannot override breaches", "support", "risk.act", false],
    ["compliance reviews KYC", "compliance", "kyc.review", true],
    ["finance cannot review KYC", "finance", "kyc.review", false],
    ["read-only reads the audit trail", "read_only", "audit.view", true],
    ["read-only cannot export it", "read_only", "audit.export", false],
    ["read-only cannot manage staff", "read_only", "staff.manage", false],
    ["desk manager invites staff", "desk_manager", "staff.manage", true],
    ["partner manager manages partners", "partner_manager", "partners.manage", true],
    ["partner manager cannot refund", "partner_manager", "orders.refund", false],
  ] as const)("%s", (_label, role, permission, expected) => {
    expect(can(everyDesk(role), permission)).toBe(expected);
  });

  it("every role can open the console, and only the owner holds every permission", () => {
    for (const role of staffRoles) {
      expect(can(everyDesk(role), "console.view")).toBe(true);
      expect(rolePermissions[role].size === allPermissions.length).toBe(role === "owner");
    }
  });

  it("a desk-limited membership acts only on its desks and never holds tenant-wide permissions", () => {
    const limited = { role: "owner" as const, deskIds: ["desk-a"] };
    expect(canOnDesk(limited, "risk.view", "desk-a")).toBe(true);
    expect(canOnDesk(limited, "risk.view", "desk-b")).toBe(false);
    expect(can(limited, "staff.manage")).toBe(false);
    expect(can(limited, "settings.manage")).toBe(false);
    expect(desksWith(limited, "risk.view", ["desk-a", "desk-b"])).toEqual(["desk-a"]);
    expect(desksWith({ role: "support", deskIds: ["desk-a"] }, "risk.view", ["desk-a"])).toEqual([]);
  });

  it("a membership limited to no desk can do nothing", () => {
    expect(can({ role: "risk", deskIds: [] }, "console.view")).toBe(false);
  });

  it.each([
    ["owner assigns finance", "owner", "finance", true],
    ["owner assigns owner", "owner", "owner", true],
    ["desk manager assigns risk", "desk_manager", "risk", true],
    ["desk manager cannot create owners", "desk_manager", "owner", false],
    ["desk manager cannot create finance users", "desk_manager", "finance", false],
    ["risk assigns nothing", "risk", "read_only", false],
  ] as const)("%s", (_label, role, target, expected) => {
    expect(canAssignRole(everyDesk(role), target)).toBe(expected);
  });

  it("owner and finance require two-factor authentication, others may opt in", () => {
    expect(staffRoles.filter(requiresTwoFactor)).toEqual(["owner", "finance"]);
  });
});
