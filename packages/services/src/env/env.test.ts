import { describe, expect, it } from "vitest";
import { demoSecrets, parseEnv } from "./env";

const base = { ...demoSecrets };

describe("environment validation", () => {
  it("accepts the local defaults and derives insecure cookies outside production", () => {
    const env = parseEnv(base);
    expect(env.PORT).toBe(3000);
    expect(env.cookieSecure).toBe(false);
  });

  it("names each invalid variable", () => {
    expect(() => parseEnv({ ...base, PORT: "http", ENCRYPTION_KEY: "short" })).toThrow(
      /PORT:[\s\S]*ENCRYPTION_KEY: ENCRYPTION_KEY must be 64/,
    );
  });

  it("requires the secrets", () => {
    expect(() => parseEnv({})).toThrow(/SESSION_SECRET/);
  });

  it("refuses production with the demo secrets", () => {
    expect(() => parseEnv({ ...base, PROPDESK_ENV: "production" })).toThrow(
      /demo secrets: SESSION_SECRET, ENCRYPTION_KEY/,
    );
  });

  it("starts production with real secrets and secure cookies by default", () => {
    const env = parseEnv({
      PROPDESK_ENV: "production",
      SESSION_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: "ab".repeat(32),
    });
    expect(env.cookieSecure).toBe(true);
    expect(() =>
      parseEnv({
        PROPDESK_ENV: "production",
        SESSION_SECRET: "x".repeat(40),
        ENCRYPTION_KEY: "ab".repeat(32),
        COOKIE_SECURE: "false",
      }),
    ).toThrow(/COOKIE_SECURE=false/);
  });
});
