import { createHash } from "node:crypto";
import { audit, type ChainRow, type PlatformDb } from "@propdesk/db";

/**
 * Recomputes every audit chain from the stored rows, independently of the database trigger that
 * wrote them, and reports the first broken link of each chain: an edited row (hash differs), a
 * removed or reordered row (seq gap or prev_hash mismatch) or a truncated tail (chain head ahead of
 * the last row).
 */
export interface ChainProblem {
  scope: string;
  seq: string;
  problem: string;
}

export interface VerifyReport {
  chains: number;
  events: number;
  problems: ChainProblem[];
}

const sep = String.fromCharCode(31);

export function linkText(r: ChainRow): string {
  const v = (x: string | bigint | null) => (x === null ? "\\N" : String(x));
  return [
    r.scope,
    r.seq,
    r.id,
    r.occurred_at,
    r.actor_type,
    r.actor_id,
    r.actor_label,
    r.desk_id,
    r.action,
    r.target_type,
    r.target_id,
    r.before,
    r.after,
    r.request_id,
    r.ip,
    r.user_agent,
    r.prev_hash,
  ]
    .map(v)
    .join(sep);
}

async function verifyChain(
  scope: string,
  read: (afterSeq: bigint) => Promise<ChainRow[]>,
  head: { seq: bigint; hash: string } | undefined,
): Promise<{ events: number; problem: ChainProblem | null }> {
  let expectedSeq = 1n;
  let prevHash = "";
  let events = 0;
  for (;;) {
    const rows = await read(expectedSeq - 1n);
    if (rows.length === 0) break;
    for (const r of rows) {
      events++;
      const seq = BigInt(r.seq);
      if (seq !== expectedSeq)
        return {
          events,
          problem: {
            scope,
            seq: String(expectedSeq),
            problem: `event ${expectedSeq} is missing (next is ${seq})`,
          },
        };
      if (r.prev_hash !== prevHash)
        return {
          events,
          problem: { scope, seq: String(seq), problem: "prev_hash does not match the previous event's hash" },
        };
      const hash = createHash("sha256").update(linkText(r), "utf8").digest("hex");
      if (hash !== r.hash)
        return {
          events,
          problem: {
            scope,
            seq: String(seq),
            problem: "content does not match its hash (the event was altered)",
          },
        };
      prevHash = r.hash;
      expectedSeq++;
    }
  }
  const last = expectedSeq - 1n;
  if (head && (head.seq !== last || head.hash !== prevHash)) {
    return {
      events,
      problem: {
        scope,
        seq: String(head.seq),
        problem: `the chain head is at event ${head.seq} but the trail ends at ${last} (events were removed)`,
      },
    };
  }
  return { events, problem: null };
}

export async function verifyAuditChains(
  db: PlatformDb,
  opts: { tenantId?: string; pageSize?: number } = {},
): Promise<VerifyReport> {
  const pageSize = opts.pageSize ?? 2000;
  const heads = new Map((await audit.chainHeads(db)).map((h) => [h.tenantId, h]));
  const tenants = opts.tenantId ? [opts.tenantId] : await audit.tenantsWithAudit(db);
  const report: VerifyReport = { chains: 0, events: 0, problems: [] };
  for (const tenantId of tenants) {
    const r = await verifyChain(
      tenantId,
      (after) => audit.readTenantChain(db, tenantId, after, pageSize),
      heads.get(tenantId),
    );
    report.chains++;
    report.events += r.events;
    if (r.problem) report.problems.push(r.problem);
  }
  if (!opts.tenantId) {
    // The migration that created the platform chain's head wrote it: it is never legitimately absent.
    const head = await audit.platformChainHead(db);
    const r = await verifyChain(
      "platform",
      (after) => audit.readPlatformChain(db, after, pageSize),
      head ?? undefined,
    );
    report.chains++;
    report.events += r.events;
    if (r.problem) report.problems.push(r.problem);
    else if (!head)
      report.problems.push({
        scope: "platform",
        seq: "0",
        problem: "the chain head is missing (it was removed)",
      });
  }
  return report;
}
