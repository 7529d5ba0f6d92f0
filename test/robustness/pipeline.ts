/**
 * The pipeline the robustness tests drive. `analyse`: bytes → SourceFile → syntax tree → model, with the shell
 * layer's facts attached by the model (scripts per instruction, dataflow per stage). `auditAll`: the whole audit and
 * every reporter. Call `preparePipeline()` once (it loads the tree-sitter bash grammar) first.
 */
import { auditDetailed } from '../../src/engine/audit.js';
import type { FileResult } from '../../src/engine/result.js';
import { buildModel } from '../../src/model/build.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatText } from '../../src/report/text.js';
import { ruleList } from '../../src/rules/registry.generated.js';
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

/** Every parsed script of the model and their number of commands. */
function shellOf(model: DockerfileModel): { scripts: ShellScript[]; commands: number } {
  const scripts: ShellScript[] = [];
  let commands = 0;
  for (const f of model.facts.values()) {
    for (const s of f.shell ?? []) {
      scripts.push(s);
      commands += s.all.length;
    }
  }
  return { scripts, commands };
}

export function analyse(bytes: Uint8Array, path = 'Dockerfile'): Analysis {
  const { source, diagnostics: decodeDiagnostics } = decodeBytes(bytes, path);
  const df = parse(source);
  const model = buildModel(df);
  const { scripts, commands } = shellOf(model);
  return { decodeDiagnostics, df, model, scripts, commands };
}

export interface AuditAnalysis extends Analysis {
  readonly result: FileResult;
  /** Total length of the text, JSON and SARIF reports. */
  readonly reportChars: number;
}

const TOOL = { name: 'dockaudit', version: '0.0.0-test', informationUri: 'https://example.invalid/dockaudit' };

/** The whole pipeline as the CLI runs it: auditDetailed (every rule), then the text, JSON and SARIF reporters. */
export async function auditAll(bytes: Uint8Array, path = 'Dockerfile'): Promise<AuditAnalysis> {
  const r = await auditDetailed(bytes, path);
  const reportChars =
    formatText([r], TOOL, { color: false }).length + formatJson([r], TOOL).length + formatSarif([r], TOOL, { rules: ruleList }).length;
  const df = r.dockerfile ?? parse(r.source);
  const model = r.model ?? buildModel(df);
  const { scripts, commands } = shellOf(model);
  return { decodeDiagnostics: [], df, model, scripts, commands, result: r, reportChars };
}
