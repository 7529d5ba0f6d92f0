/** dockaudit library entry. */
export * from './parser/index.js';
export { SourceFile, toSourceOffset, toSourceRange, range } from './source.js';
export type { MappedSegment, MappedText, Position, Range } from './source.js';
