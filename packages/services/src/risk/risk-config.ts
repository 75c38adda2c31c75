import { createHash } from "node:crypto";
import { AppError } from "@propdesk/domain";

/**
 * Partitioning of the risk pipeline: a challenge's inputs all go to one partition (so they are
 * applied in order by one evaluator), different partitions are evaluated in parallel. The count is
 * fixed per deployment (`RISK_PARTITIONS`, default 4): change it only with the pipeline drained,
 * since a challenge's partition is derived from it.
 */
export function riskPartitions(): number {
  const raw = process.env.RISK_PARTITIONS;
  if (raw === undefined || raw === "") return 4;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new AppError("VALIDATION", "RISK_PARTITIONS must be a whole number from 1 to 256.");
  return n;
}

const cache = new Map<string, number>();

/** The partition of a challenge: a stable hash of its id. */
export function partitionOf(challengeId: string, partitions = riskPartitions()): number {
  const key = `${partitions}:${challengeId}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = createHash("sha256").update(challengeId).digest().readUInt32BE(0) % partitions;
    if (cache.size > 200_000) cache.clear();
    cache.set(key, p);
  }
  return p;
}
