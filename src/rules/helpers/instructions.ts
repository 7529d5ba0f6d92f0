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

/** A bit per instruction kind, for `kindMask` and `RuleNeeds.instructions` (19 kinds: fits a small integer). */
const KIND_BIT: Readonly<Record<InstructionKind, number>> = {
  FROM: 1 << 0,
  RUN: 1 << 1,
  CMD: 1 << 2,
  ENTRYPOINT: 1 << 3,
  SHELL: 1 << 4,
  ENV: 1 << 5,
  LABEL: 1 << 6,
  ARG: 1 << 7,
  COPY: 1 << 8,
  ADD: 1 << 9,
  HEALTHCHECK: 1 << 10,
  ONBUILD: 1 << 11,
  EXPOSE: 1 << 12,
  VOLUME: 1 << 13,
  USER: 1 << 14,
  WORKDIR: 1 << 15,
  STOPSIGNAL: 1 << 16,
  MAINTAINER: 1 << 17,
  UNKNOWN: 1 << 18,
};

/** The bits of `kinds` (0 for none). */
export function kindBits(kinds: readonly InstructionKind[]): number {
  let m = 0;
  for (const k of kinds) m |= KIND_BIT[k];
  return m;
}

/** The bits of the instruction kinds a file uses (ONBUILD triggers included; computed once per file). */
export const kindMask: (df: Dockerfile) => number = perModel((df: Dockerfile): number => {
  let m = 0;
  for (const i of allInstructions(df)) m |= KIND_BIT[i.kind];
  return m;
});

/**
 * True when the file has an instruction of this kind (an ONBUILD trigger counts). Rules about a rare instruction
 * (ADD in 111 of the 1,475 corpus files, HEALTHCHECK in 37, VOLUME in 256…) return at once for the other files
 * instead of walking every instruction: each of those walks was a few µs per file in code that runs unoptimised for
 * much of a run. (A rule can also declare it in `meta.needs`, and the engine does not call it at all.)
 */
export function hasInstruction(df: Dockerfile, kind: InstructionKind): boolean {
  return (kindMask(df) & KIND_BIT[kind]) !== 0;
}
