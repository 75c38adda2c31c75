import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

/**
 * Passwords are hashed with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * A verification against an unknown account still runs a full hash, so response times do not
 * reveal which e-mail addresses have accounts.
 */
// `algorithm: 2` is Argon2id (the package exports it as a const enum, which isolated modules cannot read).
const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Rejected outright: the passwords people pick first.
const common = new Set([
  "password1234",
  "123456789012",
  "qwertyuiop12",
  "passwordpassword",
  "letmein12345",
  "iloveyou1234",
  "administrator",
  "welcome12345",
  "changeme1234",
  "propdesk1234",
]);

export const passwordSchema = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.")
  .refine((p) => !common.has(p.toLowerCase()), "This password is too common; choose another.")
  .refine((p) => new Set(p).size >= 5, "Use a password with more varied characters.");

export function hashPassword(password: string): Promise<string> {
  return hash(password, params);
}

let dummyHash: Promise<string> | undefined;

export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash("not-a-real-password-for-timing", params);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
