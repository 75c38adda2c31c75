import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "@propdesk/domain";
import { getInstrumentSpec } from "./instrument-specs";
import { type ParsedPriceFile, parsePriceFile } from "./parse-price-file";
import { defaultSimulationFiles, type PriceFileEntry, priceFileCatalog } from "./price-file-catalog";
import type { PriceSeries } from "./price-series";

export interface LoadedPriceFile extends ParsedPriceFile {
  entry: PriceFileEntry;
}

/** `PROPDESK_DATA_DIR`, or `<repo root>/../shared/data`. */
export function defaultDataDir(): string {
  const fromEnv = process.env.PROPDESK_DATA_DIR;
  if (fromEnv) return fromEnv;
  // This file is packages/services/src/platforms/prices/; the repo root is five levels up.
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
  return path.resolve(repoRoot, "../shared/data");
}

export function findPriceFileEntry(file: string): PriceFileEntry {
  const entry = priceFileCatalog.find((e) => e.file === file);
  if (!entry)
    throw new AppError("NOT_FOUND", `No layout is known for price file "${file}".`, {
      issues: [{ path: "file", message: "not in the price file catalog" }],
    });
  return entry;
}

export function loadPriceFile(file: string, dataDir = defaultDataDir()): LoadedPriceFile {
  const entry = findPriceFileEntry(file);
  const spec = getInstrumentSpec(entry.symbol);
  const text = readFileSync(path.join(dataDir, "prices", file), "utf8");
  const parsed = parsePriceFile(text, {
    format: entry.format,
    symbol: entry.symbol,
    digits: spec.digits,
    clock: entry.clock,
    timeframeMs: entry.timeframeMs,
    source: entry.file,
  });
  return { ...parsed, entry };
}

/** Loads every file of `<dataDir>/prices`; a file missing from the catalog is an error, not skipped. */
export function loadAllPriceFiles(dataDir = defaultDataDir()): LoadedPriceFile[] {
  return readdirSync(path.join(dataDir, "prices"))
    .filter((f) => !f.startsWith("."))
    .sort()
    .map((f) => loadPriceFile(f, dataDir));
}

const cache = new Map<string, PriceSeries>();

/**
 * The replay series of each requested instrument (see `defaultSimulationFiles`), cached per process
 * because every simulation of a test run or worker shares them; the arrays are never written to.
 */
export function loadSimulationSeries(
  symbols: readonly string[] = Object.keys(defaultSimulationFiles),
  dataDir = defaultDataDir(),
): PriceSeries[] {
  return symbols.map((symbol) => {
    const file = defaultSimulationFiles[symbol];
    if (!file)
      throw new AppError("VALIDATION", `No replay series for instrument "${symbol}".`, {
        issues: [{ path: "instruments", message: `no price file for ${symbol}` }],
      });
    const key = path.join(dataDir, file);
    let s = cache.get(key);
    if (!s) {
      s = loadPriceFile(file, dataDir).series;
      cache.set(key, s);
    }
    return s;
  });
}
