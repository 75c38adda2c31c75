/**
 * bench:risk's ingest process: an Express server with exactly the platform ingest router that
 * apps/web/server.ts mounts (the HTML pipeline behind it plays no part in a delivery).
 */
import express from "express";
import { platformIngestRouter } from "../../apps/web/app/lib/platform-ingest.server";

const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.use(platformIngestRouter());
const port = Number(process.env.PORT);
app.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => process.exit(0));
