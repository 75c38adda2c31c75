import type { Permission } from "@propdesk/domain/access";

/**
 * The staff console's pages and the permission each needs: one list read by the sidebar (which
 * shows only what a user may open), by each route's guard, and by the test that tries every role
 * against every page.
 */
export interface ConsoleRoute {
  path: string;
  label: string;
  group: "Overview" | "Firm" | "Risk" | "Compliance" | "Money" | "Partners" | "Account";
  permission: Permission | null;
  /** Shown in the sidebar (some pages are reached from other pages). */
  nav: boolean;
}

export const consoleRoutes = [
  { path: "/console", label: "Dashboard", group: "Overview", permission: "console.view", nav: true },
  { path: "/console/desks", label: "Desks", group: "Firm", permission: "desks.view", nav: true },
  { path: "/console/programs", label: "Programs", group: "Firm", permission: "programs.view", nav: true },
  { path: "/console/traders", label: "Traders", group: "Risk", permission: "traders.view", nav: true },
  { path: "/console/challenges", label: "Challenges", group: "Risk", permission: "traders.view", nav: true },
  { path: "/console/staff", label: "Staff", group: "Firm", permission: "staff.view", nav: true },
  { path: "/console/audit", label: "Audit trail", group: "Compliance", permission: "audit.view", nav: true },
  {
    path: "/console/audit.csv",
    label: "Audit export",
    group: "Compliance",
    permission: "audit.export",
    nav: false,
  },
  { path: "/console/security", label: "Security", group: "Account", permission: null, nav: true },
  { path: "/console/payouts", label: "Payouts", group: "Money", permission: "payouts.view", nav: true },
  {
    path: "/console/payouts/bank-wires",
    label: "Bank wires",
    group: "Money",
    permission: "payouts.disburse",
    nav: true,
  },
  {
    path: "/console/payouts/settings",
    label: "Payout settings",
    group: "Money",
    permission: "payouts.view",
    nav: true,
  },
  { path: "/console/ledger", label: "Ledger", group: "Money", permission: "ledger.view", nav: true },
  {
    path: "/console/reconciliation",
    label: "Reconciliation",
    group: "Money",
    permission: "ledger.view",
    nav: true,
  },
  { path: "/console/orders", label: "Orders", group: "Money", permission: "orders.view", nav: true },
  { path: "/console/catalogue", label: "Catalogue", group: "Firm", permission: "programs.view", nav: true },
  {
    path: "/console/commerce-settings",
    label: "Payments and KYC",
    group: "Firm",
    permission: "settings.manage",
    nav: true,
  },
  { path: "/console/kyc", label: "KYC reviews", group: "Compliance", permission: "kyc.review", nav: true },
  {
    path: "/console/screening",
    label: "Sanctions screening",
    group: "Compliance",
    permission: "screening.review",
    nav: true,
  },
  {
    path: "/console/fraud",
    label: "Fraud flags",
    group: "Compliance",
    permission: "screening.review",
    nav: true,
  },
  { path: "/console/risk", label: "Live risk", group: "Risk", permission: "risk.view", nav: true },
  { path: "/console/risk/warnings", label: "Warnings", group: "Risk", permission: "risk.view", nav: true },
  { path: "/console/risk/breaches", label: "Breaches", group: "Risk", permission: "risk.view", nav: true },
  {
    path: "/console/risk/bridge",
    label: "Platform bridge",
    group: "Risk",
    permission: "settings.manage",
    nav: true,
  },
] as const satisfies readonly ConsoleRoute[];

export type ConsolePath = (typeof consoleRoutes)[number]["path"];

export function permissionFor(path: ConsolePath): Permission | null {
  return consoleRoutes.find((r) => r.path === path)!.permission;
}
