import { AppError } from "@propdesk/domain";
import type { Effect } from "@propdesk/domain/lifecycle";
import type { JobHandler } from "../jobs/define-job";

/**
 * Carries out a transition's effects in order. Each effect type has one handler; the platform
 * effects (provisioning, trading on/off, closing positions, the engine's phases) are registered by
 * the risk pipeline (see ./effect-handlers.ts).
 */
import { effectHandlers } from "./effect-handlers";

const handler: JobHandler<{
  challengeId: string;
  eventSeq: number;
  effects: Array<{ type: string }>;
}> = async (payload, ctx) => {
  for (const [index, effect] of payload.effects.entries()) {
    const run = effectHandlers[effect.type as Effect["type"]];
    if (!run) throw new AppError("INTERNAL", `No handler for challenge effect "${effect.type}".`);
    await run(effect as Effect, {
      ...ctx,
      challengeId: payload.challengeId,
      eventSeq: payload.eventSeq,
      effectIndex: index,
    });
  }
};

export default handler;
