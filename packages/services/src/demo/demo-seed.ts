import {
  dataLayer,
  desks,
  platformAdmins,
  programs,
  staff,
  type TenantDb,
  tenants,
  traders,
} from "@propdesk/db";
import { roleLabels, type StaffRole } from "@propdesk/domain/access";
import { nextProgramVersion, programTemplate } from "@propdesk/domain/programs";
import { recordAudit } from "../audit/record-audit";
import { hashPassword } from "../auth/password";
import { createChallenge } from "../challenges/challenge-lifecycle";
import { encryptSecret } from "../crypto/secrets";
import { env } from "../env/env";
import { seedCommerceDemo } from "../payments/demo-commerce";
import { payoutDemo, seedPayoutsDemo } from "../payouts/payout-demo-seed";
import { seedRiskDemo } from "../risk/risk-demo-seed";

/**
 * Demo data for `npm start`: a platform admin and one firm with two themed desks on two hosts and
 * one staff user per role. These credentials exist only in development and demo databases: the
 * seed refuses to run in production, and production refuses the demo secrets anyway.
 */
export const demoPassword = "propdesk-demo-password";

export const demoPlatformAdmin = { email: "admin@propdesk.localhost", name: "Platform Admin" };

export const demoTenant = {
  slug: "atlas",
  name: "Atlas Trading Group",
  desks: [
    {
      slug: "atlas",
      name: "Atlas Funded",
      hostname: "atlas.localhost",
      primaryColor: "#1f6feb",
      accentColor: "#0b1221",
    },
    {
      slug: "nova",
      name: "Nova Prop",
      hostname: "nova.localhost",
      primaryColor: "#7c3aed",
      accentColor: "#1e1b4b",
    },
  ],
} as const;

/** Fixed TOTP keys so the demo's two-factor users can sign in (`npm run demo:totp -- <email>`). */
export const demoTotpSecrets: Record<string, string> = {
  "owner@atlas.localhost": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
  "finance@atlas.localhost": "KRUGS4ZANFZSAYJAORSXG5BAMNXWIZLF",
};

export const demoStaff: Array<{ email: string; name: string; role: StaffRole; desks: "all" | string[] }> = [
  { email: "owner@atlas.localhost", name: "Olivia Owner", role: "owner", desks: "all" },
  { email: "manager@atlas.localhost", name: "Marco Manager", role: "desk_manager", desks: "all" },
  { email: "risk@atlas.localhost", name: "Rita Risk", role: "risk", desks: ["atlas"] },
  { email: "compliance@atlas.localhost", name: "Chen Compliance", role: "compliance", desks: "all" },
  { email: "finance@atlas.localhost", name: "Farah Finance", role: "finance", desks: "all" },
  { email: "support@atlas.localhost", name: "Sam Support", role: "support", desks: ["nova"] },
  { email: "partners@atlas.localhost", name: "Paula Partners", role: "partner_manager", desks: "all" },
  { email: "readonly@atlas.localhost", name: "Reed Readonly", role: "read_only", desks: "all" },
];

/** Programs each desk sells in the demo, from the templates. */
export const demoPrograms = [
  {
    desk: "atlas",
    slug: "two-step-100k",
    name: "Atlas Two-Step 100K",
    template: "two-step-cfd",
    initialBalance: "100000.00",
  },
  {
    desk: "atlas",
    slug: "one-step-50k",
    name: "Atlas One-Step 50K",
    template: "one-step-eod",
    initialBalance: "50000.00",
  },
  {
    desk: "nova",
    slug: "futures-combine-50k",
    name: "Nova Futures Combine 50K",
    template: "futures-combine-50k",
    initialBalance: "50000.00",
  },
  {
    desk: "nova",
    slug: "instant-25k",
    name: "Nova Instant 25K",
    template: "instant-funding",
    initialBalance: "25000.00",
  },
] as const;

/** Traders with a portal login (password: demoPassword). */
export const demoTraders = [
  {
    email: "trader@atlas.localhost",
    name: "Tess Trader",
    country: "GB",
    timezone: "Europe/London",
    desk: "atlas",
    program: "two-step-100k",
  },
  {
    email: "futures@nova.localhost",
    name: "Felix Futures",
    country: "US",
    timezone: "America/Chicago",
    desk: "nova",
    program: "futures-combine-50k",
  },
] as const;

async function seedProgramsAndTraders(db: TenantDb, passwordHash: string) {
  const deskBySlug = new Map((await desks.listDesks(db)).map((d) => [d.slug, d]));
  const versionBySlug = new Map<string, string>();
  for (const p of demoPrograms) {
    const template = programTemplate(p.template);
    if (!template) throw new Error(`demo seed: unknown template ${p.template}`);
    const desk = deskBySlug.get(p.desk)!;
    const version = nextProgramVersion("demo", {
      ...template.program,
      name: p.name,
      initialBalance: p.initialBalance,
    });
    const program = await programs.createProgram(db, {
      deskId: desk.id,
      slug: p.slug,
      name: p.name,
      description: template.description,
      templateId: template.id,
    });
    const v = await programs.createProgramVersion(db, {
      programId: program.id,
      version: 1,
      definition: version.program as never,
      fingerprint: version.fingerprint,
      createdByLabel: "demo seed",
    });
    versionBySlug.set(p.slug, v.id);
  }
  for (const t of demoTraders) {
    const trader = await traders.createTrader(db, {
      email: t.email,
      name: t.name,
      passwordHash,
      country: t.country,
      timezone: t.timezone,
      dateOfBirth: null,
    });
    const desk = deskBySlug.get(t.desk)!;
    await createChallenge(db, {
      deskId: desk.id,
      deskSlug: desk.slug,
      traderId: trader.id,
      programVersionId: versionBySlug.get(t.program)!,
      origin: "manual",
      cause: { type: "system", job: "demo-seed" },
    });
  }
}

export interface DemoSeedResult {
  created: boolean;
  logins: Array<{ where: string; email: string; role: string; twoFactorKey?: string | undefined }>;
}

export async function seedDemo(): Promise<DemoSeedResult> {
  if (env().PROPDESK_ENV === "production") throw new Error("The demo seed never runs in production.");
  const passwordHash = await hashPassword(demoPassword);
  const key = env().ENCRYPTION_KEY;
  await dataLayer().withPlatform((db) =>
    platformAdmins.upsertPlatformAdmin(db, { ...demoPlatformAdmin, passwordHash }),
  );

  const existing = await dataLayer().withPlatform((db) => tenants.findTenantBySlug(db, demoTenant.slug));
  let created = false;
  if (!existing) {
    created = true;
    const tenantId = await dataLayer().withPlatform(async (db) => {
      const t = await tenants.createTenantRow(db, { slug: demoTenant.slug, name: demoTenant.name });
      for (const d of demoTenant.desks) {
        await desks.createDeskWithDomain(
          db,
          t.id,
          { slug: d.slug, name: d.name, primaryColor: d.primaryColor, accentColor: d.accentColor },
          d.hostname,
        );
      }
      return t.id;
    });
    await dataLayer().withTenant(tenantId, async (db) => {
      const deskBySlug = new Map((await desks.listDesks(db)).map((d) => [d.slug, d.id]));
      for (const s of demoStaff) {
        const user = await staff.createStaffWithMembership(db, {
          email: s.email,
          name: s.name,
          passwordHash,
          role: s.role,
          deskIds: s.desks === "all" ? null : s.desks.map((slug) => deskBySlug.get(slug)!),
        });
        const secret = demoTotpSecrets[s.email];
        if (secret)
          await staff.updateStaffUser(db, user.id, {
            totpSecret: encryptSecret(secret, key),
            totpEnabledAt: new Date(),
          });
      }
      await seedProgramsAndTraders(db, passwordHash);
      await seedCommerceDemo(db);
      // Simulated traders whose challenges the worker opens on the market simulator at start.
      await seedRiskDemo(db);
      await recordAudit(db, {
        actor: { type: "system", label: "demo seed" },
        action: "demo.seeded",
        target: { type: "tenant", id: tenantId },
        after: {
          desks: demoTenant.desks.map((d) => d.hostname),
          staff: demoStaff.map((s) => `${s.email} (${s.role})`),
        },
      });
    });
    // A funded trader with profit, simulated through the live-risk pipeline, and the payout rails.
    await seedPayoutsDemo(tenantId, { passwordHash });
  }
  return {
    created,
    logins: [
      { where: `platform (${env().PLATFORM_HOST})`, email: demoPlatformAdmin.email, role: "Platform admin" },
      ...demoStaff.map((s) => ({
        where: s.desks === "all" ? "all desks" : s.desks.join(", "),
        email: s.email,
        role: roleLabels[s.role],
        twoFactorKey: demoTotpSecrets[s.email],
      })),
      ...demoTraders.map((t) => ({
        where: `trader portal (${t.desk}.localhost/portal)`,
        email: t.email,
        role: "Trader",
      })),
      {
        where: "trader portal (atlas.localhost/portal)",
        email: payoutDemo.trader.email,
        role: "Funded trader",
      },
    ],
  };
}
