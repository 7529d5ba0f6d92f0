/**
 * A deliberately tiny Dockerfile reader for these tests (one instruction per line, `#` comment lines, leading
 * directives), producing the shared AST shape so suppressions can be tested before/independently of the real
 * parser. Only the fields the suppression pass reads are meaningful.
 */
import type { Comment, Directive, Dockerfile, Instruction } from '../../src/parser/ast.js';
import { SourceFile } from '../../src/source.js';

export function miniParse(text: string, path = 'Dockerfile'): Dockerfile {
  const source = new SourceFile(path, text);
  const comments: Comment[] = [];
  const directives: Directive[] = [];
  const instructions: Instruction[] = [];
  let pending: Comment[] = [];
  let inDirectives = true;
  for (let l = 1; l <= source.lineCount; l++) {
    const lineText = source.lineText(l);
    const start = source.lineStarts[l - 1]!;
    const trimmed = lineText.trim();
    if (trimmed === '') {
      pending = [];
      inDirectives = false;
      continue;
    }
    if (trimmed.startsWith('#')) {
      const m = inDirectives ? /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lineText) : null;
      if (m) {
        const vStart = start + lineText.indexOf(m[2]!, lineText.indexOf('='));
        directives.push({
          name: m[1]!.toLowerCase(),
          value: m[2]!,
          range: { start, end: start + lineText.length },
          nameRange: { start: start + lineText.indexOf(m[1]!), end: start + lineText.indexOf(m[1]!) + m[1]!.length },
          valueRange: { start: vStart, end: vStart + m[2]!.length },
        });
        continue;
      }
      inDirectives = false;
      const hash = lineText.indexOf('#');
      const c: Comment = { text: lineText.slice(hash + 1), range: { start: start + hash, end: start + lineText.length } };
      comments.push(c);
      pending.push(c);
      continue;
    }
    inDirectives = false;
    const lead = lineText.length - lineText.trimStart().length;
    const kw = trimmed.split(/\s/)[0]!.toUpperCase();
    const range = { start: start + lead, end: start + lineText.length };
    const base = {
      keyword: kw,
      keywordRange: { start: range.start, end: range.start + kw.length },
      range,
      startLine: l,
      endLine: l,
      flags: [],
      args: [],
      json: false,
      heredocs: [],
      original: trimmed,
      rest: { text: '', segments: [] },
      comments: pending,
    };
    pending = [];
    if (kw === 'FROM') instructions.push({ ...base, kind: 'FROM', image: null, asKeyword: null, stageName: null });
    else instructions.push({ ...base, kind: 'UNKNOWN' });
  }
  return { source, escape: '\\', directives, instructions, comments, diagnostics: [] };
}
