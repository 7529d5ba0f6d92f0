import type { DockerfileModel } from '../../model/types.js';
import type { ArtifactUse, ShellCommand } from '../../shell/index.js';
import { analyzeDataflow } from '../../shell/index.js';
import type { Range } from '../../source.js';
import { isLoopbackHost } from '../helpers/shell.js';
import { defineRule } from '../types.js';

/** The interpreter command's range, extended back over the `|` that feeds it (`| sh -s -- -y`). */
function pipeRange(model: DockerfileModel, c: ShellCommand): Range {
  if (c.stdinFrom === null) return c.range;
  const text = model.source.text;
  let k = c.range.start - 1;
  const floor = Math.max(c.stdinFrom.range.end, 0);
  while (k >= floor && (text[k] === ' ' || text[k] === '\t' || text[k] === '\n' || text[k] === '\r' || text[k] === '\\')) k--;
  if (k >= floor && text[k] === '|') {
    const start = k > 0 && text[k - 1] === '|' ? k : k; // `||` is not a pipe: the shell model never links it
    return { start, end: c.range.end };
  }
  return c.range;
}

export default defineRule({
  meta: {
    id: 'DA501',
    name: 'remote-code-piped-to-interpreter',
    category: 'supply-chain',
    severity: 'critical',
    cwe: [494],
    description: 'A downloaded script is run straight from the network by a shell or interpreter (during the build, or at container start), without any check of what it contains.',
    messages: {
      piped: (d: { interpreter: string; url: string }) =>
        `The output of ${d.url} is run by ${d.interpreter} as it downloads: download it to a file, verify its checksum or signature, then run it.`,
    },
    aliases: [],
  },
  check(model, ctx) {
    const seen = new Set<ShellCommand>();
    const uses: ArtifactUse[] = [];
    for (const stage of model.stages) uses.push(...(stage.shell?.dataflow.uses ?? []));
    // CMD, ENTRYPOINT and HEALTHCHECK scripts run at container start (or on every probe): not part of the build's
    // dataflow, each is its own little program
    for (const f of model.instructions) {
      const k = f.instruction.kind;
      if (k !== 'CMD' && k !== 'ENTRYPOINT' && k !== 'HEALTHCHECK') continue;
      for (const script of f.shell ?? []) uses.push(...analyzeDataflow([{ kind: 'run', script }]).uses);
    }
    {
      for (const u of uses) {
        if (u.kind !== 'pipe-to-interpreter' || seen.has(u.command)) continue;
        if (isLoopbackHost(u.artifact.url?.host ?? null)) continue;
        seen.add(u.command);
        ctx.report({
          messageId: 'piped',
          data: { interpreter: u.command.nameWord?.value ?? u.command.name ?? 'a shell', url: u.artifact.url?.url ?? 'a download' },
          range: pipeRange(model, u.command),
        });
      }
    }
  },
  docs: {
    why:
      '`curl … | sh` runs whatever the server returns at that moment, with the privileges of the build (usually ' +
      'root). A compromised host, a hijacked DNS name, a man-in-the-middle on a plain-HTTP link or a truncated ' +
      'transfer all become code execution inside your image, and nothing records which script actually ran: two ' +
      'builds of the same Dockerfile can install different things. The same holds for `sh -c "$(curl …)"`, ' +
      '`bash <(curl …)`, `eval "$(wget -O- …)"` and PowerShell `iex (iwr …)`.\n\n' +
      'Piping into `tar`, `gpg --dearmor`, `sha256sum` or `tee` is not reported here: those do not execute the ' +
      'content (unverified extraction is reported by `unverified-download`).',
    bad: 'FROM debian:12\nRUN curl -fsSL https://get.example.com/install.sh | sh\n',
    good:
      'FROM debian:12\n' +
      'RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.2.3/install.sh \\\n' +
      ' && echo "4f2a9c0e5b3d7a1e8c6f0b2d4e6a8c0e1f3b5d7a9c1e3f5a7b9d1f3a5c7e9b1d  /tmp/install.sh" | sha256sum -c - \\\n' +
      ' && sh /tmp/install.sh && rm /tmp/install.sh\n',
    fix:
      'Download the script to a file from a versioned URL, check it against a checksum you recorded (or a ' +
      'signature from a key you pinned), then run the file. Better still, install the tool from a package ' +
      'repository whose signatures the package manager verifies, or copy a verified binary from a build stage.',
    references: [
      'https://cwe.mitre.org/data/definitions/494.html',
      'https://docs.docker.com/build/building/best-practices/#using-pipes',
    ],
  },
  tests: {
    valid: [
      { name: 'piped into gpg --dearmor', code: 'FROM debian:12\nRUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg\n' },
      { name: 'piped into tar and sha256sum', code: 'FROM debian:12\nRUN curl -fsSL https://example.com/a.tgz | tar -xz -C /opt && curl -s https://example.com/b | sha256sum\n' },
      { name: 'echoed text', code: 'FROM debian:12\nRUN echo "curl https://example.com/x | sh"\n' },
      { name: 'comment', code: 'FROM debian:12\n# RUN curl https://example.com/x | sh\nRUN true\n' },
      { name: 'loopback URL', code: 'FROM debian:12\nRUN curl -s http://localhost:8080/setup | sh\n' },
      { name: 'health check piping into grep', code: 'FROM debian:12\nHEALTHCHECK CMD curl -fs http://127.0.0.1:8080/health | grep ok\nCMD ["sh", "-c", "echo curl https://x.example/a | sh"]\n' },
      { name: 'downloaded, verified, then run', code: 'FROM debian:12\nRUN curl -fsSLo i.sh https://example.com/i.sh && sha256sum -c i.sh.sha256 && sh i.sh\n' },
      { name: 'php running a local script file with the download as input', code: 'FROM php:8.3\nRUN curl -s https://example.com/data.json | php /usr/local/bin/import.php --\n' },
      { name: 'piped into tee for a file', code: 'FROM debian:12\nRUN curl -fsSL https://example.com/a | tee /tmp/a > /dev/null\n' },
    ],
    invalid: [
      {
        name: 'at container start (CMD shell form)',
        code: 'FROM debian:12\nCMD curl -fsSL https://example.com/start.sh | bash\n',
        errors: [{ line: 2, column: 45, endLine: 2, endColumn: 51, messageId: 'piped' }],
      },
      {
        code: 'FROM debian:12\nRUN curl -fsSL https://get.example.com/install.sh | sh\n',
        errors: [{ line: 2, column: 51, endLine: 2, endColumn: 55, messageId: 'piped' }],
      },
      {
        name: 'wget into sudo bash with arguments',
        code: 'FROM debian:12\nRUN wget -qO- https://deb.nodesource.com/setup_20.x | sudo -E bash - && apt-get install -y nodejs\n',
        errors: [{ line: 2, column: 53, endColumn: 69 }],
      },
      {
        name: 'command substitution and process substitution',
        code: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://example.com/i.sh)"\nRUN bash <(curl -s https://example.com/j.sh)\n',
        errors: [
          { line: 2, column: 5, endColumn: 51 },
          { line: 3, column: 5, endColumn: 45 },
        ],
      },
      {
        name: 'php -- arguments and bash /dev/stdin arguments',
        code: 'FROM php:8.3\nRUN curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/bin\nRUN curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest\n',
        errors: [
          { line: 2, column: 48, endColumn: 79 },
          { line: 3, column: 41, endColumn: 68 },
        ],
      },
      {
        name: 'python interpreter over a continuation line',
        code: 'FROM python:3.12\nRUN curl -sSL https://install.python-poetry.org \\\n    | python3 -\n',
        errors: [{ line: 3, column: 5, endColumn: 16 }],
      },
    ],
  },
});
