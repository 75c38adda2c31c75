import { challenges, dataLayer, risk, riskPipeline } from "@propdesk/db";
import { sqlLayer } from "@propdesk/db/sql-unit-of-work";
import { AppError } from "@propdesk/domain";
import type { CompiledProgram } from "@propdesk/domain/programs";
import type { EmittedEvent } from "@propdesk/domain/rules";
import { compiledProgramFor } from "./program-cache";
import { type ChallengeReplay, replayChallenge } from "./replay-challenge";
import { toRiskInput } from "./stored-input";

/**
 * Recomputes a challenge's decisions from every input stored for it and compares them with the
 * decisions recorded live (the risk console's replay view, and the tests' proof of determinism).
 */
export async function challengeReplay(
  tenantId: string,
  challengeId: string,
): Promise<ChallengeReplay & { program: CompiledProgram }> {
  const { program, stored } = await dataLayer().withTenant(tenantId, async (db) => {
    const c = await challenges.findChallenge(db, challengeId);
    if (!c) throw new AppError("NOT_FOUND", "That challenge does not exist.");
    return {
      program: compiledProgramFor(c.programVersionId, c.programVersion.definition),
      stored: (await risk.listChallengeDecisions(db, challengeId)).map((d) => ({
        inputId: Number(d.inputId),
        idx: d.idx,
        decision: d.decision as unknown as EmittedEvent,
      })),
    };
  });
  const rows = await sqlLayer().withTenant(tenantId, (sql) =>
    riskPipeline.readChallengeInputs(sql, challengeId),
  );
  return { ...replayChallenge(program, rows.map(toRiskInput), stored), program };
}
