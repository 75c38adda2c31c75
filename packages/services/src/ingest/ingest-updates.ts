import { riskPipeline, trades } from "@propdesk/db";
import { sqlLayer, type TenantSql } from "@propdesk/db/sql-unit-of-work";
import { AppError, currencyExponent } from "@propdesk/domain";
import { MAX_MINOR } from "@propdesk/domain/rules";
import { parseScaled } from "../platforms/decimal-strings";
import type { PlatformUpdate } from "../platforms/platform-update";
import { partitionOf } from "../risk/risk-config";
import { AccountSeqCache, type PartitionWrite } from "./account-seq-cache";
import type { RejectedItem } from "./parse-delivery";

/**
 * Platform updates into the rules engine's input log, durably, before anything is acknowledged:
 * one transaction per delivery writes every accepted update (one multi-row INSERT), folds trade
 * events into `trades`, records the signed delivery (a replay finds it and is refused), and wakes
 * the evaluators of the partitions it touched when it commits.
 *
 * - Duplicates (an (account, seq) already stored, or twice in one delivery) change nothing.
 * - An update older than one already received for its account is stored with `stale` and never
 *   evaluated (never reordered into the past). Within one delivery updates are taken in seq order.
 * - An account this tenant does not have is refused item by item: a tenant's key can only ever
 *   reach its own accounts (the lookup runs under the tenant's row-level security).
 */
export interface IngestResult {
  /** Updates in the delivery. */
  items: number;
  /** Stored, and will be evaluated in order. */
  accepted: number;
  /** Already stored (same account and seq): nothing changed. */
  duplicates: number;
  /** Older than an update already received for the account: stored, never evaluated. */
  stale: number;
  /** Refused, with the reason (nothing stored for them). */
  rejected: RejectedItem[];
}

export interface DeliveryRecord {
  signatureHash: string;
  keyId: string;
  bytes: number;
}

interface Route extends riskPipeline.RoutedAccount {
  partition: number;
  exponent: number;
}

const routes = new Map<string, Route>();
const seqCache = new AccountSeqCache();
const routeKey = (tenantId: string, platform: string, id: string) => `${tenantId}|${platform}|${id}`;

/** Forgets cached account routes (tests that recreate accounts). */
export function clearIngestRoutes(): void {
  routes.clear();
  seqCache.clear();
}

function cachedRoutes(tenantId: string, platform: string, ids: Iterable<string>): Map<string, Route> {
  const out = new Map<string, Route>();
  for (const id of ids) {
    const hit = routes.get(routeKey(tenantId, platform, id));
    if (hit) out.set(id, hit);
  }
  return out;
}

async function resolveRoutes(
  sql: TenantSql,
  platform: "simulator" | "bridge",
  ids: Iterable<string>,
): Promise<Map<string, Route>> {
  const out = new Map<string, Route>();
  const missing: string[] = [];
  for (const id of ids) {
    const hit = routes.get(routeKey(sql.tenantId, platform, id));
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const row of await riskPipeline.findAccountsByPlatformIds(sql, platform, missing)) {
      const route: Route = {
        ...row,
        partition: partitionOf(row.challengeId),
        exponent: currencyExponent(row.currency),
      };
      if (routes.size > 500_000) routes.clear();
      routes.set(routeKey(sql.tenantId, platform, row.platformAccountId), route);
      out.set(row.platformAccountId, route);
    }
  }
  return out;
}

function money(text: string, exponent: number): number {
  const n = parseScaled(text, exponent);
  return Number.isFinite(n) && Math.abs(n) <= MAX_MINOR ? n : Number.NaN;
}

type Prepared = riskPipeline.PlatformInputRow & {
  index: number;
  route: Route;
  update: PlatformUpdate;
  receivedAtMs: number;
};

function prepare(
  index: number,
  u: PlatformUpdate,
  route: Route,
  receivedAtMs: number,
): Prepared | RejectedItem {
  const t = Date.parse(u.t);
  const base = {
    index,
    route,
    update: u,
    receivedAtMs,
    partition: route.partition,
    challengeId: route.challengeId,
    tradingAccountId: route.tradingAccountId,
    phaseIndex: route.phaseIndex,
    kind: u.type,
    seq: u.seq,
    tMs: t,
    balance: null,
    equity: null,
    openPositions: null,
    amount: null,
    tradeId: null,
    symbol: null,
    side: null,
    lots: null,
    price: null,
    stopLoss: null,
    details: null,
    stale: false,
  } satisfies Prepared;
  const range = (field: string): RejectedItem => ({
    index,
    code: "OUT_OF_RANGE",
    message: `${index}.${field}: more than 2^50 minor units of ${route.currency}`,
    issues: [{ path: `${index}.${field}`, message: "out of range" }],
  });
  switch (u.type) {
    case "account": {
      const balance = money(u.balance, route.exponent);
      const equity = money(u.equity, route.exponent);
      if (Number.isNaN(balance)) return range("balance");
      if (Number.isNaN(equity)) return range("equity");
      return { ...base, balance, equity, openPositions: u.openPositions };
    }
    case "trade_opened":
      return {
        ...base,
        tradeId: u.tradeId,
        symbol: u.symbol,
        side: u.side,
        lots: u.lots,
        price: u.price,
        stopLoss: u.stopLoss ?? null,
        details: u.takeProfit ? JSON.stringify({ takeProfit: u.takeProfit }) : null,
      };
    case "trade_closed": {
      const profit = money(u.profit, route.exponent);
      if (Number.isNaN(profit)) return range("profit");
      return {
        ...base,
        tradeId: u.tradeId,
        symbol: u.symbol,
        side: u.side,
        lots: u.lots,
        price: u.price,
        amount: profit,
      };
    }
    case "balance_adjustment": {
      const amount = money(u.amount, route.exponent);
      if (Number.isNaN(amount)) return range("amount");
      return {
        ...base,
        amount,
        details: JSON.stringify({ adjustmentId: u.adjustmentId, reason: u.reason }),
      };
    }
  }
}

const replayed = () =>
  new AppError(
    "CONFLICT",
    "This signed request was already accepted: a replay is refused. Sign every new delivery with a new timestamp.",
    { details: { reason: "replay" } },
  );

/** One delivery waiting for the writer. */
interface WriteJob {
  tenantId: string;
  rows: Prepared[];
  duplicates: number;
  items: number;
  rejected: RejectedItem[];
  receivedAtMs: number;
  delivery?: DeliveryRecord;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

const accountOrder = (a: Prepared, b: Prepared) =>
  a.tradingAccountId === b.tradingAccountId
    ? a.seq - b.seq || a.index - b.index
    : a.tradingAccountId < b.tradingAccountId
      ? -1
      : 1;

/**
 * Group commit: the process writes its pending deliveries one tenant at a time, as many as are
 * waiting (up to `maxRows`), in one transaction. Concurrent requests share one partition lock, one
 * multi-row INSERT and one commit instead of queueing behind each other's.
 */
class IngestWriter {
  private readonly queue: WriteJob[] = [];
  private busy = false;
  constructor(private readonly maxRows = 20_000) {}

  submit(job: Omit<WriteJob, "resolve" | "reject">): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...job, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const tenantId = this.queue[0]!.tenantId;
        const group: WriteJob[] = [];
        let rows = 0;
        for (let i = 0; i < this.queue.length; ) {
          const job = this.queue[i]!;
          if (job.tenantId === tenantId && (group.length === 0 || rows + job.rows.length <= this.maxRows)) {
            group.push(job);
            rows += job.rows.length;
            this.queue.splice(i, 1);
          } else i++;
        }
        await this.write(tenantId, group);
      }
    } finally {
      this.busy = false;
    }
  }

  private async write(tenantId: string, jobs: WriteJob[]): Promise<void> {
    let live = jobs;
    for (let attempt = 0; attempt < 3 && live.length > 0; attempt++) {
      try {
        const { results, writes } = await sqlLayer().withTenant(tenantId, (sql) => writeGroup(sql, live));
        seqCache.committed(writes);
        live.forEach((job, i) => {
          const r = results[i];
          if (r) job.resolve(r);
          else job.reject(replayed());
        });
        return;
      } catch (e) {
        // A delivery accepted by another process meanwhile: refuse it, write the others.
        if (e instanceof ReplayRace) {
          for (const job of live)
            if (job.delivery && e.signatures.has(job.delivery.signatureHash)) job.reject(replayed());
          live = live.filter((job) => !(job.delivery && e.signatures.has(job.delivery.signatureHash)));
          continue;
        }
        // The commit may or may not have happened: read these partitions again next time.
        seqCache.forget(tenantId, new Set(live.flatMap((job) => job.rows.map((r) => r.partition))));
        for (const job of live) job.reject(e);
        return;
      }
    }
  }
}

class ReplayRace extends Error {
  constructor(readonly signatures: Set<string>) {
    super("replay race");
  }
}

/** Writes a group of deliveries in the caller's transaction; returns each one's result (null: a replay). */
async function writeGroup(
  sql: TenantSql,
  jobs: WriteJob[],
): Promise<{ results: Array<IngestResult | null>; writes: PartitionWrite[] }> {
  // null: refused as a replay (the error is made only for those: an Error's stack costs).
  const results: Array<IngestResult | null> = jobs.map(() => null);
  const signatures = jobs.flatMap((j) => (j.delivery ? [j.delivery.signatureHash] : []));
  // Every partition the group's rows go to, locked before anything is read (a replayed delivery's
  // too: it is refused below, and its partitions are almost always the others' anyway).
  const partitions = [...new Set(jobs.flatMap((j) => j.rows.map((r) => r.partition)))];
  await riskPipeline.lockPartitions(sql, partitions);
  // Under the partition locks every earlier delivery for these accounts is committed and visible.
  const { latest, heads, delivered } = await storedSeqs(
    sql,
    jobs.flatMap((j) => j.rows),
    signatures,
  );
  // Replays: a signature already stored, or the same signed request twice in this group.
  const seen = new Set<string>();
  const accepted: number[] = [];
  jobs.forEach((job, i) => {
    const sig = job.delivery?.signatureHash;
    if (sig && (delivered.has(sig) || seen.has(sig))) return;
    if (sig) seen.add(sig);
    accepted.push(i);
  });
  // Every row of the group per account in seq order; the first of two equal seqs wins.
  const tagged: Array<{ job: number; row: Prepared }> = [];
  for (const i of accepted) for (const row of jobs[i]!.rows) tagged.push({ job: i, row });
  tagged.sort((a, b) => accountOrder(a.row, b.row) || a.job - b.job);
  const duplicates = jobs.map((j) => j.duplicates);
  const unique: Array<{ job: number; row: Prepared }> = [];
  for (const x of tagged) {
    const prev = unique[unique.length - 1];
    if (prev && prev.row.tradingAccountId === x.row.tradingAccountId && prev.row.seq === x.row.seq)
      duplicates[x.job]!++;
    else unique.push(x);
  }
  for (const x of unique) {
    const max = latest.get(x.row.tradingAccountId);
    x.row.stale = max !== undefined && x.row.seq < max;
  }
  const rows = unique.map((x) => x.row);
  const written = await riskPipeline.insertPlatformInputs(sql, rows);
  for (const p of rows) {
    const max = latest.get(p.tradingAccountId);
    if (wasInsertedIn(written, p) && (max === undefined || p.seq > max))
      latest.set(p.tradingAccountId, p.seq);
  }
  const acceptedCount = jobs.map(() => 0);
  const staleCount = jobs.map(() => 0);
  const tradeEvents: trades.TradeEventRow[] = [];
  for (const { job, row: p } of unique) {
    if (!wasInsertedIn(written, p)) {
      duplicates[job]!++;
      continue;
    }
    acceptedCount[job]!++;
    if (p.stale) staleCount[job]!++;
    if (p.kind !== "trade_opened" && p.kind !== "trade_closed") continue;
    const u = p.update as Extract<PlatformUpdate, { type: "trade_opened" | "trade_closed" }>;
    tradeEvents.push({
      tradingAccountId: p.tradingAccountId,
      challengeId: p.challengeId,
      kind: p.kind,
      tradeId: u.tradeId,
      symbol: u.symbol,
      side: u.side,
      lots: u.lots,
      price: u.price,
      stopLoss: u.type === "trade_opened" ? (u.stopLoss ?? null) : null,
      takeProfit: u.type === "trade_opened" ? (u.takeProfit ?? null) : null,
      profit: p.kind === "trade_closed" && p.amount !== null ? BigInt(p.amount) : null,
      tMs: p.tMs,
      currency: p.route.currency,
    });
  }
  await trades.applyTradeEvents(sql, tradeEvents);
  for (const i of accepted) {
    const job = jobs[i]!;
    results[i] = {
      items: job.items,
      accepted: acceptedCount[i]! - staleCount[i]!,
      duplicates: duplicates[i]!,
      stale: staleCount[i]!,
      rejected: [...job.rejected].sort((a, b) => a.index - b.index),
    };
  }
  const deliveries = accepted.flatMap((i) => {
    const job = jobs[i]!;
    const r = results[i]!;
    return job.delivery
      ? [
          {
            ...job.delivery,
            items: job.items,
            accepted: r.accepted,
            duplicates: r.duplicates,
            stale: r.stale,
            rejected: r.rejected.length,
          },
        ]
      : [];
  });
  if (deliveries.length > 0) {
    const written = new Set(await riskPipeline.insertDeliveries(sql, deliveries));
    const raced = deliveries.filter((d) => !written.has(d.signatureHash));
    if (raced.length > 0) throw new ReplayRace(new Set(raced.map((d) => d.signatureHash)));
  }
  if (written.inserted > 0) await riskPipeline.notifyPartitions(sql, partitions);
  // What the partitions hold once this commits: the cache takes it after the commit.
  const writes = new Map<number, PartitionWrite>();
  for (const [partition, head] of heads)
    writes.set(partition, {
      tenantId: sql.tenantId,
      partition,
      head: written.heads.get(partition) ?? head,
      seqs: new Map(),
    });
  for (const { row } of unique) {
    const seq = latest.get(row.tradingAccountId);
    if (seq !== undefined) writes.get(row.partition)!.seqs.set(row.tradingAccountId, seq);
  }
  return { results, writes: [...writes.values()] };
}

// Keys are returned only when some rows were already there (duplicates).
const wasInsertedIn = (written: { keys: Set<string> | null }, p: riskPipeline.PlatformInputRow) =>
  written.keys === null || written.keys.has(`${p.tradingAccountId}:${p.seq}`);

/**
 * The highest seq stored per account of the group, with the partitions locked: from this process's
 * cache where the partition's head shows what was written since, read for the rest; and which of
 * the group's signed deliveries were already accepted (read in the same round trip).
 */
async function storedSeqs(
  sql: TenantSql,
  rows: readonly Prepared[],
  signatures: readonly string[],
): Promise<{ latest: Map<string, number>; heads: Map<number, number>; delivered: Set<string> }> {
  const accounts = new Map<string, number>();
  for (const row of rows) accounts.set(row.tradingAccountId, row.partition);
  const pairs = [...accounts].map(([account, partition]) => ({ account, partition }));
  const uncached = seqCache.uncached(sql.tenantId, pairs);
  const read = await riskPipeline.partitionHeads(sql, [...new Set(accounts.values())], uncached, signatures);
  const latest = read.seqs;
  const behind = seqCache.behind(sql.tenantId, read.heads);
  if (behind.length > 0) {
    const stored = await riskPipeline.platformSeqsSince(sql, behind);
    const heads = behind.map((b) => ({ partition: b.partition, head: read.heads.get(b.partition)! }));
    seqCache.catchUp(sql.tenantId, heads, stored);
  }
  const fromDb = new Set(uncached);
  // Partitions too far behind to catch up were forgotten: their accounts are read now.
  const forgotten = seqCache.uncached(sql.tenantId, pairs).filter((a) => !fromDb.has(a));
  if (forgotten.length > 0) {
    for (const [a, s] of (await riskPipeline.partitionHeads(sql, [], forgotten)).seqs) latest.set(a, s);
    for (const a of forgotten) fromDb.add(a);
  }
  for (const { account, partition } of pairs) {
    if (fromDb.has(account)) continue;
    const cached = seqCache.seq(sql.tenantId, partition, account);
    if (cached !== undefined) latest.set(account, cached);
  }
  return { latest, heads: read.heads, delivered: read.delivered };
}

const writer = new IngestWriter();

/**
 * Stores a batch of validated updates for one tenant's accounts on one platform. `delivery` (signed
 * bridge requests) is recorded in the same transaction; a replayed delivery throws CONFLICT and
 * writes nothing. `accepted` counts the updates that will be evaluated; `stale` ones are stored
 * but never evaluated; `duplicates` were already there.
 */
export async function ingestPlatformUpdates(
  tenantId: string,
  platform: "simulator" | "bridge",
  updates: ReadonlyArray<{ index: number; update: PlatformUpdate }>,
  opts: { receivedAtMs: number; delivery?: DeliveryRecord; items?: number; rejected?: RejectedItem[] },
): Promise<IngestResult> {
  const rejected: RejectedItem[] = [...(opts.rejected ?? [])];
  const items = opts.items ?? updates.length;
  const accounts = new Set(updates.map((u) => u.update.account));
  let known = cachedRoutes(tenantId, platform, accounts);
  if (known.size < accounts.size)
    known = await sqlLayer().withTenant(tenantId, (sql) => resolveRoutes(sql, platform, accounts));
  const prepared: Prepared[] = [];
  for (const { index, update } of updates) {
    const route = known.get(update.account);
    if (!route) {
      rejected.push({
        index,
        code: "UNKNOWN_ACCOUNT",
        message: `${index}.account: no ${platform} account "${update.account}" belongs to this firm`,
        issues: [{ path: `${index}.account`, message: "unknown account" }],
      });
      continue;
    }
    const p = prepare(index, update, route, opts.receivedAtMs);
    if ("code" in p) rejected.push(p);
    else prepared.push(p);
  }
  prepared.sort(accountOrder);
  let duplicates = 0;
  const rows: Prepared[] = [];
  for (const p of prepared) {
    const prev = rows[rows.length - 1];
    if (prev && prev.tradingAccountId === p.tradingAccountId && prev.seq === p.seq) duplicates++;
    else rows.push(p);
  }
  if (rows.length === 0 && !opts.delivery)
    return { items, accepted: 0, duplicates, stale: 0, rejected: rejected.sort((a, b) => a.index - b.index) };
  return writer.submit({
    tenantId,
    rows,
    duplicates,
    items,
    rejected,
    receivedAtMs: opts.receivedAtMs,
    ...(opts.delivery ? { delivery: opts.delivery } : {}),
  });
}
