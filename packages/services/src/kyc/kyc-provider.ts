import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@propdesk/domain";
import { env } from "../env/env";

/**
 * A KYC vendor adapter in the shape of Sumsub's API (the common shape: applicants, a hosted
 * verification link, signed review callbacks). Requests are signed with the app token and secret
 * key: `X-App-Access-Sig = hex(HMAC-SHA256(secret, ts + METHOD + path?query + body))`.
 * `KYC_API_BASE` points it at a local stand-in (tests, the offline demo); production refuses
 * anything but the vendor.
 */
export interface KycCredentials {
  appToken: string;
  secretKey: string;
  webhookSecret: string;
  levelName: string;
}

export interface KycApplicant {
  id: string;
  externalUserId: string;
  review: { reviewStatus: string; reviewResult?: KycReviewResult | null } | null;
  info: { firstName?: string; lastName?: string; dob?: string; country?: string } | null;
}

export interface KycReviewResult {
  reviewAnswer: "GREEN" | "RED";
  rejectLabels?: string[];
  reviewRejectType?: "FINAL" | "RETRY";
  moderationComment?: string;
  clientComment?: string;
}

const VENDOR = "https://api.sumsub.com";
let override: string | null | undefined;

export function setKycApiBase(base: string | null): void {
  override = base;
}

export function kycApiBase(): string {
  const base = (override === undefined ? process.env.KYC_API_BASE : override) || VENDOR;
  if (env().PROPDESK_ENV === "production" && base !== VENDOR)
    throw new AppError(
      "PRECONDITION_FAILED",
      "KYC_API_BASE must not point away from the vendor in production.",
    );
  return base.replace(/\/$/, "");
}

export function signKycRequest(
  secretKey: string,
  ts: number,
  method: string,
  pathWithQuery: string,
  body: string,
): string {
  return createHmac("sha256", secretKey)
    .update(`${ts}${method.toUpperCase()}${pathWithQuery}${body}`)
    .digest("hex");
}

export class KycProvider {
  constructor(private readonly creds: KycCredentials) {}

  private async call<T>(method: "GET" | "POST", pathWithQuery: string, body?: unknown): Promise<T> {
    const text = body === undefined ? "" : JSON.stringify(body);
    const ts = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      res = await fetch(`${kycApiBase()}${pathWithQuery}`, {
        method,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-App-Token": this.creds.appToken,
          "X-App-Access-Ts": String(ts),
          "X-App-Access-Sig": signKycRequest(this.creds.secretKey, ts, method, pathWithQuery, text),
        },
        ...(body === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new AppError("EXTERNAL_FAILURE", "The identity verification provider could not be reached.", {
        cause: e,
      });
    }
    const json = (await res.json().catch(() => ({}))) as { description?: string } & T;
    if (!res.ok)
      throw new AppError(
        res.status === 409
          ? "CONFLICT"
          : res.status === 401 || res.status === 403
            ? "PRECONDITION_FAILED"
            : "EXTERNAL_FAILURE",
        `The identity verification provider refused: ${json.description ?? `HTTP ${res.status}`}`,
      );
    return json;
  }

  /** The verification levels of the account (checks the credentials). */
  levels(): Promise<{ items: Array<{ name: string }> }> {
    return this.call("GET", "/resources/applicants/-/levels");
  }

  createApplicant(input: {
    externalUserId: string;
    email: string;
    fixedInfo?: { firstName?: string; lastName?: string; country?: string };
  }): Promise<{ id: string; externalUserId: string }> {
    return this.call(
      "POST",
      `/resources/applicants?levelName=${encodeURIComponent(this.creds.levelName)}`,
      input,
    );
  }

  /** A link to the vendor's hosted verification flow for this applicant. */
  verificationLink(externalUserId: string, ttlSeconds: number): Promise<{ url: string }> {
    const q = new URLSearchParams({ externalUserId, ttlInSecs: String(ttlSeconds) });
    return this.call(
      "POST",
      `/resources/sdkIntegrations/levels/${encodeURIComponent(this.creds.levelName)}/websdkLink?${q}`,
    );
  }

  applicantByExternalId(externalUserId: string): Promise<KycApplicant> {
    return this.call(
      "GET",
      `/resources/applicants/-;externalUserId=${encodeURIComponent(externalUserId)}/one`,
    );
  }

  applicant(applicantId: string): Promise<KycApplicant> {
    return this.call("GET", `/resources/applicants/${encodeURIComponent(applicantId)}/one`);
  }
}

const digestAlgorithms: Record<string, string> = {
  HMAC_SHA1_HEX: "sha1",
  HMAC_SHA256_HEX: "sha256",
  HMAC_SHA512_HEX: "sha512",
};

/** Verifies a callback's `X-Payload-Digest` over the raw body (timing-safe). */
export function verifyKycDigest(
  rawBody: Buffer,
  digest: string | null,
  algorithm: string | null,
  secret: string,
): boolean {
  const alg = digestAlgorithms[algorithm ?? "HMAC_SHA256_HEX"];
  if (!alg || !digest || !/^[0-9a-f]+$/i.test(digest)) return false;
  const expected = createHmac(alg, secret).update(rawBody).digest();
  const given = Buffer.from(digest, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
