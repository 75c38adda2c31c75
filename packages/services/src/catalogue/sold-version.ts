import { createHash } from "node:crypto";
import { catalogue, programs, type TenantDb } from "@propdesk/db";
import { AppError, parseMoney } from "@propdesk/domain";
import { nextProgramVersion, type ProgramInput } from "@propdesk/domain/programs";
import { recordAudit } from "../audit/record-audit";
import {
  type AddonTerms,
  deriveSoldProgram,
  describeAddon,
  type SoldTerms,
  variantKey,
} from "./program-variant";

/**
 * The program version a purchase creates its challenge on. When the product's size, the add-ons
 * bought or the desk's "KYC before trading" setting change the base version's terms, the sold
 * terms become a version of their own: a program marked archived (never sold or assigned by
 * itself) holding one immutable version, made once per (base version, terms) and reused.
 */
export async function resolveSoldVersion(
  db: TenantDb,
  input: { baseVersionId: string; accountSize: bigint; addons: AddonTerms[]; kycBeforeTrading: boolean },
): Promise<{ versionId: string; program: ProgramInput; variant: boolean }> {
  const base = await programs.findProgramVersion(db, input.baseVersionId);
  if (!base) throw new AppError("NOT_FOUND", "That program version does not exist.");
  const baseProgram = base.definition as ProgramInput;
  const terms: SoldTerms = {
    accountSize: input.accountSize,
    addons: input.addons,
    kycBeforeTrading: input.kycBeforeTrading && !baseProgram.kycRequired,
  };
  const sold = deriveSoldProgram(baseProgram, terms);
  const candidate = nextProgramVersion(base.programId, sold);
  if (candidate.fingerprint === base.fingerprint)
    return { versionId: base.id, program: baseProgram, variant: false };

  const key = variantKey(terms);
  // Two checkouts deriving the same variant at once: the second waits and finds the first's.
  await catalogue.lockKey(db, `variant:${base.id}:${key}`);
  const existing = await catalogue.findVariant(db, base.id, key);
  if (existing) return { versionId: existing.variantVersionId, program: sold, variant: true };

  const hash = createHash("sha256").update(`${base.id}\n${key}`).digest("hex").slice(0, 12);
  const parts = [
    ...(terms.accountSize !== parseMoney(baseProgram.initialBalance, baseProgram.currency)
      ? [`${sold.initialBalance} ${sold.currency}`]
      : []),
    ...terms.addons.map((a) => describeAddon(a)),
    ...(terms.kycBeforeTrading ? ["KYC before trading"] : []),
  ];
  const name = `${base.program.name} · ${parts.join(", ") || "as sold"}`.slice(0, 120);
  const program = await programs.createProgram(db, {
    deskId: base.program.deskId,
    slug: `sold-${hash}`,
    name,
    description: `The terms of ${base.program.name} v${base.version} as sold with: ${parts.join("; ")}. Created at checkout; not sold on its own.`,
    templateId: null,
  });
  await programs.setProgramStatus(db, program.id, "archived");
  const version = nextProgramVersion(program.id, sold);
  const v = await programs.createProgramVersion(db, {
    programId: program.id,
    version: 1,
    definition: version.program as never,
    fingerprint: version.fingerprint,
    createdByLabel: "checkout",
  });
  await catalogue.createVariant(db, { baseVersionId: base.id, variantKey: key, variantVersionId: v.id });
  await recordAudit(db, {
    actor: { type: "system", label: "checkout" },
    action: "program.variant_created",
    deskId: base.program.deskId,
    target: { type: "program", id: program.id },
    after: {
      base: { program: base.program.name, version: base.version },
      terms: parts,
      fingerprint: version.fingerprint,
    },
  });
  return { versionId: v.id, program: sold, variant: true };
}
