import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "@propdesk/domain";
import type { OfacBuildStats, OfacFiles, SanctionsEntry } from "@propdesk/domain/sanctions";
import { buildOfacEntries } from "@propdesk/domain/sanctions";
import { parseUnConsolidatedXml } from "./un-consolidated-xml";

/** `PROPDESK_DATA_DIR`, else `<repo root>/../shared/data`. */
export function dataDir(): string {
  const fromEnv = process.env.PROPDESK_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return fileURLToPath(new URL("../../../../../shared/data", import.meta.url));
}

export interface SanctionsListFile {
  name: string;
  role: keyof OfacFiles | "un";
  bytes: number;
  sha256: string;
}

export interface SanctionsListVersion {
  files: SanctionsListFile[];
  /** sha256 over the files' names and hashes: changes whenever any list file changes. */
  sha256: string;
  loadedAt: string;
}

export interface LoadedSanctionsLists {
  entries: SanctionsEntry[];
  version: SanctionsListVersion;
  stats: OfacBuildStats & { unEntries: number };
}

// OFAC publishes sdn.csv, alt.csv, add.csv, cons_prim.csv; the shipped copies carry a prefix
// and sometimes a date (ofac_sdn_2024-05-03.csv). The UN list is one XML file.
function roleOf(file: string): SanctionsListFile["role"] | undefined {
  const f = file.toLowerCase();
  if (f.endsWith(".xml") && (/(^|[_-])un([_.-]|$)/.test(f) || f.includes("consolidated"))) return "un";
  if (!f.endsWith(".csv")) return undefined;
  if (/(^|_)sdn([_.-]|$)/.test(f)) return "sdn";
  if (/(^|_)alt([_.-]|$)/.test(f)) return "alt";
  if (/(^|_)add([_.-]|$)/.test(f)) return "add";
  if (/(^|_)cons_prim([_.-]|$)/.test(f)) return "cons";
  return undefined;
}

/**
 * Reads every list file in `<dir>/sanctions` (OFAC SDN, aliases, addresses, consolidated list and
 * the UN consolidated XML) and returns the entries with a version: per-file sha256 and one hash
 * over all, so the application can tell a reload changed the lists and re-screen.
 */
export async function loadSanctionsLists(
  opts: { dir?: string; now?: () => Date } = {},
): Promise<LoadedSanctionsLists> {
  const dir = opts.dir ?? join(dataDir(), "sanctions");
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (cause) {
    throw new AppError("PRECONDITION_FAILED", `Sanctions list directory ${dir} cannot be read`, { cause });
  }
  const files: SanctionsListFile[] = [];
  const ofac: OfacFiles = {};
  let un: string | undefined;
  for (const name of names) {
    const role = roleOf(name);
    if (role === undefined) continue;
    const buf = await readFile(join(dir, name));
    if ((role === "un" && un !== undefined) || (role !== "un" && ofac[role] !== undefined)) {
      throw new AppError("CONFLICT", `Two ${role} list files in ${dir}`, {
        issues: [{ path: name, message: `a second ${role} file` }],
      });
    }
    const sha256 = createHash("sha256").update(buf).digest("hex");
    files.push({ name, role, bytes: buf.length, sha256 });
    // OFAC files are ASCII and the UN file UTF-8: UTF-8 decoding reads both.
    const text = buf.toString("utf8");
    if (role === "un") un = text;
    else ofac[role] = text;
  }
  if (ofac.sdn === undefined && un === undefined) {
    throw new AppError("PRECONDITION_FAILED", `No sanctions list (sdn.csv or UN XML) in ${dir}`);
  }
  const { entries, stats } = buildOfacEntries(ofac);
  const unEntries = un === undefined ? [] : parseUnConsolidatedXml(un);
  const all = createHash("sha256");
  for (const f of files) all.update(`${f.name}\0${f.sha256}\n`);
  return {
    entries: [...entries, ...unEntries],
    version: { files, sha256: all.digest("hex"), loadedAt: (opts.now?.() ?? new Date()).toISOString() },
    stats: { ...stats, unEntries: unEntries.length },
  };
}
