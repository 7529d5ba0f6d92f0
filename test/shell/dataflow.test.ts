import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeDataflow } from '../../src/shell/dataflow.js';
import type { Dataflow, StageStep } from '../../src/shell/dataflow.js';
import { initShell, parseScript } from '../../src/shell/index.js';
import type { EnvLookup } from '../../src/shell/index.js';
import { mt } from './helpers.js';

before(async () => {
  await initShell();
});

function flow(scripts: (string | StageStep)[], env?: EnvLookup): Dataflow {
  const steps: StageStep[] = scripts.map((s) =>
    typeof s === 'string' ? { kind: 'run', script: parseScript(mt(s), env === undefined ? { shell: 'sh' } : { shell: 'sh', env }) } : s,
  );
  return analyzeDataflow(steps);
}
const summary = (d: Dataflow) => d.uses.map((u) => `${u.kind}:${u.artifact.url?.host ?? '?'}:${u.verified ? 'verified' : 'unverified'}`);

describe('dataflow', () => {
  it('curl piped into a shell is an unverified pipe-to-interpreter use', () => {
    const d = flow(['curl -fsSL https://get.example.com/install.sh | sudo bash -s -- --yes']);
    assert.deepEqual(summary(d), ['pipe-to-interpreter:get.example.com:unverified']);
    assert.equal(d.artifacts[0]!.streamed, true);
    assert.equal(d.artifacts[0]!.url!.scheme, 'https');
  });

  it('stdin scripts: php -- args and /dev/stdin are interpreter uses, a php script file is not', () => {
    const d = flow([
      'curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/bin',
      'curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest',
      'curl -s https://example.com/data.json | php /opt/import.php --',
    ]);
    assert.deepEqual(summary(d), ['pipe-to-interpreter:getcomposer.org:unverified', 'pipe-to-interpreter:aka.ms:unverified']);
  });

  it('look-alikes are not uses', () => {
    const d = flow(['echo "curl https://x.io/a | sh" # wget -O- https://y | sh', "printf '%s' 'wget -qO- https://z | bash'"]);
    assert.deepEqual(d.uses, []);
    assert.deepEqual(d.artifacts, []);
  });

  it('download, checksum via echo | sha256sum -c -, then extract: verified', () => {
    const d = flow([
      'curl -fsSLo /tmp/node.tgz https://nodejs.org/dist/node.tgz && echo "abc123abc123  /tmp/node.tgz" | sha256sum -c - && tar -xzf /tmp/node.tgz -C /opt',
    ]);
    assert.deepEqual(summary(d), ['extract:nodejs.org:verified']);
    assert.equal(d.verifications[0]!.kind, 'checksum');
    assert.deepEqual(d.verifications[0]!.files, ['/tmp/node.tgz']);
  });

  it('a checksum of a different file does not count', () => {
    const d = flow(['wget -O app.tgz https://h.example/app.tgz && echo "abcdef0123  other.tgz" | sha256sum -c && tar xzf app.tgz']);
    assert.deepEqual(summary(d), ['extract:h.example:unverified']);
  });

  it('a verified file replaced later does not count', () => {
    const d = flow([
      'curl -o /x.sh https://a.example/x.sh && echo "deadbeef00  /x.sh" | sha256sum -c -',
      'curl -o /x.sh https://b.example/x.sh',
      'sh /x.sh',
    ]);
    assert.deepEqual(summary(d), ['interpret:b.example:unverified']);
  });

  it('verification persists across RUNs and checksum files written earlier count', () => {
    const d = flow([
      'cd /tmp && curl -fsSLO https://dl.example/tool.zip',
      'cd /tmp && echo "0123456789abcdef  tool.zip" > sums.txt && sha256sum --check sums.txt',
      'unzip /tmp/tool.zip -d /opt',
    ]);
    assert.deepEqual(summary(d), ['extract:dl.example:verified']);
  });

  it('gpg --verify sig file and gpgv verify the named file; || true makes a check ineffective', () => {
    const ok = flow(['curl -o f.tgz https://a.example/f.tgz && curl -o f.tgz.asc https://a.example/f.tgz.asc && gpg --batch --verify f.tgz.asc f.tgz && tar xzf f.tgz']);
    assert.deepEqual(summary(ok), ['extract:a.example:verified']);
    const guarded = flow(['curl -o f.tgz https://a.example/f.tgz; gpgv f.tgz.sig f.tgz || true; tar xzf f.tgz']);
    assert.deepEqual(summary(guarded), ['extract:a.example:unverified']);
    assert.equal(guarded.verifications[0]!.enforced, false);
  });

  it('cosign verify-blob and a checksum compared in [ ]', () => {
    const a = flow(['curl -Lo bin https://gh.example/bin && cosign verify-blob --key k.pub --signature bin.sig bin && chmod +x bin && ./bin']);
    assert.deepEqual(summary(a), ['execute:gh.example:verified']);
    const b = flow(['curl -Lo /usr/local/bin/t https://t.example/t && [ "$(sha256sum /usr/local/bin/t | cut -d" " -f1)" = "$T_SHA" ] && chmod +x /usr/local/bin/t && t --version && /usr/local/bin/t']);
    assert.deepEqual(summary(b), ['execute:t.example:verified']);
  });

  it('chmod +x then run, moved onto PATH, installers, package files and URLs', () => {
    const d = flow([
      'wget https://k.example/kubectl && chmod +x kubectl && mv kubectl /usr/local/bin/ && curl -o /tmp/p.deb https://deb.example/p.deb && dpkg -i /tmp/p.deb && pip install https://py.example/x.whl && curl -sLo i.sh http://plain.example/i.sh && bash i.sh',
    ]);
    assert.deepEqual(summary(d), ['path:k.example:unverified', 'install:deb.example:unverified', 'install:py.example:unverified', 'interpret:plain.example:unverified']);
    assert.equal(d.uses[3]!.artifact.url!.scheme, 'http');
  });

  it('ADD with and without --checksum, COPY replacing a file', () => {
    const d = flow([
      { kind: 'add', url: 'https://a.example/a.tgz', dest: '/tmp/', checksum: true, range: { start: 0, end: 1 } },
      { kind: 'add', url: 'https://b.example/b.sh', dest: '/b.sh', checksum: false, range: { start: 2, end: 3 } },
      'tar xzf /tmp/a.tgz && sh /b.sh',
      { kind: 'copy', dest: '/b.sh', range: { start: 4, end: 5 } },
      'sh /b.sh',
    ]);
    assert.deepEqual(summary(d), ['extract:a.example:verified', 'interpret:b.example:unverified']);
  });

  it('git clone pinned by checkout of a full commit id', () => {
    const sha = 'a'.repeat(40);
    const d = flow([`git clone https://github.com/o/r.git /src && git -C /src checkout ${sha}`, 'git clone https://github.com/o/s']);
    assert.equal(d.artifacts.length, 2);
    assert.equal(d.verifications[0]!.kind, 'git-commit');
    assert.equal(d.artifacts[0]!.path, '/src');
  });

  it('resolves variables from env and from assignments', () => {
    const env: EnvLookup = (n) => (n === 'VER' ? '1.2.3' : undefined);
    const d = flow(['URL=https://r.example/v$VER/t.tgz; curl -fsSL "$URL" | tar xz -C /usr/local/bin'], env);
    assert.deepEqual(summary(d), ['pipe-to-extract:r.example:unverified']);
    assert.equal(d.artifacts[0]!.url!.url, 'https://r.example/v1.2.3/t.tgz');
  });

  it('nested sh -c scripts and PowerShell shapes', () => {
    const d = flow(['sh -c "wget -qO- https://n.example/i | sh"']);
    assert.deepEqual(summary(d), ['pipe-to-interpreter:n.example:unverified']);
    const ps = analyzeDataflow([
      { kind: 'run', script: parseScript(mt("iex ((New-Object System.Net.WebClient).DownloadString('https://c.example/install.ps1'))"), { shell: 'powershell' }) },
      { kind: 'run', script: parseScript(mt('iwr https://d.example/x.ps1 -UseBasicParsing | iex'), { shell: 'powershell' }) },
    ]);
    assert.deepEqual(summary(ps), ['pipe-to-interpreter:c.example:unverified', 'pipe-to-interpreter:d.example:unverified']);
  });
});

describe('dataflow edge cases', () => {
  it('curl redirected into a file, then run', () => {
    const d = flow(['curl -fsSL https://r.example/i.sh > /tmp/i.sh && sh /tmp/i.sh']);
    assert.deepEqual(summary(d), ['interpret:r.example:unverified']);
    assert.equal(d.artifacts[0]!.path, '/tmp/i.sh');
  });

  it('a redirect overwriting a downloaded file drops it', () => {
    const d = flow(['curl -o /tmp/i.sh https://r.example/i.sh; echo "echo hi" > /tmp/i.sh; sh /tmp/i.sh']);
    assert.deepEqual(d.uses, []);
  });

  it('a downloaded checksum list of unknown content counts for the files downloaded before it', () => {
    const d = flow([
      'curl -fsSLO https://g.example/v1/tool.tgz && curl -fsSLO https://g.example/v1/SHA256SUMS && sha256sum --check --ignore-missing SHA256SUMS && tar xzf tool.tgz',
    ]);
    assert.deepEqual(summary(d), ['extract:g.example:verified']);
    assert.equal(d.verifications[0]!.files, null);
  });

  it('a check followed by ; without set -e is not enforced, with set -e it is', () => {
    const loose = flow(['curl -o a.tgz https://a.example/a.tgz; echo "0123456789  a.tgz" | sha256sum -c; tar xzf a.tgz']);
    assert.deepEqual(summary(loose), ['extract:a.example:unverified']);
    const strict = flow(['set -eux; curl -o a.tgz https://a.example/a.tgz; echo "0123456789  a.tgz" | sha256sum -c; tar xzf a.tgz']);
    assert.deepEqual(summary(strict), ['extract:a.example:verified']);
  });
});

describe('downloads executed through substitutions', () => {
  it('bash -c "$(curl …)", eval "$(wget -O- …)", source <(curl …) are pipe-to-interpreter uses', () => {
    const d = flow([
      'bash -c "$(curl -fsSL https://raw.example/install.sh)"',
      'eval "$(wget -qO- https://e.example/env)"',
      'source <(curl -s https://s.example/x)',
    ]);
    assert.deepEqual(summary(d), ['pipe-to-interpreter:raw.example:unverified', 'pipe-to-interpreter:e.example:unverified', 'pipe-to-interpreter:s.example:unverified']);
  });

  it('a substitution used as data is not a use', () => {
    const d = flow(['VERSION="$(curl -fsSL https://api.example/latest)" && echo "$(curl -s https://x.example/motd)" > /etc/motd']);
    assert.deepEqual(d.uses, []);
    assert.equal(d.artifacts.length, 2);
  });
});

describe('PowerShell downloads', () => {
  it('Invoke-WebRequest -OutFile then run; parameters are case-insensitive', () => {
    const s = parseScript(mt("Invoke-WebRequest -Uri 'https://ps.example/setup.exe' -OutFile C:/setup.exe -UseBasicParsing; Start-Process C:/setup.exe -Wait"), { shell: 'powershell' });
    const iwr = s.commands('invoke-webrequest')[0]!;
    assert.equal(iwr.flagValue('-outfile')!.value, 'C:/setup.exe');
    assert.equal(iwr.urls[0]!.host, 'ps.example');
    const d = analyzeDataflow([{ kind: 'run', script: s }]);
    assert.equal(d.artifacts[0]!.path, 'C:/setup.exe');
    assert.equal(d.artifacts[0]!.url!.host, 'ps.example');
    assert.deepEqual(summary(d), ['execute:ps.example:unverified']);
  });
});
