/** One focused test per parser feature, asserting values and exact source ranges. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Dockerfile, Instruction } from '../../src/parser/ast.js';
import { decodeBytes } from '../../src/parser/decode.js';
import { dump } from '../../src/parser/dump.js';
import type { MappedText, Range } from '../../src/source.js';
import { toSourceOffset } from '../../src/source.js';
import { parseText } from './helpers.js';

const sl = (df: Dockerfile, r: Range | null | undefined) => (r ? df.source.slice(r) : undefined);
const errors = (df: Dockerfile) => df.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
const codes = (df: Dockerfile) => df.diagnostics.map((d) => d.code);

/** Every character of `m` maps to the same character of the source, except those in `synthetic`. */
function assertRoundTrip(df: Dockerfile, m: MappedText) {
  for (let i = 0; i < m.text.length; i++) {
    assert.equal(df.source.text[toSourceOffset(m, i)], m.text[i], `char ${i} of ${JSON.stringify(m.text)}`);
  }
}

describe('decode', () => {
  it('strips and remembers a BOM', () => {
    const { source, diagnostics } = decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x46, 0x52, 0x4f, 0x4d, 0x20, 0x61]), 'D');
    assert.equal(source.text, 'FROM a');
    assert.equal(source.bom, true);
    assert.deepEqual(diagnostics, []);
  });
  it('reports the first invalid UTF-8 byte with its position and decodes lossily', () => {
    const bytes = new Uint8Array([...Buffer.from('FROM a\nRUN é'), 0xff, 0x41]);
    const { source, diagnostics } = decodeBytes(bytes, 'D');
    assert.equal(source.text, 'FROM a\nRUN é\ufffdA');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'invalid-utf8');
    assert.equal(diagnostics[0]!.severity, 'error');
    assert.deepEqual(source.positionAt(diagnostics[0]!.range.start), { line: 2, column: 6 });
  });
  it('rejects truncated and overlong sequences', () => {
    assert.equal(decodeBytes(new Uint8Array([0x41, 0xe2, 0x82]), 'D').diagnostics[0]!.code, 'invalid-utf8');
    assert.equal(decodeBytes(new Uint8Array([0xc0, 0x80]), 'D').diagnostics[0]!.code, 'invalid-utf8');
    assert.equal(decodeBytes(new Uint8Array([0xed, 0xa0, 0x80]), 'D').diagnostics[0]!.code, 'invalid-utf8');
    assert.deepEqual(decodeBytes(new Uint8Array([0xf0, 0x9f, 0x98, 0x80]), 'D').diagnostics, []);
  });
  it('reports NUL bytes as binary content', () => {
    const { diagnostics, source } = decodeBytes(new Uint8Array([0x46, 0x0a, 0x00]), 'D');
    assert.deepEqual(diagnostics.map((d) => d.code), ['binary-content']);
    assert.deepEqual(source.positionAt(diagnostics[0]!.range.start), { line: 2, column: 1 });
  });
});

describe('directives', () => {
  it('reads syntax, escape and check case-insensitively with their ranges', () => {
    const df = parseText('# SYNTAX = docker/dockerfile:1\n#Escape=`\n#  check=skip=all  \nFROM a\n');
    assert.deepEqual(df.directives.map((d) => [d.name, d.value]), [
      ['syntax', 'docker/dockerfile:1'],
      ['escape', '`'],
      ['check', 'skip=all'],
    ]);
    assert.equal(sl(df, df.directives[0]!.nameRange), 'SYNTAX');
    assert.equal(sl(df, df.directives[2]!.valueRange), 'skip=all');
    assert.equal(df.escape, '`');
    assert.deepEqual(df.comments, []);
  });
  it('stop at the first non-directive line', () => {
    const df = parseText('# hello\n# escape=`\nFROM a\n');
    assert.deepEqual(df.directives, []);
    assert.equal(df.escape, '\\');
    assert.equal(df.comments.length, 2);
    const blank = parseText('\n# escape=`\nFROM a\n');
    assert.equal(blank.escape, '\\');
  });
  it('a repeated directive and an invalid escape are errors', () => {
    assert.deepEqual(errors(parseText('# escape=`\n# escape=\\\nFROM a\n')), ['duplicate-directive']);
    const bad = parseText('# escape=x\nFROM a\n');
    assert.deepEqual(errors(bad), ['invalid-escape']);
    assert.equal(sl(bad, bad.diagnostics[0]!.range), 'x');
  });
});

describe('lines and continuations', () => {
  it('joins continuations, drops comment lines, warns on empty continuation lines', () => {
    const src = 'FROM a\nRUN echo a \\\n# a comment\n\n    && echo b\n';
    const df = parseText(src);
    const run = df.instructions[1]!;
    assert.equal(run.original, 'RUN echo a     && echo b');
    assert.deepEqual([run.startLine, run.endLine], [2, 5]);
    assert.deepEqual(codes(df), ['empty-continuation']);
    assert.equal(df.diagnostics[0]!.severity, 'warning');
    assert.equal(df.comments[0]!.text, ' a comment');
    assert.equal(sl(df, run.range), 'RUN echo a \\\n# a comment\n\n    && echo b');
  });
  it('handles a backtick escape, CRLF and a continuation at EOF', () => {
    const df = parseText('# escape=`\r\nFROM a\r\nRUN dir `\r\n  c:\\ `');
    assert.equal(df.escape, '`');
    const run = df.instructions[1]!;
    assert.equal(run.original, 'RUN dir   c:\\ ');
    assert.equal(run.args[0]!.value, 'dir   c:\\');
    assert.deepEqual([run.startLine, run.endLine], [3, 4]);
    assert.equal(dump(df), '(from "a")\n(run "dir   c:\\\\")');
  });
  it('an escaped escape at the end of a line is not a continuation', () => {
    const df = parseText('FROM a\nRUN echo \\\\\nRUN b\n');
    assert.equal(df.instructions.length, 3);
  });
  it('attaches the comments directly above an instruction', () => {
    const df = parseText('FROM a\n# one\n\n# two\n# three\nRUN x\n');
    assert.deepEqual(df.instructions[1]!.comments.map((c) => c.text), [' two', ' three']);
    assert.equal(sl(df, df.instructions[1]!.comments[0]!.range), '# two');
  });
  it('a file without instructions is an error', () => {
    assert.deepEqual(errors(parseText('# just a comment\n\n')), ['no-instructions']);
    assert.deepEqual(errors(parseText('')), ['no-instructions']);
  });
});

describe('instructions', () => {
  const one = (src: string): [Dockerfile, Instruction] => {
    const df = parseText('FROM a\n' + src);
    return [df, df.instructions[1]!];
  };
  it('FROM with --platform and AS', () => {
    const df = parseText('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n');
    const f = df.instructions[0]!;
    assert.equal(f.kind, 'FROM');
    if (f.kind !== 'FROM') return;
    assert.equal(f.flags[0]!.name, 'platform');
    assert.equal(sl(df, f.flags[0]!.valueRange), '$BUILDPLATFORM');
    assert.equal(sl(df, f.flags[0]!.nameRange), 'platform');
    assert.equal(sl(df, f.image!.range), 'golang:1.22');
    assert.equal(sl(df, f.asKeyword!.range), 'AS');
    assert.equal(f.stageName!.value, 'build');
    assert.equal(sl(df, f.keywordRange), 'FROM');
  });
  it('flags: bare, valued, unknown and `--` ends them', () => {
    const [df, c] = one('COPY --link --chown=1:1 --frobnicate=yes -- --src /dst\n');
    assert.deepEqual(c.flags.map((f) => [f.name, f.value, f.raw]), [
      ['link', null, '--link'],
      ['chown', '1:1', '--chown=1:1'],
      ['frobnicate', 'yes', '--frobnicate=yes'],
    ]);
    assert.equal(c.flags[0]!.valueRange, null);
    assert.equal(sl(df, c.flags[1]!.range), '--chown=1:1');
    if (c.kind !== 'COPY') assert.fail();
    assert.equal(sl(df, c.sources[0]!.range), '--src');
    assert.equal(c.destination!.value, '/dst');
  });
  it('exec form: JSON escapes decoded, ranges cover the quoted strings', () => {
    const [df, c] = one('CMD [ "a\\u00e9\\b",\t"x  y" ]\n');
    assert.equal(c.json, true);
    assert.deepEqual(c.args.map((a) => a.value), ['aé\b', 'x  y']);
    assert.equal(sl(df, c.args[0]!.range), '"a\\u00e9\\b"');
    if (c.kind !== 'CMD') assert.fail();
    assert.equal(c.command.form, 'exec');
  });
  it('invalid JSON falls back to the shell form; non-string arrays are errors', () => {
    const [, c] = one("CMD ['a', 'b']\n");
    assert.equal(c.json, false);
    assert.deepEqual(c.args.map((a) => a.value), ["['a', 'b']"]);
    const [df2] = one('CMD ["a", 1]\n');
    assert.deepEqual(errors(df2), ['json-not-string-array']);
  });
  it('shell form script maps every character back to the source', () => {
    const [df, r] = one('RUN --mount=type=cache,target=/c apt-get update \\\n  # comment\n  && apt-get install -y \\\n     curl\n');
    if (r.kind !== 'RUN' || r.command.form !== 'shell') return assert.fail();
    assert.equal(r.command.script.text, 'apt-get update   && apt-get install -y      curl');
    assertRoundTrip(df, r.command.script);
    assertRoundTrip(df, r.rest);
    assert.equal(r.rest.text.startsWith('--mount=type=cache'), true);
  });
  it('ENV: key=value pairs and the legacy form, values raw', () => {
    const [df, e] = one('ENV A=1 B="x y" C=z\\ w\n');
    if (e.kind !== 'ENV') return assert.fail();
    assert.deepEqual(e.pairs.map((p) => [p.key.value, p.value.value, p.separator]), [
      ['A', '1', '='],
      ['B', '"x y"', '='],
      ['C', 'z\\ w', '='],
    ]);
    assert.equal(sl(df, e.pairs[1]!.value.range), '"x y"');
    assert.equal(sl(df, e.pairs[1]!.key.range), 'B');
    const [df2, legacy] = one('ENV PATH /usr/bin:$PATH  more\n');
    if (legacy.kind !== 'ENV') return assert.fail();
    assert.deepEqual(legacy.pairs.map((p) => [p.key.value, p.value.value, p.separator]), [['PATH', '/usr/bin:$PATH  more', '']]);
    assert.equal(sl(df2, legacy.pairs[0]!.value.range), '/usr/bin:$PATH  more');
  });
  it('ENV without a value is an error with a range', () => {
    const [df] = one('ENV PATH\n');
    assert.deepEqual(errors(df), ['missing-value']);
    assert.equal(df.diagnostics[0]!.message, 'ENV must have two arguments');
    assert.equal(sl(df, df.diagnostics[0]!.range), 'PATH');
    const [df2] = one('LABEL a=b c\n');
    assert.deepEqual(errors(df2), ['missing-equals']);
  });
  it('ARG definitions with name and value ranges', () => {
    const [df, a] = one('ARG VERSION=1.2 TARGETOS\n');
    if (a.kind !== 'ARG') return assert.fail();
    assert.deepEqual(a.definitions.map((d) => [d.name, d.value]), [
      ['VERSION', '1.2'],
      ['TARGETOS', null],
    ]);
    assert.equal(sl(df, a.definitions[0]!.valueRange), '1.2');
    assert.equal(sl(df, a.definitions[1]!.nameRange), 'TARGETOS');
  });
  it('HEALTHCHECK NONE, CMD with options, bare', () => {
    const [df, h] = one('HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/\n');
    if (h.kind !== 'HEALTHCHECK') return assert.fail();
    assert.equal(h.type, 'CMD');
    assert.equal(sl(df, h.typeRange), 'CMD');
    assert.equal(h.command?.form, 'shell');
    assert.equal(sl(df, h.command!.range), 'curl -f http://localhost/');
    assert.deepEqual(h.flags.map((f) => f.raw), ['--interval=5s', '--retries=3']);
    const [, n] = one('HEALTHCHECK NONE\n');
    if (n.kind !== 'HEALTHCHECK') return assert.fail();
    assert.equal(n.type, 'NONE');
    assert.equal(n.command, null);
    const [df3] = one('HEALTHCHECK\n');
    assert.equal(dump(df3).split('\n')[1], '(healthcheck)');
  });
  it('ONBUILD wraps a nested instruction', () => {
    const [df, o] = one('ONBUILD RUN ["echo", "hi"]\n');
    if (o.kind !== 'ONBUILD') return assert.fail();
    assert.equal(o.trigger?.kind, 'RUN');
    assert.equal(sl(df, o.trigger!.keywordRange), 'RUN');
    assert.equal(dump(df).split('\n')[1], '(onbuild (run "echo" "hi"))');
  });
  it('simple instructions and MAINTAINER', () => {
    const [df] = one('EXPOSE 80/tcp 443\nVOLUME ["/data"]\nUSER app:app\nWORKDIR /srv\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane <j@x>\nSHELL ["/bin/bash", "-c"]\n');
    assert.equal(
      dump(df),
      '(from "a")\n(expose "80/tcp" "443")\n(volume "/data")\n(user "app:app")\n(workdir "/srv")\n(stopsignal "SIGTERM")\n(maintainer "Jane <j@x>")\n(shell "/bin/bash" "-c")',
    );
    assert.deepEqual(errors(df), []);
  });
  it('unknown instructions are kept with a warning', () => {
    const [df, u] = one('FROBNICATE a b\n');
    assert.equal(u.kind, 'UNKNOWN');
    assert.equal(u.keyword, 'FROBNICATE');
    assert.deepEqual(codes(df), ['unknown-instruction']);
    assert.equal(sl(df, df.diagnostics[0]!.range), 'FROBNICATE');
    assert.equal(dump(df).split('\n')[1], '(frobnicate "")');
  });
});

describe('heredocs', () => {
  it('marker, body and terminator ranges; several per instruction; fd', () => {
    const src = 'FROM a\nCOPY <<one 3<<"two" /dst\nhello\none\nworld $X\ntwo\nRUN x\n';
    const df = parseText(src);
    const c = df.instructions[1]!;
    assert.equal(c.heredocs.length, 2);
    const [h1, h2] = c.heredocs as [typeof c.heredocs[0], typeof c.heredocs[0]];
    assert.equal(sl(df, h1!.markerRange), '<<one');
    assert.equal(sl(df, h1!.bodyRange), 'hello\n');
    assert.equal(sl(df, h1!.terminatorRange), 'one');
    assert.equal(h2!.expand, false);
    assert.equal(h2!.fileDescriptor, 3);
    assert.equal(h2!.content, 'world $X\n');
    assert.equal(sl(df, h2!.markerRange), '3<<"two"');
    assert.deepEqual([c.startLine, c.endLine], [2, 6]);
    assert.equal(sl(df, c.range), 'COPY <<one 3<<"two" /dst\nhello\none\nworld $X\ntwo');
    assert.equal(df.instructions[2]!.startLine, 7);
  });
  it('<<- strips tabs in the build text and maps it back', () => {
    const df = parseText('FROM a\nRUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\n');
    const h = df.instructions[1]!.heredocs[0]!;
    assert.equal(h.content, '\techo a\n\t\techo b\n');
    assert.equal(h.body.text, 'echo a\necho b\n');
    assert.equal(h.chomp, true);
    assertRoundTrip(df, h.body);
  });
  it('unterminated heredoc is an error; CMD and exec form have no heredocs; ONBUILD RUN has', () => {
    assert.deepEqual(errors(parseText('FROM a\nRUN <<EOF\necho\n')), ['unterminated-heredoc']);
    const df = parseText('FROM a\nCMD <<EOF\nRUN ["<<EOF"]\nONBUILD RUN <<X\nbody\nX\n');
    assert.deepEqual(df.instructions[1]!.heredocs, []);
    assert.deepEqual(df.instructions[2]!.heredocs, []);
    const ob = df.instructions[3]!;
    assert.deepEqual(ob.heredocs.map((h) => [h.name, h.content]), [['X', 'body\n']]);
  });
  it('body lines keep CRLF and comment-looking lines', () => {
    const df = parseText('FROM a\r\nRUN <<EOF\r\n# not a comment\r\nEOF\r\n');
    assert.equal(df.instructions[1]!.heredocs[0]!.content, '# not a comment\r\n');
    assert.deepEqual(df.comments, []);
  });
});
