import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from '../../src/parser/parse.js';
import type { Instruction } from '../../src/parser/ast.js';
import { SourceFile } from '../../src/source.js';
import {
  buildModel,
  expand,
  expandWords,
  effectiveInstruction,
  instructionsOf,
  rootImageOf,
  stageOf,
  DEFAULT_WINDOWS_SHELL,
  DEFAULT_LINUX_SHELL,
} from '../../src/model/build.js';
import type { BuildModelOptions, DockerfileModel, InstructionFacts } from '../../src/model/types.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function model(text: string, opts?: BuildModelOptions): DockerfileModel {
  return buildModel(parse(new SourceFile('Dockerfile', text)), opts);
}

/** Facts of the n-th instruction (0-based, file order, triggers included). */
function at(m: DockerfileModel, n: number): InstructionFacts {
  const f = m.instructions[n];
  assert.ok(f, `instruction ${n}`);
  return f;
}

function val(m: DockerfileModel, text: string, ins: Instruction): string {
  const r = expand(m, text, ins);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.unknown, false, `${text} should be known, got ${r.value}`);
  return r.value;
}

describe('stages', () => {
  const m = model(
    [
      'ARG GO_VERSION=1.22',
      'ARG REGISTRY',
      'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS Build',
      'WORKDIR /src',
      'RUN go build -o /out/app',
      'FROM ${REGISTRY}/base:${TAG:-latest} AS base',
      'FROM build AS test',
      'RUN go test ./...',
      'FROM gcr.io/distroless/static:nonroot',
      'COPY --from=build /out/app /app',
      'USER nonroot',
      '',
    ].join('\n'),
  );
  it('indexes, names, final stage', () => {
    assert.equal(m.stages.length, 4);
    assert.deepEqual(
      m.stages.map((s) => [s.index, s.name, s.isFinal]),
      [
        [0, 'build', false],
        [1, 'base', false],
        [2, 'test', false],
        [3, null, true],
      ],
    );
    assert.equal(m.finalStage, m.stages[3]);
    assert.equal(m.globalArgs.length, 2);
  });
  it('base images: expanded with global ARGs, parsed, stage parents', () => {
    const [build, base, test, fin] = m.stages;
    assert.equal(build!.base.kind, 'image');
    assert.equal(build!.base.raw, 'golang:${GO_VERSION}-alpine');
    assert.equal(build!.base.ref?.tag, '1.22-alpine');
    assert.equal(build!.base.ref?.official, true);
    assert.equal(base!.base.ref?.unknown.registry, true);
    assert.equal(base!.base.ref?.tag, 'latest');
    assert.equal(base!.base.ref?.path, 'base');
    assert.equal(test!.base.kind, 'stage');
    assert.equal(test!.parentStage, 0);
    assert.equal(rootImageOf(m, test!)?.ref?.familiarName, 'golang');
    assert.equal(fin!.base.ref?.registry, 'gcr.io');
    assert.equal(fin!.parentStage, null);
  });
  it('platform flag expanded with built-ins (unknown unless given)', () => {
    const p = m.stages[0]!.platform;
    assert.ok(p && p.ok);
    assert.equal(p.unknown, true);
    assert.equal(m.stages[0]!.platformRaw, '$BUILDPLATFORM');
    const m2 = model('FROM --platform=$BUILDPLATFORM alpine\n', { buildPlatform: 'linux/arm64' });
    const p2 = m2.stages[0]!.platform;
    assert.ok(p2 && p2.ok);
    assert.equal(p2.value, 'linux/arm64');
  });
  it('dependencies and reachability', () => {
    assert.deepEqual(m.stages[3]!.dependsOn, [0]);
    assert.deepEqual(m.stages[2]!.dependsOn, [0]);
    assert.deepEqual(
      m.stages.map((s) => s.reachable),
      [true, false, false, true],
    );
  });
  it('stageOf and instructionsOf', () => {
    const runs = instructionsOf(m, 'RUN');
    assert.equal(runs.length, 2);
    assert.equal(stageOf(m, runs[1]!.instruction)?.name, 'test');
    assert.equal(stageOf(m, m.globalArgs[0]!), null);
    assert.equal(instructionsOf(m, ['COPY', 'USER']).length, 2);
  });
  it('COPY --from by index and external image', () => {
    const m2 = model('FROM alpine\nFROM scratch\nCOPY --from=0 /a /a\nCOPY --from=nginx:1 /b /b\n');
    assert.deepEqual(m2.stages[1]!.dependsOn, [0]);
    assert.deepEqual(m2.stages[1]!.externalFrom, ['nginx:1']);
    assert.equal(m2.stages[0]!.reachable, true);
  });
  it('COPY --from may name a later stage; FROM only an earlier one', () => {
    const m2 = model('FROM alpine AS a\nCOPY --from=b /x /x\nFROM b\nFROM alpine AS b\n');
    assert.deepEqual(m2.stages[0]!.dependsOn, [2]);
    assert.equal(m2.stages[1]!.base.kind, 'image');
    assert.equal(m2.stages[1]!.parentStage, null);
  });
  it('duplicate names: the latest earlier stage is the parent', () => {
    const m2 = model('FROM alpine AS a\nFROM debian AS a\nFROM a\n');
    assert.equal(m2.stages[2]!.parentStage, 1);
    assert.equal(m2.diagnostics[0]?.code, 'duplicate-stage-name');
    assert.equal(m2.diagnostics[0]?.severity, 'warning');
  });
  it('RUN --mount from= counts as a dependency', () => {
    const m2 = model('FROM alpine AS deps\nFROM alpine\nRUN --mount=type=bind,from=deps,target=/d ls /d\n');
    assert.deepEqual(m2.stages[1]!.dependsOn, [0]);
  });
  it('build args override and complete', () => {
    const m2 = model('ARG TAG\nFROM alpine:$TAG\n', { buildArgs: { TAG: '3.20' } });
    assert.equal(m2.stages[0]!.base.ref?.tag, '3.20');
    const m3 = model('ARG TAG\nFROM alpine:$TAG\n');
    assert.equal(m3.stages[0]!.base.ref?.unknown.tag, true);
  });
});

describe('ARG scoping', () => {
  const m = model(
    ['ARG V=1', 'FROM scratch', 'RUN a', 'ARG V', 'RUN b', 'ARG W=$V-x NODEF', 'ENV E=${NODEF:-d} F=$NODEF', 'RUN c', ''].join('\n'),
  );
  it('a global ARG is invisible in a stage until re-declared', () => {
    assert.equal(val(m, '[$V]', at(m, 2).instruction), '[]');
    assert.equal(val(m, '[$V]', at(m, 4).instruction), '[1]');
  });
  it('stage ARG defaults see earlier ARGs; no default = unknown', () => {
    const c = at(m, 7);
    assert.equal(c.scope.args.get('W')?.value, '1-x');
    assert.equal(c.scope.args.get('W')?.overridable, true);
    assert.deepEqual(c.scope.args.get('NODEF')?.value, { unknown: true });
    assert.equal(c.scope.env.get('E')?.value, 'd');
    const f = c.scope.env.get('F')?.value;
    assert.ok(f && typeof f !== 'string' && f.parts, 'F is set, its value unknown');
    assert.deepEqual(f.parts, [{ text: '$NODEF', unknown: true, vars: ['NODEF'], start: 0, end: 6 }]);
    const r = expand(m, '$NODEF', c.instruction);
    assert.ok(r.ok && r.unknown);
  });
  it('a partly known ARG keeps its known parts through expansion', () => {
    const m2 = model('ARG REGISTRY\nARG IMG=${REGISTRY}/app\nFROM ${IMG}:1.0\nFROM ${IMG:-x}\nFROM a${IMG:+-b}\n');
    const ref = m2.stages[0]!.base.ref;
    assert.equal(ref?.unknown.registry, true);
    assert.equal(ref?.registry, '${REGISTRY}');
    assert.equal(ref?.path, 'app');
    assert.equal(ref?.tag, '1.0');
    assert.equal(m2.stages[1]!.base.ref?.path, 'app');
    assert.equal(m2.stages[2]!.base.ref?.familiarName, 'a-b');
  });
  it('built-in platform args are global, and need ARG inside a stage', () => {
    const m2 = model('FROM scratch\nRUN a\nARG TARGETARCH\nRUN b\n', { targetPlatform: 'linux/arm64/v8' });
    assert.equal(val(m2, '[$TARGETARCH]', at(m2, 1).instruction), '[]');
    assert.equal(val(m2, '[$TARGETARCH]', at(m2, 3).instruction), '[arm64]');
    assert.equal(m2.globalScope.args.get('TARGETVARIANT')?.value, 'v8');
  });
  it('an external base image may define any name: undefined names are unknown, not empty', () => {
    const m2 = model('FROM alpine\nENV P=/opt/bin:$PATH\nRUN x\n');
    const r = expand(m2, '$PATH', at(m2, 2).instruction);
    assert.ok(r.ok && r.unknown);
    const p = at(m2, 2).scope.env.get('P')?.value;
    assert.ok(p && typeof p !== 'string');
    const r2 = expand(m2, '$P', at(m2, 2).instruction);
    assert.ok(r2.ok);
    assert.equal(r2.value, '/opt/bin:$PATH');
    assert.deepEqual(r2.parts.map((x) => x.unknown), [false, true]);
  });
});

describe('ENV', () => {
  const m = model(
    ['FROM scratch AS a', 'ENV A=1 B="two words"', 'ENV A=3 C=$A', 'ENV legacy form value', 'FROM a', 'ARG A=argval', 'RUN x', ''].join('\n'),
  );
  it('pairs of one ENV see the values before it', () => {
    const env = m.stages[0]!.finalScope.env;
    assert.equal(env.get('A')?.value, '3');
    assert.equal(env.get('C')?.value, '1');
    assert.equal(env.get('B')?.value, 'two words');
    assert.equal(env.get('legacy')?.value, 'form value');
  });
  it('is inherited from a parent stage; for expansion the later ARG/ENV write wins', () => {
    const run = at(m, 6);
    assert.equal(run.stage, 1);
    assert.equal(run.scope.env.get('C')?.value, '1');
    // BuildKit adds ARG values to the build state's environment: this ARG comes after the inherited ENV
    assert.equal(val(m, '$A', run.instruction), 'argval');
    assert.equal(run.scope.env.get('A')?.value, '3');
    const m2 = model('FROM scratch\nARG A=argval\nENV A=envval\nRUN x\n');
    assert.equal(val(m2, '$A', at(m2, 3).instruction), 'envval');
  });
  it('a child stage sees the ARGs of its parent stage', () => {
    const m2 = model('FROM scratch AS a\nARG V=1\nFROM a\nRUN x\n');
    assert.equal(val(m2, '$V', at(m2, 3).instruction), '1');
  });
});

describe('USER', () => {
  const m = model(
    ['FROM alpine AS a', 'RUN x', 'USER app:grp', 'FROM a AS b', 'RUN y', 'FROM scratch', 'RUN z', 'USER 0', 'FROM debian', 'USER $U', ''].join('\n'),
  );
  it('unknown for an external image until USER', () => {
    assert.equal(at(m, 1).user.unknown, true);
    assert.equal(at(m, 1).user.isRoot, null);
  });
  it('inherited from the parent stage', () => {
    const u = at(m, 4).user;
    assert.equal(u.user, 'app');
    assert.equal(u.group, 'grp');
    assert.equal(u.isRoot, false);
    assert.equal(u.setBy, at(m, 2).instruction);
    assert.equal(m.stages[1]!.finalUser.user, 'app');
  });
  it('root on scratch, and USER 0 is root', () => {
    assert.equal(at(m, 6).user.isRoot, true);
    assert.equal(m.stages[2]!.finalUser.isRoot, true);
    assert.equal(m.stages[2]!.finalUser.value, '0');
  });
  it('a USER with an unknown variable is unknown', () => {
    assert.equal(m.stages[3]!.finalUser.unknown, true);
    assert.equal(m.stages[3]!.finalUser.isRoot, null);
  });
});

describe('WORKDIR', () => {
  const m = model(
    ['FROM scratch', 'WORKDIR a', 'WORKDIR b/../c', 'RUN x', 'WORKDIR /x/./y/', 'ARG D=/opt', 'WORKDIR $D/app', 'RUN y', 'FROM alpine AS e', 'WORKDIR rel', 'RUN z', 'WORKDIR /abs', 'FROM e', 'WORKDIR sub', ''].join('\n'),
  );
  it('resolves relative to the previous one', () => {
    assert.equal(at(m, 1).workdir.path, '/');
    assert.equal(at(m, 3).workdir.path, '/a/c');
    assert.equal(at(m, 5).workdir.path, '/x/y');
    assert.equal(at(m, 7).workdir.path, '/opt/app');
  });
  it('unknown relative to an external image, known after an absolute one, inherited', () => {
    assert.equal(at(m, 10).workdir.path, null);
    assert.equal(at(m, 10).workdir.unknown, true);
    assert.equal(m.stages[1]!.finalWorkdir.path, '/abs');
    assert.equal(m.stages[2]!.finalWorkdir.path, '/abs/sub');
  });
});

describe('SHELL and OS', () => {
  it('Linux default', () => {
    const m = model('FROM alpine\nRUN x\n');
    assert.deepEqual(at(m, 1).shellSetting.argv, DEFAULT_LINUX_SHELL);
    assert.equal(m.stages[0]!.os, 'linux');
  });
  it('Windows base image or backtick escape', () => {
    const m = model('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n');
    assert.equal(m.stages[0]!.os, 'windows');
    assert.deepEqual(at(m, 1).shellSetting.argv, DEFAULT_WINDOWS_SHELL);
    const m2 = model('# escape=`\nFROM mycorp/base\nRUN dir\n');
    assert.equal(m2.stages[0]!.os, 'windows');
    const m3 = model('# escape=`\nFROM --platform=linux/amd64 mycorp/base\n');
    assert.equal(m3.stages[0]!.os, 'linux');
  });
  it('SHELL changes it and is inherited', () => {
    const m = model('FROM alpine AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN x\nFROM a\nRUN y\n');
    assert.deepEqual(at(m, 2).shellSetting.argv, ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.equal(at(m, 2).shellSetting.isDefault, false);
    assert.deepEqual(at(m, 4).shellSetting.argv, ['/bin/bash', '-o', 'pipefail', '-c']);
  });
});

describe('ONBUILD', () => {
  const m = model('FROM alpine AS a\nONBUILD RUN echo hi\nFROM a\nRUN x\n');
  it('triggers are reachable and marked', () => {
    const runs = instructionsOf(m, 'RUN');
    assert.equal(runs.length, 2);
    assert.equal(runs[0]!.onbuild?.kind, 'ONBUILD');
    assert.equal(runs[0]!.stage, 0);
    assert.equal(instructionsOf(m, 'RUN', { triggers: false }).length, 1);
  });
  it('a child stage inherits the triggers it runs', () => {
    assert.equal(m.stages[1]!.inheritedTriggers.length, 1);
    assert.equal(m.stages[1]!.inheritedTriggers[0]!.kind, 'RUN');
    assert.equal(m.stages[0]!.inheritedTriggers.length, 0);
  });
});

describe('labels, runtime settings, words', () => {
  const m = model(
    ['FROM scratch AS a', 'ARG V=1.0', 'LABEL version=$V org.opencontainers.image.title="My app"', 'CMD ["a"]', 'EXPOSE 80', 'FROM a', 'ENV P=8080', 'EXPOSE $P/tcp 9090', ''].join('\n'),
  );
  it('labels are expanded and inherited', () => {
    const l = m.stages[1]!.labels;
    assert.equal(l.get('version')?.value, '1.0');
    assert.equal(l.get('org.opencontainers.image.title')?.value, 'My app');
  });
  it('CMD / EXPOSE in effect through the parent chain', () => {
    const cmd = effectiveInstruction(m, m.stages[1]!, 'CMD');
    assert.equal(cmd?.stage, 0);
    assert.equal(effectiveInstruction(m, m.stages[1]!, 'EXPOSE')?.stage, 1);
    assert.equal(effectiveInstruction(m, m.stages[1]!, 'HEALTHCHECK'), null);
  });
  it('expandWords splits after expansion', () => {
    const last = m.instructions[m.instructions.length - 1]!.instruction;
    const r = expandWords(m, '$P/tcp 9090', last);
    assert.ok(r.ok);
    assert.deepEqual(r.words.map((w) => w.value), ['8080/tcp', '9090']);
  });
  it('keeps the expanded value of a partly unknown ENV', () => {
    const m2 = model('FROM alpine\nENV PATH=/opt/bin:$PATH\n');
    const b = m2.stages[0]!.finalScope.env.get('PATH');
    assert.equal(typeof b?.value, 'object');
    assert.equal(b?.expanded?.value, '/opt/bin:$PATH');
    assert.equal(b?.expanded?.parts[0]?.text, '/opt/bin:');
  });
  it('Windows stages compare names case-insensitively', () => {
    const m2 = model('# escape=`\nFROM scratch\nENV Foo=bar\nRUN x\n');
    assert.equal(val(m2, '$FOO', m2.instructions[2]!.instruction), 'bar');
    const m3 = model('FROM scratch\nENV Foo=bar\nRUN x\n');
    assert.equal(val(m3, '[$FOO]', m3.instructions[2]!.instruction), '[]');
  });
});

describe('diagnostics, never throwing', () => {
  it('reports problems as values', () => {
    const codes = (t: string) => model(t).diagnostics.map((d) => d.code);
    assert.ok(codes('RUN x\nFROM alpine\n').includes('instruction-before-from'));
    assert.ok(codes('FROM alpine AS a\nFROM alpine AS A\n').includes('duplicate-stage-name'));
    assert.ok(codes('FROM alpine AS context\n').includes('reserved-stage-name'));
    assert.ok(codes('FROM Alpine\n').includes('invalid-image-ref'));
    assert.ok(codes('FROM alpine:${\n').includes('expansion-error'));
    assert.ok(codes('ARG A=1\n').includes('no-from'));
    assert.ok(codes('FROM alpine\nSHELL /bin/bash -c\n').includes('shell-not-json'));
    assert.deepEqual(codes('FROM alpine\nRUN x\n'), []);
  });
  it('an empty file', () => {
    const m = model('');
    assert.equal(m.stages.length, 0);
    assert.equal(m.finalStage, null);
  });
});

describe('corpus', () => {
  const dir = join(repoRoot, '..', 'shared', 'corpus', 'files');
  it('builds a model for every corpus file without throwing', (t) => {
    const files = readdirSync(dir).sort();
    let stages = 0;
    let unknownBase = 0;
    let invalid = 0;
    let windows = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const m = buildModel(parse(new SourceFile(f, text)));
      stages += m.stages.length;
      for (const s of m.stages) {
        if (s.base.ref?.hasUnknown) unknownBase++;
        if (s.base.kind === 'invalid') invalid++;
        if (s.os === 'windows') windows++;
        assert.ok(s.instructions[0]?.instruction === s.from);
      }
      assert.equal(m.instructions.length >= m.dockerfile.instructions.length, true, f);
    }
    t.diagnostic(
      `${files.length} files, ${stages} stages, ${unknownBase} bases with unknown parts, ${invalid} invalid bases, ${windows} Windows stages`,
    );
    assert.ok(files.length > 1000);
    assert.ok(stages >= files.length);
  });
});

describe('Windows WORKDIR', () => {
  it('joins relative paths with a backslash and keeps absolute ones', () => {
    const m = model('# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\\\nWORKDIR src\nWORKDIR D:/x\n');
    assert.equal(m.stages[0]!.os, 'windows');
    assert.equal(m.instructions[2]!.workdir.path, 'C:\\app\\');
    assert.equal(m.instructions[3]!.workdir.path, 'C:\\app\\src');
    assert.equal(m.stages[0]!.finalWorkdir.path, 'D:/x');
  });
});

describe('scale', () => {
  it('a stage with 20,000 ENV instructions builds in near-linear time', () => {
    const lines = ['FROM alpine'];
    for (let i = 0; i < 20000; i++) lines.push(`ENV V${i}=x$HOME`, `RUN echo ${i}`);
    const df = parse(new SourceFile('big', lines.join('\n')));
    const t0 = performance.now();
    const m = buildModel(df);
    const ms = performance.now() - t0;
    assert.equal(m.instructions.length, 40001);
    assert.equal(m.stages[0]!.finalScope.env.size, 20000);
    assert.equal(m.instructions[40000]!.scope.vars.get('V19999')?.expanded?.value, 'x$HOME');
    assert.equal(m.instructions[2]!.scope.vars.has('V1'), false);
    assert.ok(ms < 10000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('robustness', () => {
  it('never throws on random Dockerfile-like text', async () => {
    const fc = (await import('fast-check')).default;
    const token = fc.constantFrom(
      'FROM ', 'FROM alpine', ' AS ', 'a', 'b', 'ARG ', 'ENV ', 'LABEL ', 'USER ', 'WORKDIR ', 'SHELL ', 'ONBUILD ',
      'COPY --from=', 'RUN --mount=from=', 'RUN ', '$A', '${A', '${A:-x}', '}', '=', '"', "'", '\\', '`', '/', ':',
      '@sha256:', '[', ']', '["sh","-c"]', '\n', '\n', ' ', '# escape=`\n', '<<EOF\nx\nEOF\n', '0', '..', 'scratch',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (toks) => {
        const m = model(toks.join(''));
        assert.equal(m.finalStage === null, m.stages.length === 0);
        for (const f of m.instructions) assert.ok(f.scope.vars instanceof Object);
      }),
      { numRuns: 1500 },
    );
  });
});
