import type { ShellCommand } from '../../shell/index.js';
import { runScripts, shellOptionsAt, shellProgram } from '../helpers/run-scripts.js';
import { defineRule } from '../types.js';

/** Producers whose failure is not worth failing the build for (or that always "fail" by SIGPIPE, like `yes`). */
const HARMLESS_PRODUCERS: ReadonlySet<string> = new Set(['echo', 'printf', 'yes', 'true', 'cat', 'seq', 'ls', 'find', 'grep', 'sort', 'head', 'tail', 'env', 'printenv', 'dpkg', 'dpkg-query', 'id', 'uname', 'date', 'tr', 'cut', 'awk', 'sed', 'jq', 'readlink', 'realpath', 'ldd', 'xargs', 'which', 'command', 'basename', 'dirname', 'wc', 'uniq', 'scanelf', 'dpkg-architecture', 'tee', 'locale', 'apt-mark', ':']);
/** Consumers that fail on empty input anyway: a failed producer still fails the pipeline. */
const FAIL_ON_EMPTY: ReadonlySet<string> = new Set(['grep', 'egrep', 'fgrep']);

function lastOf(c: ShellCommand): ShellCommand {
  let x = c;
  while (x.stdoutTo !== null) x = x.stdoutTo;
  return x;
}

function failsOnEmpty(c: ShellCommand): boolean {
  if (c.name !== null && FAIL_ON_EMPTY.has(c.name)) return true;
  return c.tool !== null && /^(?:sha|md5|b2)/.test(c.tool) && c.hasFlag('-c');
}
const SHELLS_WITH_PIPEFAIL: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'zsh', 'ksh', 'mksh', 'dash']);

function inCondition(c: ShellCommand): boolean {
  return c.enclosing.some((e) => e.kind === 'if' || e.kind === 'while' || e.kind === 'until' || e.kind === 'negation');
}

export default defineRule({
  meta: {
    id: 'DA703',
    name: 'pipefail-missing',
    category: 'shell',
    severity: 'low',
    description: 'A RUN pipes a command whose failure matters into another without `pipefail`, so the failure is ignored.',
    needs: { instructions: ['RUN'] },
    messages: {
      pipefail: (d: { producer: string }) =>
        `The exit status of "${d.producer}" is lost in this pipe: add \`set -o pipefail &&\` at the start of the RUN (or SHELL ["/bin/bash", "-o", "pipefail", "-c"]) so a failed ${d.producer} fails the build.`,
    },
    aliases: ['DL4006'],
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const rs of runScripts(model)) {
      if (!SHELLS_WITH_PIPEFAIL.has(shellProgram(rs.facts.shellSetting.argv))) continue;
      for (const c of rs.script.all) {
        const next = c.stdoutTo;
        if (next === null || c.guarded || next.guarded || inCondition(c) || c.inSubstitution) continue;
        if (c.name === null || HARMLESS_PRODUCERS.has(c.tool ?? c.name) || c.connectorBefore === '||') continue;
        const last = lastOf(c);
        if (last.guarded || failsOnEmpty(last)) continue;
        if (shellOptionsAt(rs, c.range.start).pipefail) continue;
        const bar = text.indexOf('|', c.range.end);
        const range = bar >= 0 && bar < next.range.start ? { start: bar, end: text[bar + 1] === '&' ? bar + 2 : bar + 1 } : c.range;
        ctx.report({ messageId: 'pipefail', data: { producer: c.name }, range });
        break; // one finding per script: one `set -o pipefail` fixes them all
      }
    }
  },
  docs: {
    why:
      'A pipeline\'s exit status is the status of its last command. In `RUN curl -fsSL $URL | tar -xz`, a failed ' +
      'download still lets the build go on (tar may even succeed on an empty stream), producing an image without ' +
      'the files it should contain, or with a half-written artifact. With `pipefail`, any failing command fails the ' +
      'pipeline and the build. Producers whose failure is harmless or expected (`echo`, `yes`, `cat`, `grep`, …) ' +
      'are not reported.',
    bad: 'FROM debian:12\nRUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt\n',
    good:
      'FROM debian:12\nRUN set -o pipefail && curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt\n' +
      'RUN echo "deb http://deb.debian.org/debian bookworm main" | tee /etc/apt/sources.list\n',
    fix:
      'Start the RUN with `set -o pipefail &&` (bash, ash, zsh; dash only since 0.5.12), or set the shell once with ' +
      '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL4006', 'https://www.gnu.org/software/bash/manual/html_node/Pipelines.html'],
  },
  tests: {
    valid: [
      'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x/a.tgz | tar -xz\n',
      { name: 'set -euo pipefail in the script', code: 'FROM debian:12\nRUN set -euo pipefail; wget -qO- https://x/a.tgz | tar -xz\n' },
      { name: 'harmless producers and guarded pipe', code: 'FROM debian:12\nRUN echo "a|b" | tee /x && yes | apt-get install x && (curl https://x | sh || true)\n' },
      { name: 'consumers that fail on empty input', code: 'FROM debian:12\nRUN locale -a | grep en_US && go env | grep -q GOOS && curl -fsS https://x/sums | sha256sum -c -\n' },
      { name: 'pipe in a condition', code: 'FROM debian:12\nRUN if curl -fs https://x | grep -q ok; then echo ok; fi\n' },
      { name: 'PowerShell', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN iwr https://x | Out-File a\n' },
      { name: 'comment', code: 'FROM debian:12\n# curl x | tar x\nRUN true\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN curl -fsSL https://x/a.tgz | tar -xz\n',
        errors: [{ line: 2, column: 32, endLine: 2, endColumn: 33, messageId: 'pipefail' }],
      },
      {
        name: 'pipefail set after the pipe',
        code: 'FROM debian:12\nRUN make 2>&1 | tee log; set -o pipefail\n',
        errors: [{ line: 2, column: 15, endColumn: 16 }],
      },
    ],
  },
});
