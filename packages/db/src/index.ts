export {
  type AnonymousDb,
  createDataLayer,
  type DataLayer,
  dataLayer,
  type PlatformDb,
  setDataLayer,
  type TenantDb,
  type UnitOfWorkOptions,
} from "./client";
export {
  type DatabaseUrls,
  databaseUrlsFromEnv,
  roleNames,
  urlsForDatabase,
  withDatabaseName,
} from "./database-urls";
export * from "./repositories";
export type { ChainRow } from "./repositories/audit-repository";
export type { DeskTheme, ResolvedHost } from "./repositories/desk-repository";
