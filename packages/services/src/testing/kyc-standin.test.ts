import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { KycStandIn } from "./kyc-standin";

describe("KYC stand-in callbacks", () => {
  it("sends a failed callback again, the same body and digest, after each delay until it is answered with 2xx", async () => {
    const kyc = new KycStandIn();
    kyc.retryDelaysMs = [20, 20, 20];
    const failures: number[] = [];
    kyc.onCallbackFailed = (_r, attempt) => failures.push(attempt);
    let calls = 0;
    const bodies: string[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        bodies.push(`${req.headers["x-payload-digest"]}:${Buffer.concat(chunks).toString()}`);
        // Down for the first two attempts, then up.
        res.statusCode = ++calls <= 2 ? 503 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    try {
      const account = kyc.addAccount({
        appToken: "app-retry",
        secretKey: "secret-retry",
        webhookSecret: "whsec-retry",
        webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/kyc`,
      });
      kyc.applicants.set("a1", {
        id: "a1",
        inspectionId: "i1",
        externalUserId: "trader-1",
        email: "t@example.test",
        levelName: account.levels[0]!,
        appToken: account.appToken,
        info: {},
        review: { reviewStatus: "init" },
        createdAt: new Date().toISOString(),
      });
      kyc.review("a1", { answer: "GREEN" });
      const deadline = Date.now() + 5000;
      while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await kyc.idle();
      expect(kyc.callbacks.map((c) => [c.type, c.status])).toEqual([
        ["applicantReviewed", 503],
        ["applicantReviewed", 503],
        ["applicantReviewed", 200],
      ]);
      expect(new Set(bodies).size).toBe(1);
      expect(failures).toEqual([1, 2]);
    } finally {
      await kyc.close();
      await new Promise((r) => receiver.close(r));
    }
  });
});
