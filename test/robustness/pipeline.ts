/**
 * The pipeline the robustness tests drive: bytes → SourceFile → syntax tree → model → shell facts of every stage.
 * Call `preparePipeline()` once (it loads the tree-sitter bash grammar) before `analyse`.
 */
import { buildModel, lookupFor } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import type { Dockerfile, ParseDiagnostic } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { analyzeStage, envFrom, initShell, shellKindOf } from '../../src/shell/index.js';
import type { StageShellFacts } from '../../src/shell/index.js';

export async function preparePipeline(): Promise<void> {
  await initShell();
}

export interface Analysis {
  readonly decodeDiagnostics: readonly ParseDiagnostic[];
  readonly df: Dockerfile;
  readonly model: DockerfileModel;
  readonly shell: readonly StageShellFacts[];
  /** Shell commands found over all stages. */
  readonly commands: number;
}

export function analyse(bytes: Uint8Array, path = 'Dockerfile'): Analysis {
  const { source, diagnostics: decodeDiagnostics } = decodeBytes(bytes, path);
  const df = parse(source);
  const model = buildModel(df);
  const shell: StageShellFacts[] = [];
  let commands = 0;
  for (const stage of model.stages) {
    const facts = analyzeStage(
      source,
      stage.instructions.map((f) => ({
        instruction: f.instruction,
        shell: shellKindOf(f.shellSetting.argv[0] ?? '/bin/sh'),
        env: envFrom(lookupFor(f.scope)),
        workdir: f.workdir.path,
      })),
    );
    for (const list of facts.scripts.values()) for (const s of list) commands += s.all.length;
    shell.push(facts);
  }
  return { decodeDiagnostics, df, model, shell, commands };
}
