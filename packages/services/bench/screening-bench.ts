/**
 * `npm run --silent bench:screening`: loads the full lists (OFAC SDN + aliases + addresses +
 * consolidated, UN), builds the screening index, screens 100,000 deterministic names (ordinary
 * generated names plus ~1% altered list names) and prints one JSON object. `recall` is measured
 * on the hand-written altered-entries test set shared with the tests.
 *
 * Env: SCREENING_BENCH_NAMES (default 100000), SCREENING_BENCH_SEED (default 20240503),
 * SCREENING_BENCH_ALTERED_SHARE (default 0.01), PROPDESK_DATA_DIR.
 */
import type { SanctionsEntry } from "@propdesk/domain/sanctions";
import { buildScreeningIndex, DEFAULT_SCREENING_THRESHOLD, screenName } from "@propdesk/domain/sanctions";
import { ALTERED_CASES } from "../src/sanctions/altered-entries";
import { loadSanctionsLists } from "../src/sanctions/load-sanctions-lists";
import { measureRecall } from "../src/sanctions/screening-evaluation";
import { alteredListName, ordinaryName, seededRandom } from "./name-generator";

const total = Number(process.env.SCREENING_BENCH_NAMES ?? 100_000);
const seed = Number(process.env.SCREENING_BENCH_SEED ?? 20240503);
const alteredShare = Number(process.env.SCREENING_BENCH_ALTERED_SHARE ?? 0.01);

const t0 = performance.now();
const lists = await loadSanctionsLists();
const t1 = performance.now();
const index = buildScreeningIndex(lists.entries, lists.version.sha256);
const t2 = performance.now();

const rand = seededRandom(seed);
const individuals = lists.entries.filter((e) => e.type === "individual");
const queries: { name: string; expected?: SanctionsEntry }[] = [];
for (let i = 0; i < total; i++) {
  if (rand() < alteredShare) {
    const a = alteredListName(rand, individuals);
    queries.push({ name: a.name, expected: a.entry });
  } else queries.push({ name: ordinaryName(rand) });
}

const threshold = DEFAULT_SCREENING_THRESHOLD;
let flagged = 0;
let flaggedOrdinary = 0;
// Of the flagged ordinary names: the whole list name matched (a real homonym) or only part of it.
let flaggedOrdinaryComplete = 0;
let injected = 0;
let injectedFound = 0;
const t3 = performance.now();
for (const q of queries) {
  const r = screenName(index, { fullName: q.name, type: "individual" }, { threshold });
  if (r.potentialMatch) flagged++;
  if (q.expected === undefined) {
    const top = r.matches[0];
    if (top !== undefined) {
      flaggedOrdinary++;
      if (top.missingListTokens.length === 0 && top.extraQueryTokens.length === 0) flaggedOrdinaryComplete++;
    }
    continue;
  }
  injected++;
  const e = q.expected;
  if (r.matches.some((m) => m.listId === e.listId && m.entryId === e.entryId)) injectedFound++;
}
const t4 = performance.now();

const recall = measureRecall(index, ALTERED_CASES, threshold);
const seconds = (t4 - t3) / 1000;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

console.log(
  JSON.stringify(
    {
      names: total,
      seconds: round(seconds),
      namesPerSecond: Math.round(total / seconds),
      indexBuildSeconds: round((t2 - t1) / 1000),
      listEntries: lists.entries.length,
      listNames: index.stats.names,
      recall: round(recall.recall, 4),
      recallCases: recall.cases,
      flagged,
      threshold,
      loadSeconds: round((t1 - t0) / 1000),
      listVersion: lists.version.sha256,
      seed,
      ordinaryFlagged: flaggedOrdinary,
      ordinaryFlaggedCompleteName: flaggedOrdinaryComplete,
      injectedAltered: injected,
      injectedFound,
      injectedRecall: injected === 0 ? null : round(injectedFound / injected, 4),
    },
    null,
    2,
  ),
);
