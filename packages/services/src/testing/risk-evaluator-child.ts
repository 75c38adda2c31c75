/**
 * A risk evaluator process for the crash test (risk-crash.integration.test.ts): the live
 * EvaluatorService for one tenant, with small batches and frequent checkpoints of two challenges
 * each (the oldest changes first, as under load), so that a SIGKILL lands between checkpoints with
 * decisions committed after the last one and challenges saved further than the cursor. It inherits the test
 * worker's database URLs through the environment.
 */
import { createLogger } from "../logging/logger";
import { EvaluatorService } from "../risk/evaluator-service";

const tenantId = process.env.RISK_TEST_TENANT!;
const service = new EvaluatorService({
  log: createLogger("evaluator-child", process.env.RISK_TEST_LOG ?? "silent"),
  tenants: [tenantId],
  batchSize: 150,
  checkpointMs: 300,
  checkpointMinRows: 2,
  pollMs: 100,
  fastPath: false,
});
await service.start();
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await service.stop();
  process.exit(0);
});
