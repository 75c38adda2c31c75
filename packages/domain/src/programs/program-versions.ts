import { AppError } from "../errors";
import { compileProgram } from "./compile-program";
import type { ProgramInput } from "./program-schema";

/**
 * Programs are versioned: editing a program creates a new version, and a challenge stays bound to
 * the exact version it was sold under (its rules never change under a trader's feet). A version is
 * identified by (programId, version) and carries a fingerprint of its validated content, so a
 * stored binding can be checked against the program text it claims.
 */
export interface ProgramVersion {
  programId: string;
  version: number;
  /** The validated program (unknown keys removed). */
  program: ProgramInput;
  /** FNV-1a 64-bit hash of the program's canonical JSON, 16 hex digits. */
  fingerprint: string;
}

/** What a challenge stores at purchase. */
export interface ProgramBinding {
  programId: string;
  version: number;
  fingerprint: string;
}

/** JSON with object keys sorted, so equal programs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function fingerprintOf(program: ProgramInput): string {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(canonicalJson(program))) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h.toString(16).padStart(16, "0");
}

/**
 * The next version of a program. Validates `input` (throws AppError VALIDATION). When the content
 * equals the previous version's, the previous version is returned unchanged (saving twice is not
 * a new version).
 */
export function nextProgramVersion(
  programId: string,
  input: unknown,
  previous?: ProgramVersion,
): ProgramVersion {
  if (previous && previous.programId !== programId)
    throw new AppError(
      "VALIDATION",
      `previous version belongs to program ${previous.programId}, not ${programId}`,
    );
  const program = compileProgram(input, { pathPrefix: "program" }).source;
  const fingerprint = fingerprintOf(program);
  if (previous && previous.fingerprint === fingerprint) return previous;
  return { programId, version: previous ? previous.version + 1 : 1, program, fingerprint };
}

export function bindingOf(v: ProgramVersion): ProgramBinding {
  return { programId: v.programId, version: v.version, fingerprint: v.fingerprint };
}

/**
 * Checks that `v` is the exact version a challenge was sold under (before replaying or evaluating
 * it). Throws CONFLICT when the id, version or content differ.
 */
export function assertBoundVersion(binding: ProgramBinding, v: ProgramVersion): void {
  const why =
    binding.programId !== v.programId
      ? `program ${v.programId} is not ${binding.programId}`
      : binding.version !== v.version
        ? `version ${v.version} is not the version ${binding.version} the challenge was sold under`
        : binding.fingerprint !== fingerprintOf(v.program)
          ? `version ${v.version} of ${v.programId} was changed after the challenge was sold`
          : null;
  if (why)
    throw new AppError("CONFLICT", `Program mismatch: ${why}.`, {
      details: { binding, programId: v.programId, version: v.version },
    });
}
