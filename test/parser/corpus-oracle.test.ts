/**
 * The parser against BuildKit itself on 1,475 real Dockerfiles (../shared/conformance/corpus-oracle/oracle.jsonl,
 * produced by BuildKit's parser): acceptance, Node.Dump(), and per instruction the keyword, lines, flags, arguments
 * and heredocs, plus the escape character. Everything must agree.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { dump } from '../../src/parser/dump.js';
import { parseFile, sharedDir } from './helpers.js';

interface OracleInstruction {
  keyword: string;
  startLine: number;
  endLine: number;
  original: string;
  flags: string[];
  args: string[];
  heredocs: { name: string; content: string; chomp: boolean; expand: boolean }[];
}
interface OracleLine {
  file: string;
  ok: boolean;
  error: string;
  escape: string;
  warnings: number;
  dump: string;
  instructions: OracleInstruction[];
}

const oraclePath = join(sharedDir, 'conformance', 'corpus-oracle', 'oracle.jsonl');
const filesDir = join(sharedDir, 'corpus', 'files');
const lines: OracleLine[] = readFileSync(oraclePath, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as OracleLine);

it('corpus oracle: 100% agreement with BuildKit', () => {
  const counts = { files: 0, ok: 0, dump: 0, instructions: 0, escape: 0, original: 0, warnings: 0 };
  const failures: string[] = [];
  let instructionTotal = 0;
  for (const o of lines) {
    counts.files++;
    const df = parseFile(join(filesDir, o.file));
    const fail = (what: string) => failures.push(`${o.file}: ${what}`);
    const hasError = df.allErrors.length > 0;
    if (o.ok === !hasError) counts.ok++;
    else fail(`ok=${o.ok} but errors=${JSON.stringify(df.allErrors)}`);
    // a rejected file has no BuildKit result, so the oracle records no escape character for it
    if (!o.ok || df.escape === o.escape) counts.escape++;
    else fail(`escape ${df.escape} != ${o.escape}`);
    const warned = df.diagnostics.filter((d) => d.code === 'empty-continuation').length;
    if (warned === o.warnings) counts.warnings++;
    else fail(`empty-continuation warnings ${warned} != ${o.warnings}`);
    if (!o.ok) continue; // BuildKit produced no tree for a rejected file: nothing more to compare
    if (dump(df) === o.dump) counts.dump++;
    else fail(`dump differs:\n${dump(df)}\n---\n${o.dump}`);
    instructionTotal += o.instructions.length;
    if (df.instructions.length !== o.instructions.length) {
      fail(`instruction count ${df.instructions.length} != ${o.instructions.length}`);
      continue;
    }
    o.instructions.forEach((exp, i) => {
      const got = df.instructions[i]!;
      const mine = {
        keyword: got.keyword,
        rawKeyword: got.rawKeyword,
        startLine: got.startLine,
        endLine: got.endLine,
        flags: got.flags.map((f) => f.raw),
        args: got.args.map((a) => a.value),
        heredocs: got.heredocs.map((h) => ({ name: h.name, content: h.content, chomp: h.chomp, expand: h.expand })),
      };
      const theirs = {
        keyword: exp.keyword.toUpperCase(),
        rawKeyword: exp.keyword,
        startLine: exp.startLine,
        endLine: exp.endLine,
        flags: exp.flags,
        args: exp.args,
        heredocs: exp.heredocs.map((h) => ({ name: h.name, content: h.content, chomp: h.chomp, expand: h.expand })),
      };
      try {
        assert.deepEqual(mine, theirs);
        counts.instructions++;
      } catch {
        fail(`instruction ${i + 1}: ${JSON.stringify(mine)} != ${JSON.stringify(theirs)}`);
      }
      if (got.original === exp.original) counts.original++;
      else fail(`instruction ${i + 1} original ${JSON.stringify(got.original)} != ${JSON.stringify(exp.original)}`);
    });
  }
  const okFiles = lines.filter((o) => o.ok).length;
  console.log(
    `corpus oracle: ${counts.files} files; acceptance ${counts.ok}/${counts.files}; escape ${counts.escape}/${counts.files}; ` +
      `warnings ${counts.warnings}/${counts.files}; dump ${counts.dump}/${okFiles}; instructions ${counts.instructions}/${instructionTotal}; ` +
      `original ${counts.original}/${instructionTotal}`,
  );
  assert.equal(lines.length, 1475);
  assert.deepEqual(failures.slice(0, 20), []);
});
