import { expand } from '../../model/build.js';
import { processWord, UNKNOWN } from '../../model/expand.js';
import type { ExpandResult } from '../../model/expand.js';
import type { DockerfileModel } from '../../model/types.js';
import type { Instruction } from '../../parser/ast.js';
import type { Range } from '../../source.js';
import { perModel } from '../../model/memo.js';

/** A word BuildKit expands (build variables) in a non-RUN instruction. */
export interface ExpandedSite {
  readonly instruction: Instruction;
  /** The word as BuildKit hands it to the expander. */
  readonly text: string;
  /** Source range of the word. */
  readonly range: Range;
  readonly result: ExpandResult;
}

const ARG_WORDS: ReadonlySet<string> = new Set(['COPY', 'ADD', 'WORKDIR', 'USER', 'EXPOSE', 'VOLUME', 'STOPSIGNAL']);

/**
 * Every expanded word of the file's own instructions (ONBUILD triggers excluded: they expand in a downstream
 * build): FROM image, COPY/ADD paths (heredoc markers excluded), ENV and LABEL values, ARG defaults, WORKDIR, USER,
 * EXPOSE, VOLUME, STOPSIGNAL arguments.
 */
export const expandedSites: (model: DockerfileModel) => readonly ExpandedSite[] = perModel(collectExpandedSites);

// One expansion per word and model, shared by the rules that read them (re-expanding per rule multiplied the work on
// huge values and spent the model's expansion budget once per rule).

function collectExpandedSites(model: DockerfileModel): ExpandedSite[] {
  const out: ExpandedSite[] = [];
  const add = (instruction: Instruction, text: string, range: Range): void => {
    if (text.includes('$')) out.push({ instruction, text, range, result: expand(model, text, instruction) });
  };
  for (const i of model.dockerfile.instructions) {
    if (i.kind === 'FROM') {
      if (i.image) add(i, i.image.value, i.image.range);
    } else if (i.kind === 'ENV' || i.kind === 'LABEL') {
      for (const p of i.pairs) add(i, p.value.value, p.value.range);
    } else if (i.kind === 'ARG') {
      for (const d of i.definitions) if (d.value !== null && d.valueRange !== null) add(i, d.value, d.valueRange);
    } else if (ARG_WORDS.has(i.kind)) {
      for (const a of i.args) if (!a.value.startsWith('<<')) add(i, a.value, a.range);
    }
  }
  return out;
}

/** Source offset of `offset` in a word's text (exact when the source spells the word as is, or quoted). */
export function sourceOffset(sourceText: string, site: { text: string; range: Range }, offset: number): number {
  const written = sourceText.slice(site.range.start, site.range.end);
  if (written === site.text) return site.range.start + offset;
  if (written.length === site.text.length + 2 && written.slice(1, -1) === site.text) return site.range.start + 1 + offset;
  return site.range.start;
}

/** Names of the variables a word references, in order (quotes and escapes honoured). */
export function referencedNames(text: string, escape: '\\' | '`'): string[] {
  const names: string[] = [];
  processWord(text, (name) => {
    names.push(name);
    return UNKNOWN;
  }, { escape });
  return names;
}

/** The source range of the first `$NAME` / `${NAME…}` reference to `name` inside a site, or the site's range. */
export function referenceRange(sourceText: string, range: Range, name: string): Range {
  const written = sourceText.slice(range.start, range.end);
  for (let i = written.indexOf('$'); i >= 0; i = written.indexOf('$', i + 1)) {
    const brace = written[i + 1] === '{';
    const at = i + (brace ? 2 : 1);
    if (written.startsWith(name, at)) {
      const after = written.charCodeAt(at + name.length);
      const isNameChar = (after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95;
      if (isNameChar) continue;
      let end = at + name.length;
      if (brace) {
        const close = written.indexOf('}', end);
        end = close < 0 ? end : close + 1;
      }
      return { start: range.start + i, end: range.start + end };
    }
  }
  return range;
}
