import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure, no services) and `integration` (real PostgreSQL and Redis, one
// database per worker cloned from a migrated template, connected as the application role).
// Browser tests live in tests/e2e and run under Playwright, not here.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "apps/*/src/**/*.test.ts",
            "apps/web/app/**/*.test.ts",
            "scripts/**/*.test.ts",
          ],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: [
            "packages/*/src/**/*.integration.test.ts",
            "apps/*/**/*.integration.test.ts",
            "scripts/**/*.integration.test.ts",
          ],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["packages/db/src/testing/global-setup.ts"],
          setupFiles: [
            "packages/db/src/testing/worker-database.ts",
            "packages/services/src/testing/service-env.ts",
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
