/**
 * The pipeline the robustness tests drive: bytes → SourceFile → syntax tree → model, with the shell layer's facts
 * attached by the model (scripts per instruction, dataflow per stage). Call `preparePipeline()` once (it loads the
 * tree-sitter bash grammar) before `analyse`.
 */
import { buildModel } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import type { Dockerfile, ParseDiagnostic } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { parse } from '../../src/parser/parse.js';
import { initShell, shellReady } from '../../src/shell/index.js';
import type { ShellScript } from '../../src/shell/index.js';

export async function preparePipeline(): Promise<void> {
  await initShell();
  if (!shellReady()) throw new Error('the bash grammar did not load');
}

export interface Analysis {
  readonly decodeDiagnostics: readonly ParseDiagnostic[];
  readonly df: Dockerfile;
  readonly model: DockerfileModel;
  /** Every parsed script (stage instructions and ONBUILD triggers). */
  readonly scripts: readonly ShellScript[];
  /** Shell commands over all scripts. */
  readonly commands: number;
}

export function analyse(bytes: Uint8Array, path = 'Dockerfile'): Analysis {
  const { source, diagnostics: decodeDiagnostics } = decodeBytes(bytes, path);
  const df = parse(source);
  const model = buildModel(df);
  const scripts: ShellScript[] = [];
  let commands = 0;
  for (const f of model.facts.values()) {
    for (const s of f.shell ?? []) {
      scripts.push(s);
      commands += s.all.length;
    }
  }
  return { decodeDiagnostics, df, model, scripts, commands };
}
