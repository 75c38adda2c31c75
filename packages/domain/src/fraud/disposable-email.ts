import { AppError } from "../errors";
import type { FraudSignal } from "./fraud-signal";

/**
 * Well-known disposable (throw-away) e-mail domains. Not exhaustive: new ones appear daily, so a
 * tenant can add its own (`extraDomains`). A subdomain of a listed domain is disposable too
 * ("abc.mailinator.com").
 */
export const DISPOSABLE_EMAIL_DOMAINS: readonly string[] = [
  "10minutemail.com",
  "10minutemail.net",
  "10minutemail.co.uk",
  "20minutemail.com",
  "33mail.com",
  "1secmail.com",
  "1secmail.net",
  "1secmail.org",
  "anonaddy.me",
  "armyspy.com",
  "binkmail.com",
  "bobmail.info",
  "burnermail.io",
  "chacuo.net",
  "cuvox.de",
  "dayrep.com",
  "deadaddress.com",
  "discard.email",
  "discardmail.com",
  "dispostable.com",
  "dropmail.me",
  "einrot.com",
  "emailfake.com",
  "emailondeck.com",
  "emailtemporanea.net",
  "emltmp.com",
  "fakeinbox.com",
  "fakemail.net",
  "fakemailgenerator.com",
  "fleckens.hu",
  "getairmail.com",
  "getnada.com",
  "grr.la",
  "guerrillamail.biz",
  "guerrillamail.com",
  "guerrillamail.de",
  "guerrillamail.info",
  "guerrillamail.net",
  "guerrillamail.org",
  "guerrillamailblock.com",
  "gustr.com",
  "harakirimail.com",
  "inboxbear.com",
  "inboxkitten.com",
  "incognitomail.org",
  "jetable.org",
  "jourrapide.com",
  "kasmail.com",
  "linshiyouxiang.net",
  "mail-temp.com",
  "mail.tm",
  "mailcatch.com",
  "maildrop.cc",
  "mailexpire.com",
  "mailforspam.com",
  "mailinator.com",
  "mailinator.net",
  "mailinator2.com",
  "mailnesia.com",
  "mailnull.com",
  "mailpoof.com",
  "mailsac.com",
  "meltmail.com",
  "mintemail.com",
  "moakt.com",
  "mohmal.com",
  "mvrht.com",
  "mytemp.email",
  "mytrashmail.com",
  "nada.email",
  "no-spam.ws",
  "nwytg.net",
  "owlymail.com",
  "pokemail.net",
  "rhyta.com",
  "sharklasers.com",
  "spam4.me",
  "spambog.com",
  "spambox.us",
  "spamgourmet.com",
  "spamfree24.org",
  "superrito.com",
  "teleworm.us",
  "temp-mail.io",
  "temp-mail.org",
  "tempail.com",
  "tempinbox.com",
  "tempmail.com",
  "tempmail.net",
  "tempmail.plus",
  "tempmailo.com",
  "tempr.email",
  "throwawaymail.com",
  "tmail.ws",
  "tmpmail.net",
  "tmpmail.org",
  "trash-mail.com",
  "trashmail.com",
  "trashmail.de",
  "trashmail.net",
  "trbvm.com",
  "wegwerfmail.de",
  "wegwerfmail.net",
  "yopmail.com",
  "yopmail.fr",
  "yopmail.net",
  "zetmail.com",
];

const BUILT_IN = new Set(DISPOSABLE_EMAIL_DOMAINS);

export interface DisposableEmailEvidence {
  email: string;
  domain: string;
  /** The listed domain that matched: the domain itself or a parent of it. */
  listedDomain: string;
}

/** The domain of an address, lower-cased, without a trailing dot; VALIDATION error if there is none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf("@");
  const domain =
    at < 0
      ? ""
      : email
          .slice(at + 1)
          .trim()
          .toLowerCase()
          .replace(/\.$/, "");
  if (at <= 0 || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
    throw new AppError("VALIDATION", "Not an e-mail address", {
      issues: [{ path: "email", message: "must look like name@example.com" }],
    });
  }
  return domain;
}

/**
 * A signal when the trader's e-mail address is at a disposable domain (or a subdomain of one).
 * `extraDomains` adds a tenant's own; `allowDomains` exempts a domain the firm trusts.
 */
export function disposableEmailSignal(
  traderId: string,
  email: string,
  opts: { extraDomains?: readonly string[]; allowDomains?: readonly string[] } = {},
): FraudSignal<DisposableEmailEvidence> | null {
  const domain = emailDomain(email);
  const extra = new Set((opts.extraDomains ?? []).map((d) => d.toLowerCase()));
  const allow = new Set((opts.allowDomains ?? []).map((d) => d.toLowerCase()));
  const labels = domain.split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join(".");
    if (allow.has(candidate)) return null;
    if (BUILT_IN.has(candidate) || extra.has(candidate)) {
      const via = candidate === domain ? "" : ` (a subdomain of ${candidate})`;
      return {
        kind: "disposable_email",
        severity: "medium",
        traderId,
        relatedTraderIds: [],
        reason: `Signed up with ${email.trim()}, at the disposable e-mail domain ${domain}${via}.`,
        evidence: { email: email.trim(), domain, listedDomain: candidate },
      };
    }
  }
  return null;
}
