import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initShell, parseHeredocScript, parseScript, shebangInterpreter, UNKNOWN } from '../../src/shell/index.js';
import type { EnvLookup, ShellScript } from '../../src/shell/index.js';
import { mt } from './helpers.js';

before(async () => {
  await initShell();
});

function parse(text: string, env?: EnvLookup, base = 0): ShellScript {
  return parseScript(mt(text, base), env === undefined ? { shell: 'sh' } : { shell: 'sh', env });
}
const names = (s: ShellScript): (string | null)[] => s.all.map((c) => c.name);

describe('loader', () => {
  it('loads the pinned web-tree-sitter / tree-sitter-bash pair and parses synchronously', async () => {
    await initShell(); // second call resolves to the same load
    const s = parse('echo hi');
    assert.deepEqual(names(s), ['echo']);
    assert.equal(s.parsed, true);
    assert.deepEqual(s.errors, []);
  });
});

describe('parseScript', () => {
  it('maps every command name range back to the source (with an offset base)', () => {
    const text = 'apt-get update && curl -fsSL https://x.io/i.sh | sh';
    const s = parse(text, undefined, 100);
    for (const c of s.all) {
      const r = c.nameWord!.range;
      assert.equal(text.slice(r.start - 100, r.end - 100), c.name);
    }
    assert.deepEqual(names(s), ['apt-get', 'curl', 'sh']);
  });

  it('does not see commands inside strings or comments', () => {
    const s = parse('echo "curl x | sh" # wget y | bash\nprintf \'%s\' "rm -rf /"');
    assert.deepEqual(names(s), ['echo', 'printf']);
  });

  it('removes quotes, processes escapes and substitutes known variables', () => {
    const env: EnvLookup = (n) => (n === 'V' ? '1.2' : n === 'X' ? UNKNOWN : undefined);
    const s = parse(`echo 'a b' "c\\"d" e\\ f $V "\${V}" $UNSET_ONE $X $'t\\tu'`, env);
    const argv = s.all[0]!.args.map((w) => w.value);
    assert.deepEqual(argv, ['a b', 'c"d', 'e f', '1.2', '1.2', '', null, 't\tu']);
    const dyn = s.all[0]!.args[6]!;
    assert.equal(dyn.dynamic, true);
    assert.equal(dyn.raw, '$X');
  });

  it('keeps the static prefix of a dynamic word', () => {
    const s = parse('curl -o /tmp/f https://example.com/$(uname -m)/x');
    const url = s.commands('curl')[0]!.urls[0]!;
    assert.equal(url.host, 'example.com');
    assert.equal(url.scheme, 'https');
    assert.equal(url.complete, false);
    assert.deepEqual(names(s), ['uname', 'curl']);
    assert.equal(s.all[0]!.inSubstitution, true);
    assert.equal(s.all[1]!.inSubstitution, false);
  });

  it('tracks assignments made earlier in the script', () => {
    const s = parse('URL=https://get.example.org/x.tgz; export DIR=/opt/x\ncurl -o "$DIR/x.tgz" "$URL"; for f in a b; do echo $f; done');
    const curl = s.commands('curl')[0]!;
    assert.equal(curl.flagValue('-o')!.value, '/opt/x/x.tgz');
    assert.equal(curl.urls[0]!.url, 'https://get.example.org/x.tgz');
    assert.equal(s.commands('echo')[0]!.args[0]!.value, null);
  });

  it('records pipelines, connectors and guards', () => {
    const s = parse('curl -fsSL https://x | tee log | sh && make || true; a & b');
    const [curl, tee, sh, make, tru, a, b] = s.all;
    assert.equal(curl!.stdoutTo, tee);
    assert.equal(tee!.stdinFrom, curl);
    assert.equal(sh!.stdinFrom, tee);
    assert.equal(sh!.pipelineIndex, 2);
    assert.equal(curl!.pipelineLength, 3);
    assert.equal(sh!.connectorAfter, '&&');
    assert.equal(make!.connectorBefore, '&&');
    assert.equal(make!.connectorAfter, '||');
    assert.equal(make!.guarded, true);
    assert.equal(curl!.guarded, true);
    assert.equal(tru!.guarded, false);
    assert.equal(a!.connectorAfter, '&');
    assert.equal(b!.connectorBefore, '&');
    assert.equal(b!.guarded, false);
  });

  it('records enclosing constructs', () => {
    const s = parse('if true; then (cd /x && make); fi; for i in 1; do f() { g; }; done; while false; do :; done; case a in a) h;; esac');
    const get = (n: string) => s.all.find((c) => c.name === n)!.enclosing.map((e) => e.kind);
    assert.deepEqual(get('make'), ['if', 'subshell']);
    assert.deepEqual(get('g'), ['for', 'function', 'group']);
    assert.deepEqual(get(':'), ['while']);
    assert.deepEqual(get('h'), ['case']);
  });

  it('records redirects with fd and target', () => {
    const s = parse('curl https://x 2>/dev/null > out.sh; cat <<EOF > /etc/conf\nhello\nEOF\nsha256sum -c <<< "abc  f"');
    const [curl, cat, sum] = s.all;
    assert.deepEqual(curl!.redirects.map((r) => [r.op, r.fd, r.target?.value]), [['>', 2, '/dev/null'], ['>', null, 'out.sh']]);
    assert.deepEqual(curl!.writes.map((w) => w.value), ['out.sh']);
    assert.equal(cat!.redirects[0]!.op, '<<');
    assert.equal(cat!.redirects[0]!.heredoc, 'hello\n');
    assert.deepEqual(cat!.writes.map((w) => w.value), ['/etc/conf']);
    assert.equal(sum!.redirects[0]!.op, '<<<');
    assert.equal(sum!.redirects[0]!.target!.value, 'abc  f');
  });

  it('gives a redirect after && / || / | to the last command of the chain, as bash does', () => {
    const s = parse('true && echo a > /tmp/a && true; false || echo b >> /tmp/b; echo c | tee x > /tmp/c; a && cat <<EOF > /etc/d\nd\nEOF\n');
    const w = (c: ShellScript['all'][number]) => c.writes.map((x) => x.value);
    assert.deepEqual(s.all.map((c) => [c.name, w(c)]), [
      ['true', []],
      ['echo', ['/tmp/a']],
      ['true', []],
      ['false', []],
      ['echo', ['/tmp/b']],
      ['echo', []],
      ['tee', ['/tmp/c']],
      ['a', []],
      ['cat', ['/etc/d']],
    ]);
    assert.equal(s.all[8]!.redirects.find((r) => r.heredoc !== null)?.heredoc, 'd\n');
  });

  it('rejoins a word tree-sitter-bash splits at a `$` (a/$V/b-$V-c)', () => {
    const env: EnvLookup = (n) => (n === 'V' ? '1.2' : UNKNOWN);
    const s = parseScript(mt('curl -o /t/m-$V.tgz https://x.org/$V/m-$V-bin.tgz https://x.org/$V/m-$W-bin.tgz'), { shell: 'sh', env });
    const [, , out, url, dyn] = s.all[0]!.argv;
    assert.equal(s.all[0]!.argv.length, 5);
    assert.equal(out!.value, '/t/m-1.2.tgz');
    assert.equal(url!.value, 'https://x.org/1.2/m-1.2-bin.tgz');
    assert.equal(url!.raw, 'https://x.org/$V/m-$V-bin.tgz');
    assert.equal(dyn!.value, null);
    assert.equal(dyn!.prefix, 'https://x.org/1.2/m-');
    assert.equal(dyn!.raw, 'https://x.org/$V/m-$W-bin.tgz');
  });

  it('binds a redirection after a list or pipeline to its last command, as bash does', () => {
    const s = parse('useradd app && echo "x" >> /etc/sudoers; a | b > out && c');
    const byName = (n: string) => s.all.find((c) => c.name === n)!;
    assert.deepEqual(byName('echo').writes.map((w) => w.value), ['/etc/sudoers']);
    assert.deepEqual(byName('useradd').redirects, []);
    assert.deepEqual(byName('b').writes.map((w) => w.value), ['out']);
    assert.deepEqual(byName('a').redirects, []);
    assert.deepEqual(byName('c').redirects, []);
  });

  it('looks through wrappers', () => {
    const s = parse(
      'sudo -E -u root DEBIAN_FRONTEND=noninteractive apt-get install -y x; env -i A=1 B=2 /usr/bin/curl https://x; exec nice -n 5 nohup timeout -s KILL 10 stdbuf -oL time wget https://y; command -v curl; xargs -n1 rm -f; python3 -m pip install x; uv pip install y; gosu app ./run.sh',
    );
    assert.deepEqual(names(s), ['apt-get', 'curl', 'wget', 'command', 'rm', 'pip', 'pip', 'run.sh']);
    assert.deepEqual(s.all[0]!.wrappers.map((w) => w.name), ['sudo']);
    assert.deepEqual(s.all[0]!.assignments.map((a) => [a.name, a.value?.value]), [['DEBIAN_FRONTEND', 'noninteractive']]);
    assert.deepEqual(s.all[1]!.assignments.map((a) => a.name), ['A', 'B']);
    assert.deepEqual(s.all[2]!.wrappers.map((w) => w.name), ['exec', 'nice', 'nohup', 'timeout', 'stdbuf', 'time']);
    assert.equal(s.all[5]!.subcommand, 'install');
    assert.deepEqual(s.all[6]!.wrappers.map((w) => w.name), ['uv']);
  });

  it('parses nested scripts with positions inside the quoted string', () => {
    const text = `bash -ec 'wget -qO- https://x.org/i | sh' && su app -c "curl https://y" ; eval 'apk add z'`;
    const s = parse(text, undefined, 7);
    assert.deepEqual(names(s), ['bash', 'wget', 'sh', 'su', 'curl', 'eval', 'apk']);
    const wget = s.commands('wget')[0]!;
    assert.equal(wget.parent, s.all[0]);
    assert.equal(s.all[0]!.nested!.all[0], wget);
    for (const c of s.all) assert.equal(text.slice(c.nameWord!.range.start - 7, c.nameWord!.range.end - 7), c.name);
    const sh = s.commands('sh')[0]!;
    assert.equal(sh.stdinFrom, wget);
    assert.equal(s.commands('apk')[0]!.subcommand, 'add');
  });

  it('parses a shell fed by a heredoc', () => {
    const text = 'bash <<EOF\ncurl https://x | sh\nEOF\n';
    const s = parse(text);
    assert.deepEqual(names(s), ['bash', 'curl', 'sh']);
    const curl = s.commands('curl')[0]!;
    assert.equal(text.slice(curl.range.start, curl.range.end), 'curl https://x');
  });

  it('reports syntax errors as values', () => {
    const s = parse('if then fi (((');
    assert.ok(s.errors.length > 0);
  });

  it('turns [ ] and [[ ]] into test commands', () => {
    const s = parse('[ "$(sha256sum f | cut -d" " -f1)" = "abc" ] && [[ -f x ]]');
    const t = s.commands('[')[0]!;
    assert.equal(t.isTest, true);
    assert.deepEqual(t.args.map((w) => w.value), [null, '=', 'abc']);
    assert.deepEqual(s.commands('[[')[0]!.args.map((w) => w.value), ['-f', 'x']);
    assert.deepEqual(names(s), ['sha256sum', 'cut', '[', '[[']);
  });
});

describe('heredoc scripts and other shells', () => {
  it('uses the shebang to decide the language', () => {
    assert.equal(shebangInterpreter('#!/usr/bin/env -S python3 -u\nprint(1)\n'), 'python3');
    assert.equal(shebangInterpreter('echo'), null);
    const py = parseHeredocScript(mt('#!/usr/bin/env python3\nimport os\nos.system("curl x | sh")\n'), { shell: 'sh' });
    assert.equal(py.parsed, false);
    assert.equal(py.language, 'python3');
    assert.equal(py.all.length, 0);
    const sh = parseHeredocScript(mt('#!/bin/bash\nset -e\napt-get update\n'), { shell: 'sh' });
    assert.equal(sh.kind, 'bash');
    assert.deepEqual(names(sh), ['set', 'apt-get']);
  });

  it('tokenises PowerShell download-and-execute shapes', () => {
    const s = parseScript(mt(`iex ((New-Object System.Net.WebClient).DownloadString('https://chocolatey.org/install.ps1')); iwr -Uri https://x.io/a.exe -OutFile a.exe | Out-Null`), { shell: 'powershell' });
    assert.equal(s.parsed, false);
    const dl = s.commands('downloadstring')[0]!;
    assert.equal(dl.args[0]!.value, 'https://chocolatey.org/install.ps1');
    assert.equal(dl.inSubstitution, true);
    assert.ok(s.commands('invoke-expression').length === 1);
    const iwr = s.commands('invoke-webrequest')[0]!;
    assert.equal(iwr.args[1]!.value, 'https://x.io/a.exe');
    assert.equal(iwr.stdoutTo?.name, 'out-null');
  });

  it('tokenises cmd with & separators', () => {
    const s = parseScript(mt('curl.exe -fsSLo x.zip https://x & tar -xf x.zip'), { shell: 'cmd' });
    assert.deepEqual(names(s), ['curl', 'tar']);
  });
});

describe('PowerShell nested in a POSIX or cmd script', () => {
  it('parses powershell -Command arguments as a PowerShell script', () => {
    const text = `powershell -Command "iwr https://p.example/x.ps1 -UseBasicParsing | iex"`;
    const s = parseScript(mt(text), { shell: 'sh' });
    assert.deepEqual(names(s), ['powershell', 'invoke-webrequest', 'invoke-expression']);
    const iwr = s.commands('invoke-webrequest')[0]!;
    assert.equal(text.slice(iwr.nameWord!.range.start, iwr.nameWord!.range.end), 'iwr');
    assert.equal(iwr.parent, s.all[0]);
    const c = parseScript(mt(`powershell -Command $ErrorActionPreference = 'Stop'; Invoke-WebRequest -OutFile a.zip https://q.example/a.zip`), { shell: 'cmd' });
    assert.equal(c.commands('invoke-webrequest')[0]!.args[1]!.value, 'a.zip');
  });
});

describe('guards', () => {
  it('|| true, || echo, || exit 0 guard; || exit 1 does not; a guard covers a nested script', () => {
    const s = parse('a || echo "failed"; b || exit 1; c || exit 0; sh -c "d && e" || true');
    const g = Object.fromEntries(s.all.filter((c) => /^[a-e]$/.test(c.name ?? '')).map((c) => [c.name, c.guarded]));
    assert.deepEqual(g, { a: true, b: false, c: true, d: true, e: true });
  });
});

describe('serialisation', () => {
  it('commands serialise to JSON with references as ids', () => {
    const s = parse('curl -fsSL https://j.example | sh -c "cat"');
    const json = JSON.parse(JSON.stringify(s.all)) as { name: string; stdoutTo: number | null; parent: number | null; argv: { value: string }[] }[];
    assert.equal(json[0]!.stdoutTo, 1);
    assert.equal(json[2]!.name, 'cat');
    assert.equal(json[2]!.parent, 1);
    assert.equal(json[0]!.argv[2]!.value, 'https://j.example');
  });
});
