/**
 * Glue for the model: the shell facts of one build stage. Given the stage's instructions in order with the shell,
 * variables and WORKDIR in effect at each, returns the parsed scripts per instruction and the stage's dataflow
 * (RUN scripts, `ADD <url>` with/without `--checksum`, COPY/ADD replacing files).
 */
import type { Instruction } from '../parser/ast.js';
import type { SourceFile } from '../source.js';
import { basename } from './commands.js';
import type { ShellScript } from './commands.js';
import { analyzeDataflow, stripQueryAndFragment, trimTrailingSlashes } from './dataflow.js';
import type { Dataflow, StageStep } from './dataflow.js';
import { instructionScripts } from './instruction.js';
import { UNKNOWN } from './types.js';
import type { EnvLookup, ShellKind } from './types.js';

/**
 * Adapts a lookup whose "unknown" marker is an object (the model's `EnvValue`: `string | { unknown: true }`,
 * undefined = unset) to the shell's `EnvLookup`. Structural, so the shell does not depend on the model.
 */
export function envFrom(lookup: (name: string) => string | { readonly unknown: true } | undefined): EnvLookup {
  return (name) => {
    const v = lookup(name);
    return v === undefined || typeof v === 'string' ? v : UNKNOWN;
  };
}

export interface StageInstruction {
  readonly instruction: Instruction;
  /** Shell in effect (from SHELL; default `sh`). */
  readonly shell: ShellKind;
  /** Variables in effect for this instruction's scripts (ENV and ARG values; UNKNOWN for args without value). */
  readonly env?: EnvLookup;
  /** WORKDIR in effect (absolute), or null/undefined when unknown. */
  readonly workdir?: string | null;
  /** Expands a Dockerfile word (ADD/COPY sources and destination) with BuildKit's rules; null when unknown. */
  readonly expand?: (word: string) => string | null;
}

export interface StageShellFacts {
  /** Parsed scripts per instruction (RUN/CMD/ENTRYPOINT/HEALTHCHECK; ONBUILD triggers too). */
  readonly scripts: ReadonlyMap<Instruction, readonly ShellScript[]>;
  readonly dataflow: Dataflow;
}

const URL_SOURCE = /^(?:https?|ftp):\/\/|^git@|\.git(?:#|$)/i;

export function analyzeStage(source: SourceFile, items: readonly StageInstruction[]): StageShellFacts {
  const scripts = new Map<Instruction, readonly ShellScript[]>();
  const steps: StageStep[] = [];
  for (const it of items) {
    const instr = it.instruction;
    const opts = it.env === undefined ? { shell: it.shell } : { shell: it.shell, env: it.env };
    const list = instructionScripts(source, instr, opts);
    if (list.length > 0) scripts.set(instr, list);
    const workdir = it.workdir ?? undefined;
    if (instr.kind === 'RUN') {
      for (const s of list) steps.push(workdir === undefined ? { kind: 'run', script: s } : { kind: 'run', script: s, workdir });
    } else if (instr.kind === 'ADD' || instr.kind === 'COPY') {
      const ex = it.expand ?? ((w: string) => w);
      const destRaw = instr.destination === null ? null : ex(instr.destination.value);
      if (destRaw === null) continue;
      const many = instr.sources.length > 1 || destRaw.endsWith('/');
      const checksum = instr.flags.some((f) => f.name === 'checksum' && f.value !== null && f.value !== '');
      const fromStage = instr.flags.some((f) => f.name === 'from');
      for (const src of instr.sources) {
        const v = ex(src.value);
        if (v === null || v.startsWith('<<')) continue;
        const dest = many ? `${trimTrailingSlashes(destRaw)}/${basename(trimTrailingSlashes(stripQueryAndFragment(v)))}` : destRaw;
        // literals rather than spreads of a shared part (object spread takes V8's generic cloning path)
        const range = src.range;
        if (instr.kind === 'ADD' && !fromStage && URL_SOURCE.test(v)) {
          const addDest = many && !/\.git(#|$)/.test(v) ? destRaw : dest;
          steps.push(workdir === undefined ? { kind: 'add', url: v, dest: addDest, checksum, range } : { kind: 'add', url: v, dest: addDest, checksum, range, workdir });
        } else steps.push(workdir === undefined ? { kind: 'copy', dest, range } : { kind: 'copy', dest, range, workdir });
      }
    }
  }
  return { scripts, dataflow: analyzeDataflow(steps) };
}
