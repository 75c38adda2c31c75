import { createHmac } from "node:crypto";
import http from "node:http";
import { expect, type Page, test } from "@playwright/test";
import { demoPassword, demoTotpSecrets, port, signInStaff, url } from "./support";

/**
 * Live risk end to end, on a real-platform bridge driven deterministically by this test: the firm
 * connects its connector (a local stand-in that performs PropDesk's actions), a trader's challenge
 * opens on it, the connector posts signed account updates, one of them crosses the maximum-loss
 * floor, PropDesk disables trading and closes the positions on the platform and tells the trader
 * why, and a staff override with a reason restores the challenge and re-enables trading.
 */

interface ReceivedAction {
  action: string;
  account?: string;
  enabled?: boolean;
  idempotencyKey?: string;
}

function startConnector(): Promise<{ url: string; actions: ReceivedAction[]; close: () => void }> {
  const actions: ReceivedAction[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedAction & {
        reference?: string;
      };
      actions.push(body);
      const answer =
        body.action === "provision_account"
          ? { platformAccountId: "MT5-880001", login: "880001" }
          : body.action === "get_account_snapshot"
            ? {
                balance: "50000.00",
                equity: "50000.00",
                openPositions: 0,
                tradingEnabled: true,
                currency: "USD",
                at: new Date().toISOString(),
              }
            : body.action === "close_all_positions"
              ? { closed: 2, realizedProfit: "-2600.00", currency: "USD" }
              : body.action === "list_balance_adjustments"
                ? { adjustments: [] }
                : {};
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/propdesk`, actions, close: () => server.close() });
    }),
  );
}

/** Posts signed updates the way a connector does. */
async function deliver(keyId: string, secret: string, updates: unknown[]) {
  const body = JSON.stringify(updates);
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v1=${createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex")}`;
  // The ingest endpoint serves every host (the key names the firm); Node cannot resolve *.localhost.
  const res = await fetch(`http://127.0.0.1:${port}/api/platform/v1/updates`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-propdesk-key": keyId,
      "x-propdesk-timestamp": String(ts),
      "x-propdesk-signature": signature,
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function signUp(page: Page, name: string) {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}-${Date.now()}@example.test`;
  await page.goto(url("nova.localhost", "/portal/register"));
  await page.getByLabel("Full name (as on your ID)").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Country of residence").selectOption("IE");
  await page.getByLabel("Your time zone").selectOption("Europe/Dublin");
  await page.getByLabel("Password", { exact: true }).fill("a long trader passphrase");
  await page.getByLabel("Repeat the password").fill("a long trader passphrase");
  await page.getByLabel("I accept the terms and the risk disclosure.").check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "My challenges" })).toBeVisible();
  return email;
}

test("a trader goes from active to breached on a bridged platform, sees the action and why, and a staff override restores it", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const connector = await startConnector();
  try {
    // The firm connects its connector and creates a key for it; the Nova desk opens accounts there.
    await signInStaff(
      page,
      "atlas.localhost",
      "owner@atlas.localhost",
      demoPassword,
      demoTotpSecrets["owner@atlas.localhost"],
    );
    await page.goto(url("atlas.localhost", "/console/risk/bridge"));
    await page.getByLabel("Webhook URL").fill(connector.url);
    await page.getByRole("button", { name: "Save connector" }).click();
    await expect(page.getByTestId("new-secret")).toContainText("pds_");
    await page.getByLabel("Key name").fill("E2E connector");
    await page.getByRole("button", { name: "Create key" }).click();
    const keyId = ((await page.getByTestId("new-key-id").textContent()) ?? "").replace("Key id:", "").trim();
    const secret = ((await page.getByTestId("new-secret").textContent()) ?? "").trim();
    expect(keyId).toMatch(/^pdk_[0-9a-f]{32}_[0-9a-f]{16}$/);
    const nova = page.locator("form").filter({ has: page.getByLabel("Nova Prop") });
    await nova.getByLabel("Nova Prop").selectOption("bridge");
    await nova.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Desk platform saved")).toBeVisible();

    // A trader signs up on Nova; staff assign them the futures combine.
    const traderPage = await browser.newPage();
    const email = await signUp(traderPage, "Bridget Bridge");
    await page.goto(url("atlas.localhost", `/console/traders?q=${encodeURIComponent(email)}`));
    await page.getByRole("link", { name: "Bridget Bridge" }).click();
    const option = page.getByLabel("Program").locator("option", { hasText: "Nova Futures Combine 50K" });
    await page.getByLabel("Program").selectOption((await option.getAttribute("value")) ?? "");
    await page.getByLabel("Reason").fill("e2e: live risk on the bridge");
    await page.getByRole("button", { name: "Assign challenge" }).click();
    await expect(page.getByRole("heading", { name: "Nova Futures Combine 50K" })).toBeVisible();
    const challengePath = new URL(page.url()).pathname;
    // The worker opens the account on the connector and starts the phase.
    await expect(async () => {
      await page.reload();
      await expect(page.getByText("active", { exact: true }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    expect(connector.actions.map((a) => a.action)).toContain("provision_account");

    // The connector reports the account: flat at 50,000, then a position going well.
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    let r = await deliver(keyId, secret, [
      {
        type: "account",
        account: "MT5-880001",
        seq: 1,
        t: at(0),
        balance: "50000.00",
        equity: "50000.00",
        openPositions: 0,
      },
      {
        type: "trade_opened",
        account: "MT5-880001",
        seq: 2,
        t: at(1),
        tradeId: "T-1",
        symbol: "ES",
        side: "buy",
        lots: "2",
        price: "5012.25",
        stopLoss: null,
      },
      {
        type: "account",
        account: "MT5-880001",
        seq: 3,
        t: at(2),
        balance: "50000.00",
        equity: "50250.00",
        openPositions: 1,
      },
    ]);
    expect(r).toMatchObject({ status: 202, json: { accepted: 3, duplicates: 0, stale: 0, rejected: [] } });

    await traderPage.goto(url("nova.localhost", "/portal"));
    await traderPage.getByRole("link", { name: /Nova Futures Combine 50K/ }).click();
    await expect(traderPage.getByTestId("equity")).toHaveText("50,250.00 USD", { timeout: 15_000 });
    await expect(traderPage.getByTestId("max-loss-floor")).toHaveText("48,000.00 USD");
    await expect(traderPage.getByTestId("daily-floor")).toHaveText("49,000.00 USD");
    await expect(traderPage.getByTestId("day-countdown")).toBeVisible();

    // The market turns: equity falls below the maximum-loss floor. The page updates by itself.
    r = await deliver(keyId, secret, [
      {
        type: "account",
        account: "MT5-880001",
        seq: 4,
        t: at(3),
        balance: "50000.00",
        equity: "47400.00",
        openPositions: 1,
      },
    ]);
    expect(r.status).toBe(202);
    await expect(traderPage.getByTestId("breach-explanation")).toContainText("maximum loss", {
      timeout: 15_000,
    });
    await expect(traderPage.getByTestId("breach-explanation")).toContainText("47,400.00");
    await expect(traderPage.getByText("failed", { exact: true }).first()).toBeVisible();

    // PropDesk closed the positions and disabled trading on the platform.
    await expect
      .poll(() =>
        connector.actions.map((a) => `${a.action}${a.enabled === undefined ? "" : `:${a.enabled}`}`),
      )
      .toEqual(expect.arrayContaining(["close_all_positions", "set_trading_enabled:false"]));
    await page.goto(url("atlas.localhost", challengePath));
    const actions = page.getByTestId("platform-action");
    await expect(actions.filter({ hasText: "close_all_positions" })).toContainText("succeeded");
    await expect(actions.filter({ hasText: "disable" })).toContainText("succeeded");
    await expect(page.getByTestId("staff-breach-explanation")).toContainText("max_loss");

    // The risk desk decides it was a bad price and overrides the breach, with a reason.
    await page
      .getByLabel("Reason for overriding this breach")
      .fill("Bad tick from the price feed at the open");
    await page.getByRole("button", { name: "Override the breach" }).click();
    await expect(page.getByText("Breach overridden")).toBeVisible();
    await expect
      .poll(() => connector.actions.filter((a) => a.action === "set_trading_enabled").map((a) => a.enabled))
      .toContain(true);
    // The trader's page shows the challenge running again; the next update is evaluated as usual.
    await expect(traderPage.getByTestId("breach-explanation")).toHaveCount(0, { timeout: 15_000 });
    await expect(traderPage.getByText("active", { exact: true }).first()).toBeVisible();
    r = await deliver(keyId, secret, [
      {
        type: "account",
        account: "MT5-880001",
        seq: 5,
        t: at(5),
        balance: "50000.00",
        equity: "50100.00",
        openPositions: 1,
      },
    ]);
    expect(r.status).toBe(202);
    await expect(traderPage.getByTestId("equity")).toHaveText("50,100.00 USD", { timeout: 15_000 });

    // The replay recomputes every decision from the stored updates and finds them all the same.
    await page.goto(url("atlas.localhost", `${challengePath}/replay`));
    await expect(page.getByTestId("replay-verdict")).toContainText("match the recomputation");
    await traderPage.close();
  } finally {
    connector.close();
  }
});
