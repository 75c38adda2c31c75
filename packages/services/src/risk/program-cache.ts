import { AppError } from "@propdesk/domain";
import { type CompiledProgram, compileProgram } from "@propdesk/domain/programs";

/**
 * Compiled programs by version id. A version never changes (the table is append-only), so a
 * compiled program can be kept for the life of the process.
 */
const compiled = new Map<string, CompiledProgram>();

/** `definition` may be null for a version already compiled here (see `compiledVersionIds`). */
export function compiledProgramFor(versionId: string, definition: unknown): CompiledProgram {
  let p = compiled.get(versionId);
  if (!p) {
    if (definition === null || definition === undefined)
      throw new AppError(
        "INTERNAL",
        `Program version ${versionId} is not compiled here and came without its definition.`,
      );
    p = compileProgram(definition);
    compiled.set(versionId, p);
  }
  return p;
}

/** The versions compiled in this process (their definitions need not be read again). */
export function compiledVersionIds(): string[] {
  return [...compiled.keys()];
}
