import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { DISPOSABLE_EMAIL_DOMAINS, disposableEmailSignal } from "./disposable-email";

describe("disposableEmailSignal fires", () => {
  it.each([
    ["a listed domain", "trader@mailinator.com", {}, "mailinator.com"],
    ["upper case and spaces", "  Trader@YOPMAIL.FR ", {}, "yopmail.fr"],
    ["a subdomain of a listed domain", "x@inbox.mailinator.com", {}, "mailinator.com"],
    ["a tenant's own addition", "x@burner.example", { extraDomains: ["Burner.Example"] }, "burner.example"],
  ])("%s: %s", (_label, email, opts, listed) => {
    const s = disposableEmailSignal("t1", email, opts);
    expect(s).toMatchObject({
      kind: "disposable_email",
      severity: "medium",
      traderId: "t1",
      relatedTraderIds: [],
    });
    expect(s!.evidence.listedDomain).toBe(listed);
  });

  it("says why, naming the domain and the listed parent", () => {
    expect(disposableEmailSignal("t1", "x@inbox.mailinator.com")!.reason).toBe(
      "Signed up with x@inbox.mailinator.com, at the disposable e-mail domain inbox.mailinator.com (a subdomain of mailinator.com).",
    );
  });
});

describe("disposableEmailSignal does not fire", () => {
  it.each([
    ["an ordinary provider", "trader@gmail.com", {}],
    ["a company domain", "jane@propfirm.co.uk", {}],
    ["a domain that only ends with a listed name", "x@notmailinator.com", {}],
    ["a listed domain as a subdomain of another", "x@mailinator.com.example.org", {}],
    ["a listed domain the firm allows", "x@33mail.com", { allowDomains: ["33mail.com"] }],
  ])("%s: %s", (_label, email, opts) => {
    expect(disposableEmailSignal("t1", email, opts)).toBeNull();
  });
});

describe("disposableEmailSignal input", () => {
  it.each([
    ["no at sign", "trader.example.com"],
    ["no domain", "trader@"],
    ["no dot", "trader@localhost"],
    ["no local part", "@mailinator.com"],
  ])("%s is a VALIDATION error on email", (_label, email) => {
    try {
      disposableEmailSignal("t1", email);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues).toEqual([{ path: "email", message: "must look like name@example.com" }]);
    }
  });

  it("embeds a list of lower-case domains without duplicates", () => {
    expect(DISPOSABLE_EMAIL_DOMAINS.length).toBeGreaterThan(80);
    expect(new Set(DISPOSABLE_EMAIL_DOMAINS).size).toBe(DISPOSABLE_EMAIL_DOMAINS.length);
    expect(DISPOSABLE_EMAIL_DOMAINS.every((d) => d === d.toLowerCase() && d.includes("."))).toBe(true);
  });
});
