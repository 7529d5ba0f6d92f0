/**
 * The scripts an instruction runs, ready for the command model: shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD,
 * heredoc RUNs (a bare `RUN <<EOF` runs the body as a script, shebang honoured; `RUN python3 <<EOF` hands the shell
 * the command line followed by the heredocs), and exec-form `["sh", "-c", "…"]`.
 */
import type { Arg, Heredoc, Instruction } from '../parser/ast.js';
import type { MappedSegment, MappedText, SourceFile } from '../source.js';
import type { ShellScript } from './commands.js';
import { parseHeredocScript, parseScript, shellKindOf } from './parse.js';
import { toolKey } from './options.js';
import { basename } from './commands.js';
import type { ParseOptions } from './types.js';

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** The mapped text BuildKit's shell sees for a command line followed by its heredocs. */
export function withHeredocs(script: MappedText, heredocs: readonly Heredoc[]): MappedText {
  const segs: MappedSegment[] = [...script.segments];
  let text = script.text;
  const push = (s: string, src: number): void => {
    segs.push({ at: text.length, src, length: s.length });
    text += s;
  };
  for (const h of heredocs) {
    push('\n', Math.max(0, h.bodyRange.start - 1));
    for (const s of h.body.segments) segs.push({ at: text.length + s.at, src: s.src, length: s.length });
    text += h.body.text;
    // synthetic text maps onto source characters that exist: the body's last character, the terminator line
    if (!h.body.text.endsWith('\n') && h.body.text !== '') push('\n', Math.max(h.bodyRange.start, h.bodyRange.end - 1));
    // an unterminated heredoc (the parser reports it) has no terminator line to map to: the script just ends
    if (h.terminatorRange.end - h.terminatorRange.start >= h.name.length)
      push(h.name, Math.max(h.terminatorRange.start, h.terminatorRange.end - h.name.length));
  }
  return { text, segments: segs };
}

function isBareHeredoc(script: string, heredocs: readonly Heredoc[]): boolean {
  if (heredocs.length !== 1) return false;
  const m = /^<<-?(["']?)([^"'\s]+)\1$/.exec(script.trim());
  return m !== null && m[2] === heredocs[0]!.name;
}

/** `-c` or a cluster of letters with a `c` (`-ec`, `-xc`): what `/^-[a-zA-Z]*c[a-zA-Z]*$/` says, without backtracking. */
function isCommandStringOption(s: string): boolean {
  if (s.length < 2 || s[0] !== '-') return false;
  let c = false;
  for (let i = 1; i < s.length; i++) {
    const ch = s.charCodeAt(i) | 0x20;
    if (ch < 0x61 || ch > 0x7a) return false;
    if (s[i] === 'c') c = true;
  }
  return c;
}

/** Exec-form `["sh", "-c", "script"]`: the script argument, when its JSON text has no escapes. */
function execScript(source: SourceFile, args: readonly Arg[]): MappedText | null {
  const a0 = args[0]?.value;
  if (a0 === undefined || !SHELLS.has(toolKey(basename(a0)))) return null;
  const ci = args.findIndex((a, i) => i > 0 && isCommandStringOption(a.value));
  const s = ci < 0 ? undefined : args[ci + 1];
  if (s === undefined) return null;
  const inner = source.text.slice(s.range.start + 1, s.range.end - 1);
  if (inner !== s.value) return null;
  return { text: s.value, segments: [{ at: 0, src: s.range.start + 1, length: s.value.length }] };
}

/** Every script an instruction runs (ONBUILD: its trigger's). Non-command instructions give none. */
export function instructionScripts(source: SourceFile, instr: Instruction, opts: ParseOptions): ShellScript[] {
  if (instr.kind === 'ONBUILD') return instr.trigger === null ? [] : instructionScripts(source, instr.trigger, opts);
  if (instr.kind !== 'RUN' && instr.kind !== 'CMD' && instr.kind !== 'ENTRYPOINT' && instr.kind !== 'HEALTHCHECK') return [];
  const cmd = instr.command;
  if (cmd === null) return [];
  if (cmd.form === 'exec') {
    const m = execScript(source, cmd.args);
    return m === null ? [] : [parseScript(m, { ...opts, shell: shellKindOf(cmd.args[0]!.value) })];
  }
  const heredocs = instr.heredocs;
  if (heredocs.length > 0 && isBareHeredoc(cmd.script.text, heredocs)) return [parseHeredocScript(heredocs[0]!.body, opts)];
  if (heredocs.length > 0) return [parseScript(withHeredocs(cmd.script, heredocs), opts)];
  return [parseScript(cmd.script, opts)];
}
