/** How long sessions live. Idle sessions expire; every session has an absolute end. */
export const sessionPolicy = {
  /** A session unused for this long is over. */
  idleMs: 12 * 60 * 60 * 1000,
  /** No session outlives this, however active. */
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  /** A password-verified session waiting for its second factor. */
  mfaPendingMs: 10 * 60 * 1000,
  /** last_seen_at is written at most this often, so reads stay reads. */
  touchEveryMs: 5 * 60 * 1000,
} as const;

/** Login attempts: per account and per client address, failures only. */
export const loginLimits = {
  account: { limit: 5, windowSeconds: 15 * 60 },
  ip: { limit: 50, windowSeconds: 15 * 60 },
  secondFactor: { limit: 5, windowSeconds: 15 * 60 },
} as const;

export type SessionState = {
  revokedAt: Date | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  mfaPending: boolean;
};

/** Why a stored session can no longer be used, or null when it can. */
export function sessionEndReason(s: SessionState, now: Date): string | null {
  if (s.revokedAt) return "Your session has ended. Please sign in again.";
  if (now >= s.expiresAt) return "Your session has expired. Please sign in again.";
  if (!s.mfaPending && now.getTime() - s.lastSeenAt.getTime() > sessionPolicy.idleMs)
    return "You were signed out after a period of inactivity.";
  return null;
}
