import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initShell, parseScript } from '../../src/shell/index.js';
import type { ShellCommand } from '../../src/shell/index.js';
import { mt } from './helpers.js';

before(async () => {
  await initShell();
});

function cmd(text: string): ShellCommand {
  const s = parseScript(mt(text), { shell: 'bash' });
  const c = s.all[s.all.length - 1];
  assert.ok(c !== undefined, 'a command');
  return c;
}
const opts = (c: ShellCommand) => c.options.map((o) => (o.value === null ? o.name : `${o.name}=${o.value.value}`));
const ops = (c: ShellCommand) => c.operands.map((w) => w.value);

describe('getopt-style option parsing', () => {
  it('apt-get: bundles, aliases, valued -o, subcommand anywhere after global options', () => {
    const c = cmd('apt-get -qq -o Acquire::Retries=3 install --assume-yes --no-install-recommends curl=7.* ca-certificates');
    assert.equal(c.subcommand, 'install');
    assert.equal(c.hasFlag('-y'), true);
    assert.equal(c.hasFlag('--yes'), true);
    assert.equal(c.hasFlag('--no-install-recommends'), true);
    assert.equal(c.flagValue('--option')!.value, 'Acquire::Retries=3');
    assert.deepEqual(ops(c), ['curl=7.*', 'ca-certificates']);
    assert.equal(cmd('apt-get install curl').hasFlag('-y'), false);
  });

  it('curl: -fsSLo file, --output=file, -O is a flag, --url value', () => {
    const c = cmd('curl -fsSLo /tmp/a https://a.example/x --output=/tmp/b -O --url https://b.example/y');
    assert.deepEqual(opts(c), ['-f', '-s', '-S', '-L', '-o=/tmp/a', '--output=/tmp/b', '-O', '--url=https://b.example/y']);
    assert.deepEqual(c.flagValues('-o').map((w) => w.value), ['/tmp/a', '/tmp/b']);
    assert.deepEqual(c.urls.map((u) => u.host), ['a.example', 'b.example']);
    const r = c.flagValues('-o')[0]!.range;
    assert.equal('curl -fsSLo /tmp/a'.slice(r.start, r.end), '/tmp/a');
  });

  it('attached value ranges point inside the word', () => {
    const text = 'wget -qO/tmp/x https://h/x';
    const v = cmd(text).flagValue('-O')!;
    assert.equal(text.slice(v.range.start, v.range.end), '/tmp/x');
    const t2 = 'curl --output=out.bin https://h';
    const v2 = cmd(t2).flagValue('-o')!;
    assert.equal(t2.slice(v2.range.start, v2.range.end), 'out.bin');
  });

  it('a sub-word of a quoted attached value maps each character past the quotes (origin runs of a sub-word)', () => {
    // `-o"/tmp/x y"`: the value's characters come from two stretches of the script (the quote is skipped)
    const text = 'curl -o"/tmp/x y" https://h/f';
    const v = cmd(text).flagValue('-o')!;
    assert.equal(v.value, '/tmp/x y');
    assert.equal(v.dynamic, false);
    assert.equal(v.quoted, true);
    assert.deepEqual(v.range, { start: 8, end: 17 });
    assert.equal(v.raw, '/tmp/x y"');
    // the nested script of `sh -c"…"` is read from the same kind of sub-word: its commands map back to the source
    const t2 = 'su -c"apt-get install -y curl" app';
    const nested = parseScript(mt(t2), { shell: 'bash' }).all.find((c) => c.name === 'apt-get')!;
    assert.equal(t2.slice(nested.range.start, nested.range.end), 'apt-get install -y curl');
  });

  it('commands without redirections share one frozen empty list; pipeline links default when unset', () => {
    const s = parseScript(mt('a; b | c > f'), { shell: 'bash' });
    const [a, b, c] = s.all;
    assert.equal(a!.redirects, b!.redirects);
    assert.equal(Object.isFrozen(a!.redirects), true);
    assert.deepEqual(c!.redirects.map((r) => r.op), ['>']);
    assert.deepEqual([a!.pipelineIndex, a!.pipelineLength, a!.stdinFrom, a!.stdoutTo, a!.parent, a!.nested], [0, 1, null, null, null, null]);
    assert.deepEqual([b!.pipelineIndex, b!.pipelineLength, b!.stdoutTo, c!.pipelineIndex, c!.pipelineLength, c!.stdinFrom], [0, 2, c, 1, 2, b]);
    a!.guarded = true;
    assert.deepEqual([a!.guarded, a!.inSubstitution, a!.isTest], [true, false, false]);
  });

  it('-- ends options', () => {
    const c = cmd('rm -rf -- -weird-file /x');
    assert.deepEqual(opts(c), ['-r', '-f']);
    assert.deepEqual(ops(c), ['-weird-file', '/x']);
  });

  it('tar old-style key letters and GNU long options', () => {
    const c = cmd('tar xzvf app.tgz -C /opt --strip-components 1');
    assert.equal(c.hasFlag('--extract'), true);
    assert.equal(c.flagValue('--file')!.value, 'app.tgz');
    assert.equal(c.flagValue('-C')!.value, '/opt');
    assert.equal(c.flagValue('--strip-components')!.value, '1');
    assert.deepEqual(ops(c), []);
    const d = cmd('tar -xJf a.txz');
    assert.equal(d.flagValue('-f')!.value, 'a.txz');
    assert.equal(d.hasFlag('--xz'), true);
  });

  it('chmod modes that look like options are operands', () => {
    const c = cmd('chmod -x /usr/local/bin/tool');
    assert.deepEqual(opts(c), []);
    assert.deepEqual(ops(c), ['-x', '/usr/local/bin/tool']);
    assert.deepEqual(opts(cmd('chmod -R 755 /app')), ['-R']);
  });

  it('git: global options before the subcommand, clone options after', () => {
    const c = cmd('git -C /src -c http.sslVerify=false clone --depth 1 -b v1.2 https://github.com/a/b.git /b');
    assert.equal(c.subcommand, 'clone');
    assert.equal(c.flagValue('-c')!.value, 'http.sslVerify=false');
    assert.equal(c.flagValue('--branch')!.value, 'v1.2');
    assert.deepEqual(ops(c), ['https://github.com/a/b.git', '/b']);
    assert.equal(c.urls[0]!.host, 'github.com');
  });

  it('zypper: -D means something else after the subcommand', () => {
    const c = cmd('zypper -n --gpg-auto-import-keys install -y -D --no-recommends pkg');
    assert.equal(c.subcommand, 'install');
    assert.equal(c.hasFlag('--dry-run'), true);
    assert.deepEqual(ops(c), ['pkg']);
  });

  it('go-style single-dash long flags', () => {
    const c = cmd('go build -ldflags "-s -w" -o /bin/app ./cmd/app');
    assert.equal(c.subcommand, 'build');
    assert.equal(c.flagValue('-ldflags')!.value, '-s -w');
    assert.equal(c.flagValue('-o')!.value, '/bin/app');
    assert.deepEqual(ops(c), ['./cmd/app']);
  });

  it('interpreters stop at the first operand; python -c terminates', () => {
    const c = cmd('bash -euxo pipefail install.sh -y --prefix /x');
    assert.deepEqual(opts(c), ['-e', '-u', '-x', '-o=pipefail']);
    assert.deepEqual(ops(c), ['install.sh', '-y', '--prefix', '/x']);
    const p = cmd('python3 -u -c "import os" -v');
    assert.equal(p.flagValue('-c')!.value, 'import os');
    assert.deepEqual(ops(p), ['-v']);
  });

  it('pip via python -m pip and uv pip', () => {
    const c = cmd('python3 -m pip install --no-cache-dir -r requirements.txt --index-url=https://pypi.example/simple');
    assert.equal(c.name, 'pip');
    assert.equal(c.subcommand, 'install');
    assert.equal(c.hasFlag('--no-cache'), true);
    assert.equal(c.flagValue('--requirement')!.value, 'requirements.txt');
    assert.equal(c.urls[0]!.host, 'pypi.example');
  });

  it('echo: only -neE clusters are options', () => {
    assert.deepEqual(opts(cmd('echo -ne "x"')), ['-n', '-e']);
    assert.deepEqual(ops(cmd('echo -foo')), ['-foo']);
  });

  it('checksum tools, gpg, cosign, useradd, apk, npm', () => {
    assert.equal(cmd('sha256sum --check --strict SHA256SUMS').hasFlag('-c'), true);
    const g = cmd('gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys ABCD');
    assert.equal(g.flagValue('--keyserver')!.value, 'hkps://keys.openpgp.org');
    assert.equal(g.hasFlag('--receive-keys'), true);
    const co = cmd('cosign verify-blob --key cosign.pub --signature a.sig a.tgz');
    assert.equal(co.subcommand, 'verify-blob');
    assert.deepEqual(ops(co), ['a.tgz']);
    const u = cmd('useradd -r -u 1001 -g app -s /sbin/nologin app');
    assert.equal(u.flagValue('--uid')!.value, '1001');
    assert.deepEqual(ops(u), ['app']);
    const a = cmd('apk add --no-cache -t .build-deps gcc');
    assert.equal(a.flagValue('--virtual')!.value, '.build-deps');
    assert.deepEqual(ops(a), ['gcc']);
    const n = cmd('npm install -g --unsafe-perm --registry https://r.example pkg@1');
    assert.equal(n.hasFlag('--global'), true);
    assert.deepEqual(ops(n), ['pkg@1']);
  });

  it('unknown commands keep plain argv, GNU permutation by default', () => {
    const c = cmd('mytool a -b c --d=e');
    assert.deepEqual(ops(c), ['a', 'c']);
    assert.deepEqual(opts(c), ['-b', '--d=e']);
    assert.deepEqual(c.argv.map((w) => w.value), ['mytool', 'a', '-b', 'c', '--d=e']);
  });
});
