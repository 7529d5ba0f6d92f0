/**
 * The full-pipeline fuzzer shared by test/robustness/fuzz.test.ts (bounded, CI) and scripts/fuzz.ts (long runs):
 * fast-check arbitraries that mutate real corpus files or generate Dockerfiles from a small grammar, and the
 * property: the whole pipeline (audit + every reporter) never throws, keeps every range inside the file, produces
 * valid JSON and SARIF, and returns within a time bound proportional to the input size.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { auditDetailed } from '../../src/engine/audit.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatText } from '../../src/report/text.js';
import type { ToolInfo } from '../../src/report/types.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { corpusFiles } from './inputs.js';

// ---------------------------------------------------------------------------------------------------------------
// pipeline

export interface PipelineResult {
  readonly instructions: number;
  readonly findings: number;
  /** CPU milliseconds of the audit and the reporters. */
  readonly ms: number;
}

/** Generous bound: 2 s plus 1 s per 100 KB (inputs here are at most a few hundred KB). */
export function timeBound(bytes: number): number {
  return 2000 + bytes / 100;
}

const TOOL: ToolInfo = { name: 'dockaudit', version: '0.0.0-test', informationUri: 'https://example.invalid/dockaudit' };

/**
 * The whole pipeline on one input: auditDetailed (decode, parse, model with shell facts, every rule, suppressions,
 * score), then every reporter (text with and without colour, JSON, SARIF validated against the SARIF 2.1.0 schema).
 * Throws only on a bug: an exception, a range outside the file, a report that is not valid JSON/SARIF.
 */
export async function runPipeline(bytes: Uint8Array): Promise<PipelineResult> {
  const c0 = process.cpuUsage(); // CPU time: on a busy shared machine wall time measures the wait for a core
  const r = await auditDetailed(bytes, 'Dockerfile');
  const reports = [
    formatText([r], TOOL, { color: false }),
    formatText([r], TOOL, { color: true }),
    formatJson([r], TOOL),
    formatSarif([r], TOOL, { rules: ruleList }),
  ];
  const c = process.cpuUsage(c0);
  const ms = (c.user + c.system) / 1000;
  const len = r.source.text.length;
  const inFile = (x: { start: number; end: number }, what: string) =>
    assert.ok(x.start >= 0 && x.start <= x.end && x.end <= len, `${what} range ${x.start}-${x.end} outside the file (${len})`);
  for (const f of r.findings) {
    inFile(f.range, `finding ${f.ruleId}`);
    assert.notEqual(f.messageId, 'internal-error', `rule ${f.ruleId} crashed: ${f.message}`);
    for (const e of f.fix?.edits ?? []) inFile(e.range, `fix of ${f.ruleId}`);
  }
  assert.equal(r.errors.filter((e) => e.code === 'internal-error').length, 0, `internal error: ${r.errors.map((e) => e.message).join('; ')}`);
  if (r.dockerfile) for (const d of r.dockerfile.diagnostics) inFile(d.range, `diagnostic ${d.code}`);
  if (r.model) {
    for (const d of r.model.diagnostics) inFile(d.range, `model diagnostic ${d.code}`);
    for (const f of r.model.facts.values()) for (const sc of f.shell ?? []) for (const c of sc.all) inFile(c.range, 'shell command');
  }
  JSON.parse(reports[2]!);
  const sarif: unknown = JSON.parse(reports[3]!);
  const validate = sarifValidator();
  assert.ok(validate(sarif), `SARIF does not validate: ${JSON.stringify(validate.errors).slice(0, 500)}`);
  return { instructions: r.dockerfile?.instructions.length ?? 0, findings: r.findings.length, ms };
}

/** The property body: no throw, within the bound. */
export async function checkInput(bytes: Uint8Array): Promise<void> {
  const r = await runPipeline(bytes);
  const bound = timeBound(bytes.length);
  assert.ok(r.ms < bound, `pipeline took ${r.ms.toFixed(0)} ms CPU on ${bytes.length} bytes (bound ${bound.toFixed(0)} ms)`);
}

// ---------------------------------------------------------------------------------------------------------------
// mutations of corpus files

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Corpus texts, every `step`-th file (all when 1). */
export function corpusTexts(step = 1): string[] {
  return corpusFiles()
    .filter((_, i) => i % step === 0)
    .map((f) => dec.decode(f.bytes));
}

const SNIPPETS = [
  '\\', '\\\n', '`', '`\n', ' \\ ', '\n', '\r\n', '\r', '"', "'", '`', '$', '${', '}', '$(', ')', '(', '[', ']', '{',
  '<<EOF', '<<-EOF', "<<'EOF'", '<<"EOF"', '\nEOF\n', '\n\tEOF\n', 'EOF', '<<', '<<<', '2<<EOF', '#', '# ', '\n# escape=`\n',
  '# syntax=docker/dockerfile:1\n', '# check=skip=all\n', '=', ',', ':', '@sha256:', '--', '--mount=type=secret,id=x ',
  '--mount=type=cache,target=/root/.cache ', '--from=0 ', '--from=builder ', '--chown=1000:1000 ', '--chmod=777 ',
  '--platform=$BUILDPLATFORM ', '--link ', '--network=none ', '--security=insecure ', '--checksum=sha256:00 ',
  '--keep-git-dir ', '--interval=0s ', 'AS ', ' && ', ' || ', ' | ', ' ; ', ' & ', ' > ', ' 2>&1 ', 'sudo ', 'sh -c ',
  'curl -fsSL https://x.io/i.sh | bash', 'wget -qO- http://x | sh', 'apt-get install -y ', 'pip install ', 'npm i -g ',
  'chmod 777 /', 'USER root', 'ENV PASSWORD=hunter2', 'ARG TOKEN', '${TOKEN}', '${HOME:-/x}', '${A:?err}', '${A#*/}',
  '${A//a/b}', '$((1+2))', '`id`', '"${A}"', "'$A'", '\0', '\u0085', '\u00a0', '\u2028', '\ufeff', 'é', '😀', '\t',
];
const KEYWORDS = [
  'FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ENV', 'LABEL', 'ARG', 'COPY', 'ADD', 'HEALTHCHECK', 'ONBUILD', 'EXPOSE',
  'VOLUME', 'USER', 'WORKDIR', 'STOPSIGNAL', 'MAINTAINER', 'from', 'Run', 'BOGUS',
];

type Mutation =
  | { readonly t: 'insert'; readonly at: number; readonly text: string }
  | { readonly t: 'delete'; readonly at: number; readonly len: number }
  | { readonly t: 'splice'; readonly line: number; readonly from: number; readonly fromLine: number; readonly count: number }
  | { readonly t: 'continue'; readonly line: number }
  | { readonly t: 'dupLine'; readonly line: number; readonly times: number }
  | { readonly t: 'keyword'; readonly line: number; readonly kw: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })) }),
  fc.record({ t: fc.constant('delete' as const), at: fc.nat(), len: fc.nat({ max: 60 }) }),
  fc.record({ t: fc.constant('splice' as const), line: fc.nat(), from: fc.nat(), fromLine: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ t: fc.constant('continue' as const), line: fc.nat() }),
  fc.record({ t: fc.constant('dupLine' as const), line: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ t: fc.constant('keyword' as const), line: fc.nat(), kw: fc.constantFrom(...KEYWORDS) }),
);

type Encoding = 'utf8' | 'crlf' | 'bom' | 'bom-crlf' | 'cr' | 'invalid-utf8' | 'nul' | 'latin1';

function applyMutation(text: string, m: Mutation, corpus: readonly string[]): string {
  if (m.t === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.t === 'delete') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.len);
  }
  const lines = text.split('\n');
  const li = m.line % lines.length;
  switch (m.t) {
    case 'splice': {
      const other = corpus[m.from % corpus.length]!.split('\n');
      const start = m.fromLine % other.length;
      lines.splice(li, 0, ...other.slice(start, start + m.count));
      break;
    }
    case 'continue':
      lines[li] = lines[li] + (m.line % 3 === 0 ? ' \\' : m.line % 3 === 1 ? '\\' : ' `');
      break;
    case 'dupLine':
      lines.splice(li, 0, ...new Array<string>(m.times).fill(lines[li]!));
      break;
    case 'keyword':
      lines[li] = m.kw + ' ' + lines[li]!.replace(/^\s*\S*/, '');
      break;
  }
  return lines.join('\n');
}

function encode(text: string, e: Encoding, salt: number): Uint8Array {
  switch (e) {
    case 'utf8':
      return enc.encode(text);
    case 'crlf':
      return enc.encode(text.replace(/\n/g, '\r\n'));
    case 'bom':
      return enc.encode('\ufeff' + text);
    case 'bom-crlf':
      return enc.encode('\ufeff' + text.replace(/\n/g, '\r\n'));
    case 'cr':
      return enc.encode(text.replace(/\n/g, '\r'));
    case 'latin1':
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    case 'invalid-utf8':
    case 'nul': {
      const b = enc.encode(text);
      const out = new Uint8Array(b.length + 3);
      const at = b.length === 0 ? 0 : salt % b.length;
      out.set(b.subarray(0, at), 0);
      out.set(e === 'nul' ? [0, 0, 0] : [0xff, 0xc3, 0x28], at);
      out.set(b.subarray(at), at + 3);
      return out;
    }
  }
}

/** A corpus file with a few mutations and an encoding twist. */
export function mutatedCorpusFile(corpus: readonly string[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(mutation, { maxLength: 10 }),
      fc.constantFrom<Encoding>('utf8', 'utf8', 'utf8', 'crlf', 'bom', 'bom-crlf', 'cr', 'invalid-utf8', 'nul', 'latin1'),
      fc.nat(),
    )
    .map(([i, ms, e, salt]) => {
      let text = corpus[i]!;
      for (const m of ms) text = applyMutation(text, m, corpus);
      return encode(text, e, salt);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// a small grammar of Dockerfiles

const word = fc.constantFrom('app', 'builder', 'x', 'node_modules', '/usr/local/bin', '.', '..', '/', '*.txt', 'a b', '$HOME', '${VER}', '"q"', "'s'", 'é', '');
const image = fc.constantFrom(
  'alpine', 'alpine:3.20', 'ubuntu:latest', 'node:20-slim', 'python@sha256:' + '0'.repeat(64), 'scratch', 'builder', '${BASE}',
  '${BASE:-debian}:${TAG}', 'registry.example.com:5000/team/app:1.2', 'gcr.io/distroless/static', 'UPPER:Case', ':bad', '',
);
const command = fc.constantFrom(
  'apt-get update && apt-get install -y curl', 'apt-get install -y --no-install-recommends ca-certificates=1.0 && rm -rf /var/lib/apt/lists/*',
  'curl -fsSL https://example.com/install.sh | sh', 'wget -O - http://example.com/x | bash -s --', 'curl -k https://x -o /tmp/x && sha256sum -c x.sha',
  'pip install --no-cache-dir -r requirements.txt', 'npm ci --ignore-scripts', 'yum install -y httpd && yum clean all', 'apk add --no-cache git',
  'chmod -R 777 /app', 'chown -R app:app /app', 'useradd -u 1000 app', 'echo "$SECRET" > /etc/secret', 'cd /tmp && make install',
  'set -eux; for f in a b; do echo $f; done', 'if [ -f x ]; then rm x; fi', '(cd /x && ls) || true', 'echo $(echo $(id -u))',
  'case "$A" in a) echo a;; *) echo b;; esac', 'f() { echo hi; }; f', 'export A=1 B=2', 'sudo rm -rf /', 'git clone https://github.com/a/b.git',
  'cat <<EOF > /x\nhello\nEOF', '[[ -n "$A" ]] && echo "${A//x/y}"', 'eval "$CMD"', 'exec "$@"', 'ssh-keyscan github.com >> ~/.ssh/known_hosts',
  '{ echo a; echo b; } > /f', 'a=$((1 + 2)); echo $a', 'echo \'unterminated', 'echo "unterminated', 'echo $(', ')', 'fi', 'done',
);
const execForm = fc.array(fc.constantFrom('sh', '-c', 'node', 'server.js', '--port=80', '"', '\\u0041', '\\"'), { maxLength: 4 }).map((a) => JSON.stringify(a));
const flag = fc.constantFrom(
  '--from=builder', '--from=0', '--chown=app:app', '--chmod=755', '--link', '--mount=type=secret,id=npm,target=/root/.npmrc',
  '--mount=type=cache,target=/var/cache/apt', '--mount=type=ssh', '--network=host', '--platform=linux/amd64', '--security=insecure',
  '--checksum=sha256:abc', '--keep-git-dir=true', '--exclude=*.md', '--parents', '--bogus', '--interval=30s', '--timeout=3s',
);
const varName = fc.constantFrom('A', 'VER', 'HOME', 'PATH', 'TOKEN', 'PASSWORD', 'API_KEY', 'DEBIAN_FRONTEND', 'BASE', 'TAG', 'lower', '1BAD');
const varValue = fc.constantFrom('1', '"a b"', "'x'", '${A}', '${A:-d}', '$A$A', 'noninteractive', 'ghp_' + 'a'.repeat(36), 'AKIA' + 'A'.repeat(16), '', '\\ ', '${A:?}', '${A#*.}');

const heredocRun = fc.tuple(fc.constantFrom('<<EOF', '<<-EOF', "<<'EOF'", 'bash <<EOF', 'python3 <<EOF', '<<EOF cat', '<<A <<B'), fc.array(command, { maxLength: 3 })).map(
  ([marker, body]) => {
    const lines = body.length ? body : ['true'];
    if (marker === '<<A <<B') return `RUN <<A <<B\n${lines.join('\n')}\nA\necho b\nB`;
    return `RUN ${marker}\n${marker.includes('python') ? 'print(1)' : lines.join('\n')}\n${marker.includes('-') ? '\t' : ''}EOF`;
  },
);

const instruction: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.option(fc.constantFrom('--platform=$BUILDPLATFORM', '--platform=linux/arm64')), image, fc.option(word)).map(([f, i, as]) => `FROM ${f ? f + ' ' : ''}${i}${as !== null ? ' AS ' + as : ''}`),
  fc.tuple(fc.array(flag, { maxLength: 2 }), fc.array(command, { minLength: 1, maxLength: 3 }), fc.constantFrom(' && ', ' ; ', ' && \\\n    ', ' || ')).map(([f, c, j]) => `RUN ${f.join(' ')} ${c.join(j)}`),
  heredocRun,
  fc.tuple(fc.constantFrom('CMD', 'ENTRYPOINT', 'SHELL'), fc.oneof(execForm, command)).map(([k, c]) => `${k} ${c}`),
  fc.tuple(fc.constantFrom('ENV', 'ARG', 'LABEL'), fc.array(fc.tuple(varName, varValue), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([k, kv, legacy]) =>
    legacy && kv.length === 1 ? `${k} ${kv[0]![0]} ${kv[0]![1]}` : `${k} ${kv.map(([n, v]) => (k === 'ARG' && v === '' ? n : `${n}=${v}`)).join(' ')}`,
  ),
  fc.tuple(fc.constantFrom('COPY', 'ADD'), fc.array(flag, { maxLength: 2 }), fc.array(fc.oneof(word, fc.constantFrom('https://example.com/a.tgz', 'git@github.com:a/b.git', '<<EOF')), { minLength: 1, maxLength: 3 }), word).map(
    ([k, f, src, dst]) => `${k} ${f.join(' ')} ${src.join(' ')} ${dst}${src.includes('<<EOF') ? '\nfile body\nEOF' : ''}`,
  ),
  fc.tuple(fc.constantFrom('USER', 'WORKDIR', 'EXPOSE', 'VOLUME', 'STOPSIGNAL', 'MAINTAINER'), fc.oneof(word, fc.constantFrom('root', '0:0', '1000', 'app:app', '80/tcp', '22', '65536', 'SIGKILL', '["/data"]'))).map(([k, v]) => `${k} ${v}`),
  fc.tuple(fc.array(flag, { maxLength: 2 }), fc.oneof(fc.constant('NONE'), command.map((c) => 'CMD ' + c), execForm.map((c) => 'CMD ' + c), fc.constant(''))).map(([f, c]) => `HEALTHCHECK ${f.join(' ')} ${c}`),
  fc.constantFrom('ONBUILD RUN make', 'ONBUILD COPY . /src', 'ONBUILD ONBUILD RUN x', 'ONBUILD', 'ONBUILD FROM x', 'ONBUILD RUN <<EOF\necho\nEOF'),
  fc.constantFrom('# comment', '# dockaudit-ignore DA601', '# hadolint ignore=DL3008,DL3015', '# check=skip=all', '#', '', '   ', '\\', 'BOGUS x', 'RUN', 'FROM'),
);

/** A Dockerfile from the grammar: optional directives, then instructions. */
export const grammarDockerfile: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.subarray(['# syntax=docker/dockerfile:1', '# escape=`', '# check=error=true', '# escape=\\']),
    fc.array(instruction, { minLength: 0, maxLength: 30 }),
    fc.constantFrom<Encoding>('utf8', 'utf8', 'crlf', 'bom'),
  )
  .map(([dirs, ins, e]) => encode([...dirs, ...ins].join('\n') + '\n', e, 0));
