import type { Dockerfile, Instruction } from '../../parser/ast.js';

/** Every instruction in source order, each ONBUILD trigger right after its ONBUILD. */
export function allInstructions(df: Dockerfile): Instruction[] {
  const out: Instruction[] = [];
  const visit = (i: Instruction): void => {
    out.push(i);
    if (i.kind === 'ONBUILD' && i.trigger) visit(i.trigger);
  };
  for (const i of df.instructions) visit(i);
  return out;
}
