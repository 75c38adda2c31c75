import { defineConfig } from "prisma/config";

// Only `prisma generate` is used: migrations are plain SQL applied by src/migrate.ts (see DEVELOPERS.md).
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
});
