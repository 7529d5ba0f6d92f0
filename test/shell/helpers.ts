import type { MappedText } from '../../src/source.js';

/** An identity-mapped text (script offsets = source offsets), optionally placed at `base`. */
export function mt(text: string, base = 0): MappedText {
  return { text, segments: [{ at: 0, src: base, length: text.length }] };
}
