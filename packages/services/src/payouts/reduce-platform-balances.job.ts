import type { JobHandler } from "../jobs/define-job";
import { applyScalingIfDue, reducePlatformBalancesFor } from "./payout-platform";

const handler: JobHandler<{ payoutIds: string[]; challengeIds?: string[] }> = async (payload, ctx) => {
  await reducePlatformBalancesFor(ctx.tenantId, payload.payoutIds.length > 0 ? payload.payoutIds : null, {
    log: ctx.log,
  });
  for (const challengeId of payload.challengeIds ?? [])
    await applyScalingIfDue(ctx.tenantId, challengeId, undefined, ctx.log).catch((e) =>
      ctx.log.warn(
        { challengeId, err: (e as Error).message },
        "scaling review failed; the next sweep retries it",
      ),
    );
};

export default handler;
