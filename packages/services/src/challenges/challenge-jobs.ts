import { z } from "zod";
import { defineJob } from "../jobs/define-job";

/**
 * Carries out what a lifecycle transition asked for (provision an account, disable trading, close
 * positions, start the engine's next phase, notify the trader…), after the transition committed.
 * Idempotent per (challenge, event seq, effect index): the handler records what it has done.
 */
export const applyChallengeEffects = defineJob({
  name: "challenges.apply-effects",
  version: 1,
  schema: z.object({
    challengeId: z.string().uuid(),
    eventSeq: z.number().int().min(1),
    effects: z.array(z.object({ type: z.string().min(1) }).passthrough()).min(1),
  }),
  queue: "challenges",
  handler: () => import("./apply-challenge-effects.job"),
});
