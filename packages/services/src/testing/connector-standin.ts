import http from "node:http";
import { verifySignature } from "../platforms/bridge/bridge-signature";

/**
 * A firm's platform connector, as a local HTTP stand-in for tests: it checks PropDesk's signature on
 * every action, performs it once per idempotency key (a repeated key gets the first answer), keeps a
 * simple account book, and can be told to fail the next calls.
 */
export interface ConnectorAction {
  action: string;
  idempotencyKey?: string;
  account?: string;
  enabled?: boolean;
  reference?: string;
  amount?: string;
  attempt: number;
  signatureOk: boolean;
}

export interface ConnectorStandIn {
  url: string;
  actions: ConnectorAction[];
  /** Answer the next `n` calls with this HTTP status (then behave again). */
  failNext(n: number, status: number): void;
  /** Delay every answer by `ms` (timeouts). */
  delay(ms: number): void;
  close(): Promise<void>;
}

export function startConnectorStandIn(secret: () => string | null): Promise<ConnectorStandIn> {
  const actions: ConnectorAction[] = [];
  const done = new Map<string, unknown>();
  let failures = 0;
  let failStatus = 500;
  let delayMs = 0;
  let opened = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString("utf8")) as Omit<ConnectorAction, "attempt" | "signatureOk">;
      let signatureOk = false;
      const s = secret();
      try {
        if (s) {
          verifySignature(
            s,
            {
              timestamp: req.headers["x-propdesk-timestamp"] as string,
              signature: req.headers["x-propdesk-signature"] as string,
            },
            raw,
          );
          signatureOk = true;
        }
      } catch {
        signatureOk = false;
      }
      actions.push({ ...body, attempt: Number(req.headers["x-propdesk-attempt"] ?? 1), signatureOk });
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (!signatureOk) {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "bad signature" } }));
        return;
      }
      if (failures > 0) {
        failures--;
        res
          .writeHead(failStatus, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "down" } }));
        return;
      }
      const key = body.idempotencyKey;
      if (key && done.has(key)) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(done.get(key)));
        return;
      }
      let answer: unknown = {};
      switch (body.action) {
        case "provision_account":
          opened++;
          answer = { platformAccountId: `MT5-${7000 + opened}`, login: `${7000 + opened}` };
          break;
        case "get_account_snapshot":
          answer = {
            balance: "50000.00",
            equity: "50000.00",
            openPositions: 0,
            tradingEnabled: true,
            currency: "USD",
            at: new Date().toISOString(),
          };
          break;
        case "close_all_positions":
          answer = { closed: 1, realizedProfit: "-100.00", currency: "USD" };
          break;
        case "list_balance_adjustments":
          answer = { adjustments: [] };
          break;
      }
      if (key) done.set(key, answer);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/propdesk`,
        actions,
        failNext(n, status) {
          failures = n;
          failStatus = status;
        },
        delay(ms) {
          delayMs = ms;
        },
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}
