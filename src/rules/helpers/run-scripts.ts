import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { RunInstruction } from '../../parser/ast.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';

export interface RunScript {
  readonly facts: InstructionFacts;
  readonly instruction: RunInstruction;
  readonly script: ShellScript;
}

/** Every parsed POSIX shell script of every RUN (ONBUILD RUN triggers included), in file order. */
export function runScripts(model: DockerfileModel): RunScript[] {
  const out: RunScript[] = [];
  for (const f of model.instructions) {
    const ins = f.instruction;
    if (ins.kind !== 'RUN') continue;
    for (const script of f.shell ?? []) {
      if (script.parsed && script.kind !== 'powershell' && script.kind !== 'cmd') out.push({ facts: f, instruction: ins, script });
    }
  }
  return out;
}

/** True for a command written at the top level of its script: not inside a substitution, a nested script, a
 * function, a subshell or a loop/if body. */
export function isTopLevel(c: ShellCommand): boolean {
  return c.parent === null && !c.inSubstitution && c.enclosing.length === 0;
}

/** The shell program of a SHELL setting (`bash`, `sh`, `pwsh`…), basename without extension. */
export function shellProgram(argv: readonly string[]): string {
  const a0 = argv[0] ?? '/bin/sh';
  const base = a0.slice(Math.max(a0.lastIndexOf('/'), a0.lastIndexOf('\\')) + 1).toLowerCase();
  return base.replace(/\.exe$/, '');
}
