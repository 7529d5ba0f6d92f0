export * from './ast.js';
export { decodeBytes } from './decode.js';
export { parse } from './parse.js';
export { dump, dumpInstruction } from './dump.js';
export { detectSyntax, parseDirective } from './directives.js';
export type { DetectedDirective } from './directives.js';
export { heredocsFromLine, parseHeredocWord } from './heredoc.js';
export { parseWords } from './lines.js';
