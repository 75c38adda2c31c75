import type { Effect } from "@propdesk/domain/lifecycle";
import type { JobContext } from "../jobs/define-job";

export interface EffectContext extends JobContext {
  challengeId: string;
  eventSeq: number;
  effectIndex: number;
}

export type EffectHandler = (effect: Effect, ctx: EffectContext) => Promise<void>;

/**
 * One handler per lifecycle effect. Handlers are idempotent: a job retried after a crash runs every
 * effect again, so each checks what is already done (by challenge, event seq and effect index).
 */
export const effectHandlers: Partial<Record<Effect["type"], EffectHandler>> = {
  async notify_trader(effect, ctx) {
    if (effect.type !== "notify_trader") return;
    ctx.log.info({ challengeId: ctx.challengeId, topic: effect.topic }, "trader notification");
  },
  // Live risk (packages/services/src/risk/platform-effects.ts): the trading platform and the engine.
  async provision_account(effect, ctx) {
    if (effect.type !== "provision_account") return;
    const { provisionPhaseAccount } = await import("../risk/platform-effects");
    await provisionPhaseAccount(effectRef(ctx), effect.phase, ctx.log);
  },
  async start_engine_phase(effect, ctx) {
    if (effect.type !== "start_engine_phase") return;
    const { startEnginePhase } = await import("../risk/platform-effects");
    await startEnginePhase(effectRef(ctx), effect.phase);
  },
  async close_positions(effect, ctx) {
    if (effect.type !== "close_positions") return;
    const { runTradingEffect } = await import("../risk/platform-effects");
    await runTradingEffect(effectRef(ctx), effect, ctx.log);
  },
  async disable_trading(effect, ctx) {
    if (effect.type !== "disable_trading") return;
    const { runTradingEffect } = await import("../risk/platform-effects");
    await runTradingEffect(effectRef(ctx), effect, ctx.log);
  },
  async enable_trading(effect, ctx) {
    if (effect.type !== "enable_trading") return;
    const { runTradingEffect } = await import("../risk/platform-effects");
    await runTradingEffect(effectRef(ctx), effect, ctx.log);
  },
  async restore_engine_state(effect, ctx) {
    if (effect.type !== "restore_engine_state") return;
    const { restoreEngineState } = await import("../risk/platform-effects");
    await restoreEngineState(effectRef(ctx));
  },
};

// Commerce: identity verification before trading, refunds, and the next attempt after a reset.
effectHandlers.request_kyc = async (_effect, ctx) => {
  const { requestKycEffect } = await import("../kyc/kyc-verification");
  await requestKycEffect(ctx);
};
effectHandlers.refund_payment = async (_effect, ctx) => {
  const { refundPaymentEffect } = await import("../payments/refunds");
  await refundPaymentEffect(ctx);
};
effectHandlers.create_attempt = async (effect, ctx) => {
  if (effect.type !== "create_attempt") return;
  const { createAttemptEffect } = await import("../catalogue/reset-attempts");
  await createAttemptEffect(effect, ctx);
};

function effectRef(ctx: EffectContext) {
  return {
    tenantId: ctx.tenantId,
    challengeId: ctx.challengeId,
    eventSeq: ctx.eventSeq,
    effectIndex: ctx.effectIndex,
  };
}
