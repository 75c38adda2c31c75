import { type CompiledProgram, compileProgram } from "@propdesk/domain/programs";

/**
 * Compiled programs by version id. A version never changes (the table is append-only), so a
 * compiled program can be kept for the life of the process.
 */
const compiled = new Map<string, CompiledProgram>();

export function compiledProgramFor(versionId: string, definition: unknown): CompiledProgram {
  let p = compiled.get(versionId);
  if (!p) {
    p = compileProgram(definition);
    compiled.set(versionId, p);
  }
  return p;
}
