// Generates the Prisma client offline. `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY
// names an existing file (it never runs it), so we point it at this Node binary instead of letting
// Prisma try to download its native schema engine. See DEVELOPERS.md.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const dbDir = fileURLToPath(new URL("../packages/db", import.meta.url));
const prismaCli = fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url));
const r = spawnSync(process.execPath, [prismaCli, "generate"], {
  cwd: dbDir,
  stdio: process.argv.includes("--quiet") ? "pipe" : "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
if (r.status !== 0) {
  process.stderr.write(r.stderr?.toString() ?? "");
  process.stderr.write("prisma generate failed\n");
  process.exit(r.status ?? 1);
}
