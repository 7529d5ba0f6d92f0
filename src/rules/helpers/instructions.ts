import type { Dockerfile, Instruction } from '../../parser/ast.js';
import { perModel } from './memo.js';

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
