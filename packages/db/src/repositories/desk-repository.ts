import type { AnonymousDb, PlatformDb, TenantDb } from "../client";
import type { Prisma } from "../generated/prisma/client";

export interface DeskTheme {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
}

export interface ResolvedHost {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  tenantStatus: string;
  deskId: string;
  deskSlug: string;
  deskStatus: string;
  theme: DeskTheme;
}

/** Which tenant and desk a request host belongs to: the one read made before a tenant is known. */
export async function resolveHost(
  db: AnonymousDb | PlatformDb,
  hostname: string,
): Promise<ResolvedHost | null> {
  const rows = await db.$queryRaw<
    Array<{
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      tenant_status: string;
      desk_id: string;
      desk_slug: string;
      desk_name: string;
      desk_status: string;
      logo_url: string | null;
      primary_color: string;
      accent_color: string;
    }>
  >`SELECT * FROM resolve_desk_host(${hostname})`;
  const r = rows[0];
  if (!r) return null;
  return {
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    tenantStatus: r.tenant_status,
    deskId: r.desk_id,
    deskSlug: r.desk_slug,
    deskStatus: r.desk_status,
    theme: {
      name: r.desk_name,
      logoUrl: r.logo_url,
      primaryColor: r.primary_color,
      accentColor: r.accent_color,
    },
  };
}

export function listDesks(db: TenantDb) {
  return db.desk.findMany({
    orderBy: { name: "asc" },
    include: { domains: { orderBy: { hostname: "asc" } } },
  });
}

export function findDesk(db: TenantDb, deskId: string) {
  return db.desk.findUnique({
    where: { tenantId_id: { tenantId: db.tenantId, id: deskId } },
    include: { domains: true },
  });
}

export interface DeskInput {
  slug: string;
  name: string;
  logoUrl?: string | null;
  primaryColor?: string;
  accentColor?: string;
  settings?: Prisma.InputJsonValue;
}

/** Creates a desk with its first domain (platform console: new tenant). */
export async function createDeskWithDomain(
  db: PlatformDb | TenantDb,
  tenantId: string,
  desk: DeskInput,
  hostname: string,
) {
  const created = await db.desk.create({
    data: {
      tenantId,
      slug: desk.slug,
      name: desk.name,
      logoUrl: desk.logoUrl ?? null,
      ...(desk.primaryColor ? { primaryColor: desk.primaryColor } : {}),
      ...(desk.accentColor ? { accentColor: desk.accentColor } : {}),
      settings: desk.settings ?? {},
    },
  });
  await db.deskDomain.create({ data: { tenantId, deskId: created.id, hostname, isPrimary: true } });
  return created;
}

export function updateDeskTheme(db: TenantDb, deskId: string, theme: Partial<DeskTheme>) {
  return db.desk.update({
    where: { tenantId_id: { tenantId: db.tenantId, id: deskId } },
    data: { ...theme, updatedAt: new Date() },
  });
}

export function addDeskDomain(db: TenantDb, deskId: string, hostname: string) {
  return db.deskDomain.create({ data: { tenantId: db.tenantId, deskId, hostname } });
}

export function hostnameTaken(db: AnonymousDb | PlatformDb | TenantDb, hostname: string) {
  return resolveHost(db as AnonymousDb, hostname).then((r) => r !== null);
}
