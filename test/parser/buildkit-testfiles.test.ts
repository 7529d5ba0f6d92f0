/**
 * BuildKit's own parser conformance data (../shared/conformance/buildkit-parser): every positive test file must dump
 * exactly as BuildKit's `Node.Dump()`, every negative one must yield an error, and the table-driven cases extracted
 * from BuildKit's Go tests must hold.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectSyntax, parseDirective, DirectiveParser } from '../../src/parser/directives.js';
import { dump } from '../../src/parser/dump.js';
import { heredocsFromLine, parseHeredocWord } from '../../src/parser/heredoc.js';
import { parseWords } from '../../src/parser/lines.js';
import { parseFile, parseText, sharedDir } from './helpers.js';

const base = join(sharedDir, 'conformance', 'buildkit-parser');
const cases = JSON.parse(readFileSync(join(base, 'cases.json'), 'utf8')) as Record<string, any>;

describe('buildkit testfiles', () => {
  const dirs = readdirSync(join(base, 'testfiles')).sort();
  it('has the 33 positive cases', () => assert.equal(dirs.length, 33));
  for (const d of dirs) {
    it(`dump matches: ${d}`, () => {
      const df = parseFile(join(base, 'testfiles', d, 'Dockerfile'));
      assert.deepEqual(df.allErrors, []);
      const expected = readFileSync(join(base, 'testfiles', d, 'result'), 'utf8');
      assert.equal(dump(df) + '\n', expected);
    });
  }
});

describe('buildkit testfiles-negative', () => {
  const dirs = readdirSync(join(base, 'testfiles-negative')).sort();
  it('has the 4 negative cases', () => assert.equal(dirs.length, 4));
  for (const d of dirs) {
    it(`yields an error: ${d}`, () => {
      const df = parseFile(join(base, 'testfiles-negative', d, 'Dockerfile'));
      assert.ok(df.allErrors.length > 0, 'expected an error diagnostic');
    });
  }
});

describe('buildkit testfile-line', () => {
  it('line numbers', () => {
    const exp = cases.line_numbers.expected;
    const df = parseFile(join(base, 'testfile-line', 'Dockerfile'));
    assert.equal(df.instructions[0]!.startLine, exp.ast_start_line);
    assert.equal(df.instructions[df.instructions.length - 1]!.endLine, exp.ast_end_line);
    assert.deepEqual(
      df.instructions.map((i) => [i.startLine, i.endLine]),
      exp.children,
    );
  });
});

describe('cases.json', () => {
  it('heredoc_extraction', () => {
    const c = cases.heredoc_extraction;
    const df = parseText(c.dockerfile);
    assert.deepEqual(df.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(df.instructions.length, c.expected.length + 1);
    c.expected.forEach((exp: any[] | null, i: number) => {
      const got = df.instructions[i + 1]!.heredocs.map((h) => ({
        name: h.name,
        content: h.content,
        expand: h.expand,
        chomp: h.chomp,
        fileDescriptor: h.fileDescriptor,
      }));
      const want = (exp ?? []).map((h) => ({
        name: h.name,
        content: h.content,
        expand: h.expand,
        chomp: h.chomp,
        fileDescriptor: h.fileDescriptor,
      }));
      assert.deepEqual(got, want, `instruction ${i + 1}: ${df.instructions[i + 1]!.original}`);
    });
  });

  it('json_form_not_heredoc', () => {
    const c = cases.json_form_not_heredoc;
    const df = parseText(c.dockerfile);
    for (const i of c.children_without_heredocs as number[]) {
      assert.equal(df.instructions[i]!.json, true);
      assert.deepEqual(df.instructions[i]!.heredocs, []);
    }
  });

  it('heredoc_chomp: the build text strips leading tabs', () => {
    for (const c of cases.heredoc_chomp as { input: string; expected: string }[]) {
      const df = parseText(`FROM a\nRUN <<-EOF\n${c.input}EOF\n`);
      const h = df.instructions[1]!.heredocs[0]!;
      assert.equal(h.content, c.input);
      assert.equal(h.body.text, c.expected);
    }
  });

  it('parse_heredoc_word', () => {
    const c = cases.parse_heredoc_word;
    for (const w of c.valid_name_EOF as string[]) {
      const h = parseHeredocWord(w);
      assert.ok(h && !('error' in h), w);
      assert.equal((h as { name: string }).name, 'EOF', w);
    }
    for (const w of c.invalid_error as string[]) {
      const h = parseHeredocWord(w);
      assert.ok(h && 'error' in h, `expected an error for ${w}`);
    }
    for (const w of c.not_heredoc as string[]) assert.equal(parseHeredocWord(w), null, w);
  });

  it('heredocs_from_line', () => {
    for (const c of cases.heredocs_from_line as { line: string; heredocNames: string[] | null }[]) {
      const r = heredocsFromLine(c.line);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.heredocs.map((h) => h.name), c.heredocNames ?? [], c.line);
    }
  });

  it('parse_words', () => {
    for (const c of cases.parse_words as { input: string; expected: string[] }[]) {
      assert.deepEqual(parseWords(c.input, 0, c.input.length, '\\').map((w) => w.value), c.expected, c.input);
    }
  });

  it('directives_parse_all', () => {
    for (const c of cases.directives_parse_all.cases as { input: string; expected: { name: string; value: string }[] }[]) {
      const p = new DirectiveParser('#');
      const got: { name: string; value: string }[] = [];
      for (const line of c.input.split('\n')) {
        if (p.done) break;
        const r = p.parseLine(line);
        if (r && !('error' in r)) got.push({ name: r.name, value: r.value });
      }
      assert.deepEqual(got, c.expected);
      // and through the parser: the escape directive is recorded, the other comments are not directives
      const df = parseText(c.input + 'FROM a\n');
      assert.deepEqual(df.directives.map((d) => ({ name: d.name, value: d.value })), c.expected);
    }
  });

  const checkDetected = (c: any, got: ReturnType<typeof detectSyntax>) => {
    assert.equal(got.ok, c.ok, c.input);
    if ('ref' in c) assert.equal(got.ref, c.ref, c.input);
    if ('cmdline' in c) assert.equal(got.cmdline, c.cmdline, c.input);
    if ('line' in c) assert.equal(got.line, c.line, c.input);
  };

  it('detect_syntax', () => {
    for (const c of cases.detect_syntax.cases as any[]) {
      const prefix = c.input_hex_prefix ? Buffer.from(c.input_hex_prefix, 'hex').toString('utf8') : '';
      checkDetected(c, detectSyntax(prefix + c.input));
    }
  });

  it('parse_directive_check', () => {
    for (const c of cases.parse_directive_check.cases as any[]) checkDetected(c, parseDirective('check', c.input));
  });

  it('all sections are covered', () => {
    const covered = [
      'source',
      'heredoc_extraction',
      'json_form_not_heredoc',
      'heredoc_chomp',
      'parse_heredoc_word',
      'heredocs_from_line',
      'parse_words',
      'directives_parse_all',
      'detect_syntax',
      'parse_directive_check',
      'line_numbers',
    ];
    assert.deepEqual(Object.keys(cases).sort(), covered.sort());
    assert.ok(existsSync(join(base, 'testfile-line', 'Dockerfile')));
  });
});
