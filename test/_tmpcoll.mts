import { readdirSync, readFileSync, statSync } from 'node:fs'; import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const repoRoot = process.cwd();
const srcDir = join(repoRoot, 'src');

export interface FoundRegex {
  readonly file: string;
  readonly line: number;
  readonly kind: 'literal' | 'constructor' | 'string-method';
  readonly source: string;
  readonly flags: string;
}

export interface DynamicRegex {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** The text after `regex-safety:`, or null when the comment is missing. */
  readonly justification: string | null;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (e.endsWith('.ts') && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The value of a string literal or a template literal without substitutions, else null. */
function literalString(node: ts.Node | undefined): string | null {
  if (node === undefined) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalString(node.expression);
  return null;
}

const SAFETY = /\/\/\s*regex-safety:(.*)$/;

/** `// regex-safety: …` on the line of `line` (1-based) or on the line above it. */
function justification(lines: readonly string[], line: number): string | null {
  for (const l of [line, line - 1]) {
    const m = SAFETY.exec(lines[l - 1] ?? '');
    if (m && m[1]!.trim() !== '') return m[1]!.trim();
  }
  return null;
}

/** Every regex (and dynamic RegExp construction) in one TypeScript source text. */
export function collectRegexes(file: string, text: string): { found: FoundRegex[]; dynamic: DynamicRegex[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const found: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const t = node.getText(sf);
      const slash = t.lastIndexOf('/');
      found.push({ file, line: lineOf(node), kind: 'literal', source: t.slice(1, slash), flags: t.slice(slash + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      const pattern = literalString(args[0]);
      const flags = args.length > 1 ? literalString(args[1]) : '';
      const first = args[0];
      if (first && first.kind === ts.SyntaxKind.RegularExpressionLiteral && (args.length < 2 || flags !== null)) {
        // new RegExp(/re/, 'g'): the literal itself is collected when visited; only the flags change
        const t = first.getText(sf);
        const slash = t.lastIndexOf('/');
        if (flags !== null && args.length > 1)
          found.push({ file, line: lineOf(node), kind: 'constructor', source: t.slice(1, slash), flags });
      } else if (pattern !== null && flags !== null) {
        found.push({ file, line: lineOf(node), kind: 'constructor', source: pattern, flags });
      } else {
        const line = lineOf(node);
        dynamic.push({ file, line, code: node.getText(sf).slice(0, 120), justification: justification(lines, line) });
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['match', 'matchAll', 'search'].includes(node.expression.name.text) &&
      node.arguments.length === 1
    ) {
      // String.prototype.match/matchAll/search compile a string argument to a RegExp
      const pattern = literalString(node.arguments[0]);
      if (pattern !== null)
        found.push({ file, line: lineOf(node), kind: 'string-method', source: pattern, flags: node.expression.name.text === 'matchAll' ? 'g' : '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { found, dynamic };
}

export function collectAll(dir: string): { found: FoundRegex[]; dynamic: DynamicRegex[] } {
  const found: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  for (const f of tsFiles(dir)) {
    const r = collectRegexes(relative(repoRoot, f), readFileSync(f, 'utf8'));
    found.push(...r.found);
    dynamic.push(...r.dynamic);
  }
  return { found, dynamic };
}

// --- recheck, pure-JS backend only --------------------------------------------------------------------------------
