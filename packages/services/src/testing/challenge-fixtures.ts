import { randomUUID } from "node:crypto";
import { dataLayer, type TenantDb } from "@propdesk/db";
import { deskForHost } from "../desks/desk-context";
import { createProgramFromTemplate } from "../programs/program-admin";
import { runWithRequestContext } from "../request/request-context";
import { registerTrader } from "../traders/trader-auth";
import { signIn, type TenantFixture, testPassword } from "./fixtures";

/** A program from a template on the fixture tenant's desk, created by its owner. */
export async function programFixture(
  t: TenantFixture,
  templateId = "two-step-cfd",
  overrides: { initialBalance?: string } = {},
) {
  const owner = await signIn(t, t.owner.email);
  const slug = `${templateId}-${randomUUID().slice(0, 6)}`;
  const { program, version } = await createProgramFromTemplate(owner.principal, {
    deskId: t.deskId,
    templateId,
    name: `Program ${slug}`,
    slug,
    ...overrides,
  });
  return { programId: program.id, versionId: version.id, owner };
}

/** A trader signed up on the fixture tenant's desk. */
export async function traderFixture(
  t: TenantFixture,
  label = "trader",
  opts: { name?: string; email?: string; ip?: string; deviceId?: string } = {},
) {
  const desk = await deskForHost(t.hostname);
  const email = opts.email ?? `${label}-${randomUUID().slice(0, 6)}@traders.test`;
  const issued = await runWithRequestContext(
    { origin: "test", ip: opts.ip ?? "192.0.2.50", ...(opts.deviceId ? { deviceId: opts.deviceId } : {}) },
    () =>
      registerTrader(desk, {
        name: opts.name ?? `${label} Trader`,
        email,
        password: testPassword,
        confirmPassword: testPassword,
        country: "DE",
        timezone: "Europe/Berlin",
        acceptTerms: "on",
      }),
  );
  return { traderId: issued.principal.traderId, email, token: issued.token, principal: issued.principal };
}

export async function outboxRows(tenantId: string, jobName: string) {
  return dataLayer().withPlatform((db) =>
    db.outboxEvent.findMany({ where: { tenantId, jobName }, orderBy: { createdAt: "asc" } }),
  );
}

/**
 * Runs `work` in a unit of work of the tenant and keeps it open (its locks held, its writes not
 * committed) until `commit()`: for tests of what another unit of work does meanwhile.
 */
export async function openUnitOfWork(
  tenantId: string,
  work: (db: TenantDb) => Promise<unknown>,
): Promise<{ commit: () => Promise<void> }> {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let done!: () => void;
  const workDone = new Promise<void>((r) => {
    done = r;
  });
  const unit = dataLayer().withTenant(tenantId, async (db) => {
    await work(db);
    done();
    await held;
  });
  // A failing `work` rejects here instead of leaving the caller waiting.
  await Promise.race([workDone, unit]);
  return {
    commit: async () => {
      release();
      await unit;
    },
  };
}
