import type { ImageRef } from '../../model/image-ref.js';
import type { DockerfileModel, Stage } from '../../model/types.js';
import type { Range } from '../../source.js';

export interface ExternalBase {
  readonly stage: Stage;
  readonly ref: ImageRef;
  /** The image word of the FROM line. */
  readonly range: Range;
  /** The image word as written. */
  readonly raw: string;
}

/** Stages built FROM an external image (not `scratch`, not an earlier stage), with the parsed reference. */
export function externalBases(model: DockerfileModel): ExternalBase[] {
  const out: ExternalBase[] = [];
  for (const stage of model.stages) {
    const b = stage.base;
    if (b.kind !== 'image' || b.ref === null || b.range === null) continue;
    out.push({ stage, ref: b.ref, range: b.range, raw: b.raw });
  }
  return out;
}

/**
 * The range of a literal piece of the image word (`:latest`, a registry host) when the FROM line writes it as is
 * (the image word of FROM is never quoted in the source: BuildKit takes it verbatim). Falls back to the whole word.
 */
export function literalPieceRange(model: DockerfileModel, word: Range, piece: string, where: 'start' | 'end' | 'tag'): Range {
  const text = model.source.text.slice(word.start, word.end);
  let at = -1;
  if (where === 'start') at = text.startsWith(piece) ? 0 : -1;
  else if (where === 'end') at = text.endsWith(piece) ? text.length - piece.length : -1;
  else {
    // a tag: followed by the end of the word or by `@digest`
    const i = text.lastIndexOf(piece);
    if (i >= 0 && (i + piece.length === text.length || text[i + piece.length] === '@')) at = i;
  }
  return at < 0 ? word : { start: word.start + at, end: word.start + at + piece.length };
}
