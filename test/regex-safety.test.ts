/**
 * ReDoS-proofing: every regular expression in src/**\/*.ts (regex literals, `new RegExp(...)`/`RegExp(...)` with a
 * literal pattern, and string literals handed to `.match`/`.matchAll`/`.search`, which compile them to regexes) is
 * found by walking the TypeScript AST and checked for catastrophic backtracking with recheck. A vulnerable regex is
 * reported with file:line, its complexity and the attack string. A RegExp built from a non-literal pattern must carry
 * a `// regex-safety: <why safe>` comment on its line or the line above.
 *
 * recheck runs with its pure-JavaScript backend on worker threads of this process (test/helpers/recheck-worker.mjs):
 * no native binary, no Java, no download (each worker makes child_process.spawn and friends throw). Each distinct
 * pattern is checked once; the threads share the work.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
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

// --- recheck, pure-JS backend only, in worker threads ----------------------------------------------------------

interface Verdict {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  readonly ms: number;
  readonly summary?: string;
  readonly type?: string;
  readonly pattern?: string;
  readonly attack?: string;
  readonly error?: string;
}

/** recheck's budget per regex (wall clock). The slowest regex of src/ needs a fraction of it on an idle machine. */
const TIMEOUT_MS = 10_000;

/**
 * Checks each distinct (pattern, flags) once, on `workers` threads (test/helpers/recheck-worker.mjs) that take the
 * next regex as soon as they are free, the longest patterns first.
 */
async function checkAll(items: readonly { source: string; flags: string }[], workers: number, timeout = TIMEOUT_MS): Promise<Verdict[]> {
  const order = items.map((_, k) => k).sort((a, b) => items[b]!.source.length - items[a]!.source.length);
  const results: Verdict[] = new Array(items.length);
  const pool = Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, () => new Worker(new URL('./helpers/recheck-worker.mjs', import.meta.url)));
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              const k = order[next++];
              if (k === undefined) return resolve();
              w.postMessage({ id: k, source: items[k]!.source, flags: items[k]!.flags, timeout });
            };
            w.on('message', (m: Verdict & { id: number }) => {
              results[m.id] = m;
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => (next < order.length || code !== 0 ? reject(new Error(`recheck worker exited (${code})`)) : undefined));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

/**
 * `checkAll`, then once more, alone and with three times the budget, for every regex recheck gave up on for lack of
 * time: on a loaded shared machine a regex that takes a second when idle can use up the budget (seen once in CI-like
 * runs at load average 8). A regex that still times out is reported as undecided, as before.
 */
async function checkAllPatiently(items: readonly { source: string; flags: string }[], workers: number): Promise<Verdict[]> {
  const verdicts = await checkAll(items, workers);
  const late = verdicts.flatMap((v, k) => (v.status === 'unknown' && /timeout/i.test(v.error ?? '') ? [k] : []));
  if (late.length > 0) {
    const again = await checkAll(late.map((k) => items[k]!), 1, 3 * TIMEOUT_MS);
    late.forEach((k, j) => (verdicts[k] = again[j]!));
  }
  return verdicts;
}

/** A one-line verdict, or null when safe. */
function describeVerdict(where: string, d: Verdict): string | null {
  if (d.status === 'safe') return null;
  if (d.status === 'vulnerable') {
    const a = d.attack ?? '';
    const attack = JSON.stringify(a.length > 80 ? a.slice(0, 80) + '…' : a);
    return `${where}: ${d.summary} (${d.type}); attack ${d.pattern} e.g. ${attack}`;
  }
  return `${where}: recheck could not decide (${d.error})`;
}

const WORKERS = Math.min(2, availableParallelism());

describe('regex safety', () => {
  it('the collector finds literals, constructors, string-method patterns and dynamic RegExps', () => {
    const sample = [
      'const a = /a+b/g;',
      "const b = new RegExp('x*y', 'i');",
      'const c = RegExp(`q?`);',
      "const d = s.match('z+');",
      'const e = new RegExp(pattern);',
      '// regex-safety: escaped with escapeRegExp, no quantifiers',
      'const f = new RegExp(escape(p), "g");',
      'const g = "/not a regex/";',
    ].join('\n');
    const { found, dynamic } = collectRegexes('sample.ts', sample);
    assert.deepEqual(
      found.map((f) => [f.line, f.kind, f.source, f.flags]),
      [
        [1, 'literal', 'a+b', 'g'],
        [2, 'constructor', 'x*y', 'i'],
        [3, 'constructor', 'q?', ''],
        [4, 'string-method', 'z+', ''],
      ],
    );
    assert.deepEqual(
      dynamic.map((d) => [d.line, d.justification]),
      [
        [5, null],
        [7, 'escaped with escapeRegExp, no quantifiers'],
      ],
    );
  });

  it('recheck (pure backend, worker threads) flags known-catastrophic patterns and passes a safe one', async () => {
    const [bad, poly, ok] = await checkAll(
      [
        { source: '^(a+)+$', flags: '' },
        { source: '\\s*=\\s*$', flags: '' },
        { source: '^[a-z]+$', flags: 'i' },
      ],
      WORKERS,
    );
    assert.match(describeVerdict('x', bad!) ?? '', /exponential/);
    assert.match(describeVerdict('x', poly!) ?? '', /polynomial/);
    assert.equal(describeVerdict('x', ok!), null);
  });

  const { found, dynamic } = collectAll(srcDir);

  it(`every regex in src/ is free of catastrophic backtracking (${found.length} found)`, async (t) => {
    assert.ok(found.length > 0, 'no regex found in src/: the collector is broken');
    // identical patterns (the same flags) get one check; a problem lists every place it is written
    const groups = new Map<string, FoundRegex[]>();
    for (const r of found) {
      const key = `${r.flags}/${r.source}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    const distinct = [...groups.values()];
    const started = Date.now();
    const verdicts = await checkAllPatiently(distinct.map((g) => ({ source: g[0]!.source, flags: g[0]!.flags })), WORKERS);
    const problems: string[] = [];
    distinct.forEach((g, k) => {
      const where = g.map((r) => `${r.file}:${r.line}`).join(', ') + ` /${g[0]!.source}/${g[0]!.flags}`;
      const v = describeVerdict(where, verdicts[k]!);
      if (v !== null) problems.push(v);
    });
    const slowest = distinct
      .map((g, k) => ({ ms: verdicts[k]!.ms, at: `${g[0]!.file}:${g[0]!.line}` }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3);
    t.diagnostic(
      `${found.length} regexes (${distinct.length} distinct) in ${new Set(found.map((f) => f.file)).size} files checked in ` +
        `${Date.now() - started} ms on ${WORKERS} threads; slowest: ${slowest.map((x) => `${x.at} ${x.ms} ms`).join(', ')}`,
    );
    assert.equal(verdicts.filter((v) => v !== undefined).length, distinct.length, 'a regex got no verdict');
    assert.deepEqual(problems, [], 'vulnerable regexes:\n' + problems.join('\n'));
  });

  it('every RegExp built from a non-literal pattern says why it is safe', (t) => {
    for (const d of dynamic) t.diagnostic(`${d.file}:${d.line} ${d.code} — ${d.justification ?? 'NO JUSTIFICATION'}`);
    const missing = dynamic.filter((d) => d.justification === null).map((d) => `${d.file}:${d.line}: ${d.code}`);
    assert.deepEqual(missing, [], 'add a `// regex-safety: <why safe>` comment:\n' + missing.join('\n'));
  });
});
