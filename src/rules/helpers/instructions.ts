import type { Dockerfile, Instruction, InstructionKind } from '../../parser/ast.js';
import { perModel } from '../../model/memo.js';

/** Every instruction in source order, each ONBUILD trigger right after its ONBUILD (computed once per file: the
 * array is shared, do not modify it). */
export const allInstructions: (df: Dockerfile) => readonly Instruction[] = perModel(collectInstructions);

function collectInstructions(df: Dockerfile): Instruction[] {
  const out: Instruction[] = [];
  const visit = (i: Instruction): void => {
    out.push(i);
    if (i.kind === 'ONBUILD' && i.trigger) visit(i.trigger);
  };
  for (const i of df.instructions) visit(i);
  return out;
}

/** The instruction kinds a file uses (ONBUILD triggers included; computed once per file). */
const kindsOf = perModel((df: Dockerfile): ReadonlySet<InstructionKind> => {
  const out = new Set<InstructionKind>();
  for (const i of allInstructions(df)) out.add(i.kind);
  return out;
});

/**
 * True when the file has an instruction of this kind (an ONBUILD trigger counts). Rules about a rare instruction
 * (ADD in 111 of the 1,475 corpus files, HEALTHCHECK in 37, VOLUME in 256…) return at once for the other files
 * instead of walking every instruction: each of those walks was a few µs per file in code that runs unoptimised for
 * much of a run.
 */
export function hasInstruction(df: Dockerfile, kind: InstructionKind): boolean {
  return kindsOf(df).has(kind);
}
