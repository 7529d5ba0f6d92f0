/** Public surface of the shell layer. */
export { initShell, shellReady } from './loader.js';
export { parseScript, parseHeredocScript, shebangInterpreter, shellKindOf, sliceMapped } from './parse.js';
export { ShellCommand, ShellScript, parseUrl, basename } from './commands.js';
export type { Assignment } from './commands.js';
export { analyzeDataflow, resolvePath } from './dataflow.js';
export type { Artifact, ArtifactOrigin, ArtifactUrl, ArtifactUse, Dataflow, StageStep, UseKind, Verification, VerificationKind } from './dataflow.js';
export { analyzeStage, envFrom } from './stage.js';
export type { StageInstruction, StageShellFacts } from './stage.js';
export { instructionScripts, withHeredocs } from './instruction.js';
export { formatCommand, formatCommands } from './format.js';
export { OPTION_SPECS, parseArgs, toolKey, canonicalOption } from './options.js';
export type { OptionSpec, ParsedArgs } from './options.js';
export { UNKNOWN } from './types.js';
export type * from './types.js';
