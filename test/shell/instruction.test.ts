import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse } from '../../src/parser/index.js';
import { analyzeStage, initShell, instructionScripts, UNKNOWN } from '../../src/shell/index.js';
import type { ShellScript } from '../../src/shell/index.js';
import { SourceFile } from '../../src/source.js';

before(async () => {
  await initShell();
});

function scripts(text: string): { src: SourceFile; scripts: ShellScript[][] } {
  const src = new SourceFile('Dockerfile', text);
  const df = parse(src);
  return { src, scripts: df.instructions.map((i) => instructionScripts(src, i, { shell: 'sh' })) };
}

describe('instructionScripts', () => {
  it('shell-form RUN with continuations maps names across lines', () => {
    const { src, scripts: s } = scripts('FROM alpine\nRUN apk add --no-cache curl \\\n  && curl -fsSL https://x.example/i | sh\n');
    const run = s[1]![0]!;
    assert.deepEqual(run.all.map((c) => c.name), ['apk', 'curl', 'sh']);
    const curl = run.commands('curl')[0]!;
    assert.equal(src.slice(curl.nameWord!.range), 'curl');
    assert.equal(src.positionAt(curl.range.start).line, 3);
  });

  it('a bare heredoc RUN runs the body; the shebang decides the language', () => {
    const { src, scripts: s } = scripts('FROM x\nRUN <<EOF\nset -e\nwget -qO- https://w.example/a | sh\nEOF\nRUN <<EOT\n#!/usr/bin/env python3\nprint(1)\nEOT\n');
    const sh = s[1]![0]!;
    assert.deepEqual(sh.all.map((c) => c.name), ['set', 'wget', 'sh']);
    assert.equal(src.positionAt(sh.commands('wget')[0]!.range.start).line, 4);
    const py = s[2]![0]!;
    assert.equal(py.parsed, false);
    assert.equal(py.language, 'python3');
  });

  it('a command fed by a heredoc sees the body (bash <<EOF is parsed as a nested script)', () => {
    const { src, scripts: s } = scripts('FROM x\nRUN bash <<EOF > /log\ncurl -fsSL https://b.example/x | sh\nEOF\n');
    const run = s[1]![0]!;
    assert.deepEqual(run.all.map((c) => c.name), ['bash', 'curl', 'sh']);
    const curl = run.commands('curl')[0]!;
    assert.equal(src.slice(curl.nameWord!.range), 'curl');
    assert.equal(src.positionAt(curl.range.start).line, 3);
  });

  it('exec-form sh -c, CMD and HEALTHCHECK CMD', () => {
    const { src, scripts: s } = scripts('FROM x\nCMD ["/bin/sh", "-c", "exec nginx -g \'daemon off;\'"]\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nENTRYPOINT ["node", "app.js"]\n');
    const cmd = s[1]![0]!;
    assert.deepEqual(cmd.all.map((c) => c.name), ['nginx']);
    assert.equal(src.slice(cmd.all[0]!.nameWord!.range), 'nginx');
    assert.deepEqual(s[2]![0]!.all.map((c) => c.name), ['curl', 'exit']);
    assert.deepEqual(s[3], []);
  });
});

describe('analyzeStage', () => {
  it('combines ADD, COPY and RUN steps of a stage with WORKDIR and env', () => {
    const text = [
      'FROM x',
      'ADD --checksum=sha256:abc https://a.example/a.tgz /tmp/',
      'ADD https://b.example/b.sh /usr/local/bin/b.sh',
      'RUN tar xzf /tmp/a.tgz && sh /usr/local/bin/b.sh',
      'RUN curl -fsSLo tool https://c.example/v$VER/tool && ./tool',
      'COPY tool /w/tool',
      'RUN ./tool',
      '',
    ].join('\n');
    const src = new SourceFile('Dockerfile', text);
    const df = parse(src);
    const facts = analyzeStage(
      src,
      df.instructions.slice(1).map((instruction) => ({ instruction, shell: 'sh' as const, workdir: '/w', env: (n: string) => (n === 'VER' ? '2' : UNKNOWN) })),
    );
    const uses = facts.dataflow.uses.map((u) => `${u.kind}:${u.artifact.url?.url}:${u.verified}`);
    assert.deepEqual(uses, [
      'extract:https://a.example/a.tgz:true',
      'interpret:https://b.example/b.sh:false',
      'execute:https://c.example/v2/tool:false',
    ]);
    assert.equal(facts.scripts.size, 3);
  });
});
