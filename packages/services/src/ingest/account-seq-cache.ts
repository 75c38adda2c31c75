/**
 * The highest platform seq per trading account as this process last saw it stored, kept per
 * (tenant, partition) with the partition's newest input id at that moment (its head). The ingest
 * reads a partition's head under the partition lock: when it is still the cached one, no one else
 * has written to the partition since, and the cached seqs are the stored ones, so the per-account
 * lookup (one index probe per account, the largest cost of a group commit) is skipped. When another
 * writer (another ingest process, a control input) moved the head on, the inputs written since are
 * read and folded in (`catchUp`); when the head went back (the log was rebuilt) or moved too far,
 * the partition is forgotten and its accounts are read one by one again.
 */
export interface PartitionWrite {
  tenantId: string;
  partition: number;
  /** The partition's newest input id after the write (under the lock, before commit). */
  head: number;
  /** The highest seq stored per account of this partition that the write concerned. */
  seqs: Map<string, number>;
}

interface Entry {
  head: number;
  seqs: Map<string, number>;
}

const key = (tenantId: string, partition: number) => `${tenantId}|${partition}`;

export class AccountSeqCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxAccountsPerPartition = 200_000,
    /** How far a head may have moved (in input ids) for the inputs since to be read instead. */
    private readonly maxCatchUp = 50_000,
  ) {}

  /** Accounts of these (account, partition) pairs the cache has no seq for. */
  uncached(tenantId: string, accounts: ReadonlyArray<{ account: string; partition: number }>): string[] {
    const out: string[] = [];
    for (const { account, partition } of accounts)
      if (!this.entries.get(key(tenantId, partition))?.seqs.has(account)) out.push(account);
    return out;
  }

  /**
   * With the heads read under the lock: the partitions someone else wrote to since this process,
   * with the cached head to read on from. Partitions that cannot be caught up are forgotten (their
   * accounts are then uncached).
   */
  behind(
    tenantId: string,
    heads: ReadonlyMap<number, number>,
  ): Array<{ partition: number; afterInputId: number }> {
    const out: Array<{ partition: number; afterInputId: number }> = [];
    for (const [partition, head] of heads) {
      const entry = this.entries.get(key(tenantId, partition));
      if (!entry || entry.head === head) continue;
      if (head < entry.head || head - entry.head > this.maxCatchUp)
        this.entries.delete(key(tenantId, partition));
      else out.push({ partition, afterInputId: entry.head });
    }
    return out;
  }

  /**
   * Folds in what others stored since the cached heads (the highest seq per account among those
   * inputs) and takes the partitions' heads now. Committed data, so taken at once.
   */
  catchUp(
    tenantId: string,
    heads: ReadonlyArray<{ partition: number; head: number }>,
    stored: ReadonlyArray<{ partition: number; account: string; seq: number }>,
  ): void {
    for (const { partition, account, seq } of stored) {
      const entry = this.entries.get(key(tenantId, partition));
      const known = entry?.seqs.get(account);
      // An account the cache never saw stays uncached: it is read when it comes.
      if (known !== undefined && seq > known) entry!.seqs.set(account, seq);
    }
    for (const { partition, head } of heads) {
      const entry = this.entries.get(key(tenantId, partition));
      if (entry) entry.head = head;
    }
  }

  /** The cached seq of an account (undefined: none stored, or not cached). */
  seq(tenantId: string, partition: number, account: string): number | undefined {
    return this.entries.get(key(tenantId, partition))?.seqs.get(account);
  }

  /** After a commit: the partitions as this process left them. */
  committed(writes: readonly PartitionWrite[]): void {
    for (const w of writes) {
      const k = key(w.tenantId, w.partition);
      let entry = this.entries.get(k);
      if (!entry || entry.seqs.size + w.seqs.size > this.maxAccountsPerPartition) {
        entry = { head: w.head, seqs: new Map() };
        this.entries.set(k, entry);
      }
      entry.head = w.head;
      for (const [account, seq] of w.seqs) entry.seqs.set(account, seq);
    }
  }

  /** After a failed unit of work whose outcome is unknown: read these partitions again next time. */
  forget(tenantId: string, partitions: Iterable<number>): void {
    for (const p of partitions) this.entries.delete(key(tenantId, p));
  }

  clear(): void {
    this.entries.clear();
  }
}
