// Block A (5xx) rules: per-finding severities the rule harness does not check, and the shared helpers they use.
import * as assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initShell } from '../../src/shell/index.js';
import { parse } from '../../src/parser/parse.js';
import { buildModel } from '../../src/model/build.js';
import type { DockerfileModel } from '../../src/model/types.js';
import { SourceFile } from '../../src/source.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import { commandsOfModel, fileWrites, isLoopbackHost, optionRange } from '../../src/rules/helpers/shell.js';
import { envSettings } from '../../src/rules/helpers/env-settings.js';
import { addSourceKind } from '../../src/rules/helpers/add-sources.js';
import { runOne } from '../helpers/rule-run.js';

before(async () => {
  await initShell();
});

function model(code: string): DockerfileModel {
  return buildModel(parse(new SourceFile('Dockerfile', code)));
}

function rule(id: string) {
  const r = ruleList.find((x) => x.meta.id === id);
  assert.ok(r, id);
  return r;
}

describe('severities', () => {
  test('DA502: extraction is medium, execution and direct PATH downloads are high', () => {
    const r = runOne(
      rule('DA502'),
      'FROM debian:12\n' +
        'RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && tar -xzf /tmp/a.tgz\n' +
        'RUN wget -O /tmp/i.sh https://example.com/i.sh && sh /tmp/i.sh\n' +
        'RUN curl -fsSLo /usr/local/bin/k https://example.com/k\n',
    );
    assert.deepEqual(
      r.findings.map((f) => [r.source.positionAt(f.range.start).line, f.severity]),
      [
        [2, 'medium'],
        [3, 'high'],
        [4, 'high'],
      ],
    );
  });

  test('DA501 is critical, and one finding per interpreter command', () => {
    const r = runOne(rule('DA501'), 'FROM debian:12\nRUN curl -s https://a.example/x | sh && wget -qO- https://b.example/y | bash\n');
    assert.deepEqual(r.findings.map((f) => f.severity), ['critical', 'critical']);
  });
});

describe('helpers', () => {
  test('fileWrites: echo/printf redirects, tee, cat heredoc, sed -i replacements, COPY heredoc', () => {
    const m = model(
      'FROM fedora:40\n' +
        'RUN echo "gpgcheck=0" >> /etc/yum.conf && printf "a\\nb\\n" > /tmp/p\n' +
        'RUN echo "deb https://x/ ./" | sudo tee -a /etc/apt/sources.list.d/x.list\n' +
        'RUN cat > /etc/pip.conf <<EOF\n[global]\ntrusted-host = pypi.example.com\nEOF\n' +
        "RUN sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.repos.d/a.repo\n" +
        'COPY <<EOF /root/.curlrc\ninsecure\nEOF\n',
    );
    const writes = fileWrites(m).map((w) => [w.path, w.text.trim()]);
    assert.deepEqual(writes, [
      ['/etc/yum.conf', 'gpgcheck=0'],
      ['/tmp/p', 'a\nb'],
      ['/etc/apt/sources.list.d/x.list', 'deb https://x/ ./'],
      ['/etc/pip.conf', '[global]\ntrusted-host = pypi.example.com'],
      ['/etc/yum.repos.d/a.repo', 'gpgcheck=1'],
      ['/root/.curlrc', 'insecure'],
    ]);
  });

  test('envSettings: ENV, ARG defaults, prefixes and export; dynamic values are null', () => {
    const m = model('FROM alpine\nENV A=1 B="two words"\nARG C=3\nARG D\nRUN E=5 true && export F=6 G=$X\nENV H=$A\n');
    assert.deepEqual(
      envSettings(m).map((e) => [e.name, e.value, e.via]),
      [
        ['A', '1', 'ENV'],
        ['B', 'two words', 'ENV'],
        ['C', '3', 'ARG'],
        ['H', null, 'ENV'],
        ['E', '5', 'RUN'],
        ['F', '6', 'RUN'],
        ['G', null, 'RUN'],
      ],
    );
  });

  test('optionRange: a letter inside a bundle, the whole word for a long option', () => {
    const m = model('FROM alpine\nRUN curl -fsSLk https://x/ && curl --insecure https://y/\n');
    const src = m.source;
    const ranges = commandsOfModel(m)
      .flatMap(({ cmd }) => cmd.options.filter((o) => o.canonical === '-k'))
      .map((o) => src.slice(optionRange(o)));
    assert.deepEqual(ranges, ['k', '--insecure']);
  });

  test('isLoopbackHost', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'app.localhost', '0.0.0.0']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['example.com', 'localhost.example.com', '10.0.0.1', null]) assert.equal(isLoopbackHost(h), false, String(h));
  });

  test('addSourceKind follows BuildKit: http(s) is git only when the path ends in .git', () => {
    assert.equal(addSourceKind('https://github.com/moby/buildkit.git#v1'), 'git');
    assert.equal(addSourceKind('git@github.com:moby/buildkit.git'), 'git');
    assert.equal(addSourceKind('ssh://git@example.com/r'), 'git');
    assert.equal(addSourceKind('https://example.com/a.tgz'), 'http');
    assert.equal(addSourceKind('https://example.com/archive.git.tar.gz'), 'http');
    assert.equal(addSourceKind('app.py'), 'local');
  });
});
