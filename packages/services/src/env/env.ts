import { z } from "zod";

/**
 * The environment, validated once at boot. `.env.example` holds working local values; production
 * refuses to start with any of the demo secrets shipped there.
 */
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const envSchema = z.object({
  PROPDESK_ENV: z.enum(["development", "test", "demo", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  BOTS_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).default(3002),
  PLATFORM_HOST: z
    .string()
    .regex(/^[a-z0-9.-]+$/, "PLATFORM_HOST must be a lower-case host name without port")
    .default("admin.localhost"),
  PUBLIC_SCHEME: z.enum(["http", "https"]).default("http"),
  /** Port shown in links (invitations) when the public port differs from 80/443. */
  PUBLIC_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  DATABASE_URL: z.string().url().default("postgres://propdesk_app:propdesk_app@127.0.0.1:5432/propdesk"),
  DATABASE_PLATFORM_URL: z
    .string()
    .url()
    .default("postgres://propdesk_platform:propdesk_platform@127.0.0.1:5432/propdesk"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PROPDESK_REDIS_PREFIX: z.string().min(1).default("propdesk"),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters"),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "ENCRYPTION_KEY must be 64 hexadecimal characters (32 bytes)"),
  COOKIE_SECURE: bool.optional(),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default("PropDesk <no-reply@propdesk.local>"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How long a job's lock lasts, and how often lapsed locks are looked for (see startJobWorker). */
  JOB_LOCK_MS: z.coerce.number().int().min(2000).max(600_000).default(30_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
});

export type Env = z.infer<typeof envSchema> & { cookieSecure: boolean };

/** Values from .env.example: fine on a laptop, never in production. */
export const demoSecrets = {
  SESSION_SECRET: "demo-session-secret-for-local-use-only-0000",
  ENCRYPTION_KEY: "00000000000000000000000000000000000000000000000000000000000000aa",
} as const;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (env.PROPDESK_ENV === "production") {
    const demo = (Object.keys(demoSecrets) as (keyof typeof demoSecrets)[]).filter(
      (k) => env[k] === demoSecrets[k],
    );
    if (demo.length > 0)
      throw new Error(
        `Refusing to start in production with demo secrets: ${demo.join(", ")}. Generate your own.`,
      );
    if (env.COOKIE_SECURE === false)
      throw new Error("Refusing to start in production with COOKIE_SECURE=false.");
  }
  return { ...env, cookieSecure: env.COOKIE_SECURE ?? env.PROPDESK_ENV === "production" };
}

let cached: Env | undefined;

/** The process environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Forgets the parsed environment (tests that change process.env). */
export function resetEnv(): void {
  cached = undefined;
}
