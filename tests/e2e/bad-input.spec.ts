import { expect, test } from "@playwright/test";
import { demoPassword, signInStaff, url } from "./support";

/** Bad input gets a clear error and changes nothing. */
test.describe("refusals", () => {
  test("an unknown host is refused with the host named", async ({ page }) => {
    const response = await page.goto(url("nobody.localhost"));
    expect(response?.status()).toBe(404);
    await expect(page.getByText('No desk is configured for the host "nobody.localhost".')).toBeVisible();
  });

  test("a tampered session cookie is refused and cleared, and a forged one is not a session", async ({
    page,
    context,
  }) => {
    await signInStaff(page, "atlas.localhost", "readonly@atlas.localhost", demoPassword);
    const [cookie] = (await context.cookies()).filter((c) => c.name === "pd_staff");
    const value = decodeURIComponent(cookie!.value);
    const tampered = `${value.slice(0, -3)}${value.endsWith("A") ? "B" : "A"}${value.slice(-2)}`;
    await context.addCookies([{ ...cookie!, value: encodeURIComponent(tampered) }]);
    const response = await page.goto(url("atlas.localhost", "/console"));
    expect(response?.status()).toBe(400);
    await expect(
      page.getByText(
        "Your session cookie was altered or is not valid. It has been cleared; please sign in again.",
      ),
    ).toBeVisible();
    expect((await context.cookies()).some((c) => c.name === "pd_staff")).toBe(false);
  });

  test("malformed forms, forged and replayed CSRF tokens and oversized bodies are refused", async ({
    page,
  }) => {
    await page.goto(url("atlas.localhost", "/console/login"));
    const csrf = await page.locator('input[name="_csrf"]').inputValue();
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      page.evaluate(
        async ({ path, body, headers }) => {
          const r = await fetch(path, {
            method: "POST",
            body,
            headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          });
          return { status: r.status, text: await r.text() };
        },
        { path, body, headers },
      );

    const forged = await post("/console/login", "_csrf=forged.1.abc&email=a%40b.test&password=x");
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("its security token does not belong to this session");

    const malformed = await post(
      "/console/login",
      `_csrf=${encodeURIComponent(csrf)}&email=not-an-email&password=x`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain("email: Enter a valid e-mail address.");

    const replayed = await post(
      "/console/login",
      `_csrf=${encodeURIComponent(csrf)}&email=readonly%40atlas.localhost&password=${encodeURIComponent(demoPassword)}`,
    );
    expect(replayed.status).toBe(403);
    expect(replayed.text).toContain("it was already submitted once");

    const big = await post("/console/login", `_csrf=x&pad=${"a".repeat(70_000)}`);
    expect(big.status).toBe(413);
    expect(big.text).toContain("the limit is 65536 bytes");
  });

  test("a replayed invitation form creates nothing twice", async ({ page }) => {
    await signInStaff(page, "atlas.localhost", "manager@atlas.localhost", demoPassword);
    await page.goto(url("atlas.localhost", "/console/staff"));
    const form = page
      .locator("form")
      .filter({ has: page.getByRole("button", { name: "Create invitation" }) });
    const csrf = await form.locator('input[name="_csrf"]').inputValue();
    const email = `replay-${Date.now()}@atlas.test`;
    const body = `_csrf=${encodeURIComponent(csrf)}&intent=invite&email=${encodeURIComponent(email)}&role=support&deskScope=all`;
    const send = () =>
      page.evaluate(async (b) => {
        const r = await fetch("/console/staff", {
          method: "POST",
          body: b,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          redirect: "manual",
        });
        return r.status;
      }, body);
    expect([200, 204, 302, 0]).toContain(await send());
    expect(await send()).toBe(403);
    await page.goto(url("atlas.localhost", "/console/staff"));
    await expect(page.getByRole("row", { name: new RegExp(email) })).toHaveCount(1);
  });
});
