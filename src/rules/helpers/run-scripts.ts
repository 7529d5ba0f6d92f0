import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { RunInstruction } from '../../parser/ast.js';
import type { ShellCommand, ShellScript } from '../../shell/index.js';
import { perModel } from '../../model/memo.js';

export interface RunScript {
  readonly facts: InstructionFacts;
  readonly instruction: RunInstruction;
  readonly script: ShellScript;
}


/**
 * Computed once per model (the array is shared, do not modify it).
 * Every parsed POSIX shell script of every RUN (ONBUILD RUN triggers included), in file order. Left out, for
 * precision: scripts the bash parser could not read without errors, Windows stages, and files using the Windows
 * escape character (their RUNs are cmd or PowerShell even when the base image is unknown).
 */
export const runScripts: (model: DockerfileModel) => readonly RunScript[] = perModel(collectRunScripts);

function collectRunScripts(model: DockerfileModel): RunScript[] {
  const out: RunScript[] = [];
  if (model.escape === '`') return out;
  for (const f of model.instructions) {
    const ins = f.instruction;
    if (ins.kind !== 'RUN') continue;
    if (f.stage !== null && model.stages[f.stage]?.os === 'windows') continue;
    for (const script of f.shell ?? []) {
      if (looksWindows(script)) continue;
      if (script.parsed && script.errors.length === 0 && script.kind !== 'powershell' && script.kind !== 'cmd') out.push({ facts: f, instruction: ins, script });
    }
  }
  return out;
}

const WINDOWS_PROGRAMS: ReadonlySet<string> = new Set(['powershell', 'powershell.exe', 'pwsh', 'pwsh.exe', 'cmd', 'cmd.exe', 'iex']);
/** PowerShell cmdlet names (`Remove-Item`, `Invoke-WebRequest`). */
const CMDLET = /^[A-Z][a-z]+-[A-Z][A-Za-z]+$/;

/** A script written for Windows (PowerShell or cmd programs at its top level) in a stage the model could not place. */
function looksWindows(script: ShellScript): boolean {
  return script.all.some((c) => c.parent === null && c.name !== null && (WINDOWS_PROGRAMS.has(c.name.toLowerCase()) || (isUpperAscii(c.name.charCodeAt(0)) && CMDLET.test(c.name))));
}

/** A cmdlet name starts with A-Z: the regex only for such names (this runs for every command of every RUN). */
function isUpperAscii(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** True for a command written at the top level of its script: not inside a substitution, a nested script, a
 * function, a subshell or a loop/if body. */
export function isTopLevel(c: ShellCommand): boolean {
  return c.parent === null && !c.inSubstitution && c.enclosing.length === 0;
}

/** The shell program of a SHELL setting (`bash`, `sh`, `pwsh`…), basename without extension. */
export function shellProgram(argv: readonly string[]): string {
  const a0 = argv[0] ?? '/bin/sh';
  if (a0 === '/bin/sh') return 'sh'; // the default: no slicing and case folding for it
  const base = a0.slice(Math.max(a0.lastIndexOf('/'), a0.lastIndexOf('\\')) + 1).toLowerCase();
  return base.replace(/\.exe$/, '');
}

export interface ShellOptionState {
  errexit: boolean;
  pipefail: boolean;
}

/** Applies `set`-style option words (`-e`, `-eux`, `-o pipefail`, `-euo pipefail`, `+e`) to a state. */
export function applySetWords(words: readonly (string | null)[], state: ShellOptionState): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === null || w === undefined || w.length < 2 || w.startsWith('--')) continue;
    const on = w[0] === '-';
    if (!on && w[0] !== '+') continue;
    const letters = w.slice(1);
    if (!/^[a-zA-Z]+$/.test(letters)) continue;
    if (letters.includes('e')) state.errexit = on;
    if (letters.includes('o')) {
      const name = words[i + 1];
      if (name === 'errexit') state.errexit = on;
      else if (name === 'pipefail') state.pipefail = on;
      i++;
    }
  }
}

/**
 * Shell options in effect at `offset` of a RUN script: from the SHELL instruction's argv (`["/bin/bash", "-eo",
 * "pipefail", "-c"]`) and from top-level `set` commands of the script that come before `offset`.
 */
export function shellOptionsAt(rs: RunScript, offset: number): ShellOptionState {
  const state: ShellOptionState = { errexit: false, pipefail: false };
  applySetWords(rs.facts.shellSetting.argv.slice(1), state);
  for (const c of rs.script.all) {
    if (c.range.start >= offset) break;
    if (c.name !== 'set' || c.parent !== null || c.inSubstitution) continue;
    if (c.enclosing.some((e) => e.kind === 'subshell' || e.kind === 'function' || e.kind === 'command-substitution')) continue;
    applySetWords(c.args.map((w) => w.value), state);
  }
  return state;
}

/** Commands whose failure rarely matters for a build (builtins, output, idempotent file operations, tests). */
export const FAILURE_HARMLESS: ReadonlySet<string> = new Set([
  'echo', 'printf', 'true', ':', 'false', 'set', 'export', 'unset', 'shopt', 'trap', 'umask', 'local', 'declare', 'typeset',
  'readonly', 'alias', 'exit', 'return', 'sleep', 'test', '[', '[[', 'ls', 'cat', 'which', 'type', 'hash', 'wait', 'rm',
  'mkdir', 'ln', 'cd', 'pwd', 'env', 'printenv', 'id', 'whoami', 'uname', 'date', 'source', '.', 'history', 'clear', 'sync',
]);
