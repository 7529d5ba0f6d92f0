/**
 * Attaches the shell layer's facts to a model: the parsed scripts of every RUN/CMD/ENTRYPOINT/HEALTHCHECK (and
 * ONBUILD trigger) and, per stage, the download → verify → use dataflow across its RUN/ADD/COPY instructions.
 * Requires `initShell()` to have completed (the caller awaits it once, lazily); without it the model simply has no
 * shell facts.
 */
import type { Instruction } from '../parser/ast.js';
import { analyzeStage, envFrom, instructionScripts, shellKindOf, shellReady } from '../shell/index.js';
import type { ShellScript, StageInstruction, StageShellFacts } from '../shell/index.js';
import type { ExpansionBudget } from './expand.js';
import { expandInScope, lookupFor } from './build.js';
import type { DockerfileModel, InstructionFacts } from './types.js';

/** Instructions whose items need the shell, variables and WORKDIR in effect (scripts; ADD/COPY for the dataflow). */
const NEEDS_CONTEXT: ReadonlySet<string> = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'ONBUILD', 'ADD', 'COPY']);

function stageItem(model: DockerfileModel, f: InstructionFacts, escape: '\\' | '`', budget: ExpansionBudget): StageInstruction {
  const kind = f.instruction.kind;
  // the other instructions run no script and move no file: analyzeStage only walks past them (building their
  // lookups and closures was a measurable share of the shell layer's garbage)
  if (!NEEDS_CONTEXT.has(kind)) return { instruction: f.instruction, shell: 'sh' };
  const lookup = lookupFor(f.scope);
  const instruction = f.instruction;
  const shell = shellKindOf(f.shellSetting.argv[0] ?? '/bin/sh');
  const env = envFrom(lookup);
  const workdir = f.workdir.path;
  if (kind !== 'ADD' && kind !== 'COPY') return { instruction, shell, env, workdir };
  // one options object for every word of the instruction; a literal rather than a spread of the item above
  const options = { escape, budget };
  const scope = f.scope;
  return {
    instruction,
    shell,
    env,
    workdir,
    // through the model's expansion cache: the rules expand the same COPY/ADD words in the same scope again
    expand: (word: string) => {
      const r = expandInScope(model, scope, word, options);
      return r.ok && !r.unknown ? r.value : null;
    },
  };
}

/** Fills `facts.shell` (scripts) for every instruction and `stage.shell` (scripts + dataflow) for every stage. */
export function attachShellFacts(model: DockerfileModel): void {
  if (!shellReady()) return;
  const escape = model.escape;
  // one allowance of substituted text for all COPY/ADD words of the file (see ExpandOptions.budget)
  const budget: ExpansionBudget = { remaining: 32 << 20 };
  for (const stage of model.stages) {
    // ONBUILD triggers run in a downstream build: their scripts are parsed, but they are not part of this stage's
    // dataflow.
    const own: StageInstruction[] = [];
    for (const f of stage.instructions) if (f.onbuild === null) own.push(stageItem(model, f, escape, budget));
    const facts: StageShellFacts = analyzeStage(model.source, own);
    (stage as { shell?: StageShellFacts }).shell = facts;
    for (const f of stage.instructions) {
      let scripts: readonly ShellScript[] | undefined = facts.scripts.get(f.instruction);
      if (f.onbuild !== null) {
        const it = stageItem(model, f, escape, budget);
        scripts = instructionScripts(model.source, f.instruction, { shell: it.shell, env: it.env! });
      }
      if (scripts && scripts.length > 0) (f as { shell?: readonly ShellScript[] }).shell = scripts;
    }
  }
}

/** The parsed scripts of an instruction (empty when it runs none, or when the shell layer is not loaded). */
export function scriptsOf(model: DockerfileModel, ins: Instruction): readonly ShellScript[] {
  return model.facts.get(ins)?.shell ?? [];
}
