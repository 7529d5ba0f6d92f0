/**
 * Environment variables the build sets: ENV pairs, ARG defaults, `VAR=x cmd` prefixes and `export VAR=x` in RUN
 * scripts, each with its literal value (quotes removed) and the range of the assignment. Values that depend on other
 * variables are skipped (null): rules only judge what is written.
 */
import { perModel } from '../../model/memo.js';
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';
import type { Range } from '../../source.js';
import { commandsOfModel } from './shell.js';

export interface EnvSetting {
  readonly name: string;
  /** Literal value, or null when it contains a variable reference or a command substitution. */
  readonly value: string | null;
  readonly range: Range;
  readonly facts: InstructionFacts;
  readonly via: 'ENV' | 'ARG' | 'RUN';
}

function unquote(raw: string): string | null {
  let v = raw;
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
  if (v.includes('$') || v.includes('`')) return null;
  return v;
}

/** Every environment variable assignment of the file, in order (computed once per model: the array is shared, do
 * not modify it). */
export const envSettings: (model: DockerfileModel) => readonly EnvSetting[] = perModel(collect);

function collect(model: DockerfileModel): EnvSetting[] {
  const out: EnvSetting[] = [];
  for (const f of model.instructions) {
    const i = f.instruction;
    if (i.kind === 'ENV') {
      for (const p of i.pairs) out.push({ name: p.key.value, value: unquote(p.value.value), range: p.range, facts: f, via: 'ENV' });
    } else if (i.kind === 'ARG') {
      for (const d of i.definitions) {
        if (d.value === null) continue;
        out.push({ name: d.name, value: unquote(d.value), range: d.range, facts: f, via: 'ARG' });
      }
    }
  }
  for (const { at, cmd } of commandsOfModel(model)) {
    // nearly every command has no `VAR=x` prefix: no iterator over the shared empty list
    if (cmd.assignments.length > 0) {
      for (const a of cmd.assignments) {
        out.push({ name: a.name, value: a.value === null ? '' : a.value.value, range: a.range, facts: at.facts, via: 'RUN' });
      }
    }
    if (cmd.tool === 'export' || cmd.tool === 'declare' || cmd.tool === 'typeset') {
      for (const w of cmd.args) {
        const text = w.value ?? w.prefix;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(text);
        if (m === null) continue;
        out.push({ name: m[1]!, value: w.value === null ? null : w.value.slice(m[0].length), range: w.range, facts: at.facts, via: 'RUN' });
      }
    }
  }
  return out;
}
