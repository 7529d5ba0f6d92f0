import type { Dockerfile, Instruction } from '../../parser/ast.js';

const cache = new WeakMap<Dockerfile, readonly Instruction[]>();

/** Every instruction in source order, each ONBUILD trigger right after its ONBUILD (computed once per file: the
 * array is shared, do not modify it). */
export function allInstructions(df: Dockerfile): readonly Instruction[] {
  const cached = cache.get(df);
  if (cached !== undefined) return cached;
  const out: Instruction[] = [];
  const visit = (i: Instruction): void => {
    out.push(i);
    if (i.kind === 'ONBUILD' && i.trigger) visit(i.trigger);
  };
  for (const i of df.instructions) visit(i);
  cache.set(df, out);
  return out;
}
