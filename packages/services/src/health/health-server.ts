import http from "node:http";

/** /healthz (the process is up) and /readyz (its dependencies answer) for orchestrators. */
export function startHealthServer(
  port: number,
  ready: () => Promise<Record<string, string>>,
  service: string,
): http.Server {
  const server = http.createServer(async (req, res) => {
    if (req.url === "/healthz") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "ok", service }));
      return;
    }
    if (req.url === "/readyz") {
      const checks = await ready();
      const ok = Object.values(checks).every((v) => v === "ok");
      res
        .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify({ status: ok ? "ready" : "not ready", service, checks }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
  });
  server.listen(port, "127.0.0.1");
  return server;
}
