import { generate, generateSecret, generateURI, verify } from "otplib";

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s), compatible with every authenticator app. A code is accepted
 * one step either side of now to allow for clock drift; replay of an accepted code is refused by the
 * caller (see staff-auth.ts), which remembers used codes in Redis.
 */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret });
}

export async function verifyTotp(secret: string, code: string, at: Date = new Date()): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: 30,
  });
  return result.valid;
}

/** The current code (tests and the demo seed's printed hint use it). */
export function totpCode(secret: string, at: Date = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}
