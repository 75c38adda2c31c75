/** The trader portal's top navigation (each area adds its page here). */
export const portalNav: ReadonlyArray<{ path: string; label: string }> = [
  { path: "/portal", label: "My challenges" },
  { path: "/portal/payouts", label: "Payouts" },
  { path: "/portal/orders", label: "Purchases" },
  { path: "/portal/verification", label: "Verification" },
];
