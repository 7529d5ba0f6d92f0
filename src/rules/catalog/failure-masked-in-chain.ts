import type { ShellCommand } from '../../shell/index.js';
import { FAILURE_HARMLESS, isTopLevel, runScripts, shellOptionsAt, shellProgram } from '../helpers/run-scripts.js';
import { defineRule } from '../types.js';

const POSIX: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'zsh', 'ksh', 'mksh', 'dash']);

function hasSemicolon(commands: readonly ShellCommand[]): boolean {
  for (const c of commands) if (c.connectorAfter === ';') return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'DA702',
    name: 'failure-masked-in-chain',
    category: 'shell',
    severity: 'low',
    description: 'A RUN separates commands with `;` or new lines without `set -e`, so a failing command does not fail the build.',
    needs: { instructions: ['RUN'] },
    messages: {
      masked: (d: { name: string }) =>
        `If "${d.name}" fails, the RUN goes on and the build succeeds anyway: join the commands with && or start the RUN with \`set -e\`.`,
    },
  },
  check(model, ctx) {
    for (const rs of runScripts(model)) {
      // a finding needs a `;` after some command (most scripts chain with && only): no top-level list without one
      if (!hasSemicolon(rs.script.all) || !POSIX.has(shellProgram(rs.facts.shellSetting.argv))) continue;
      const top = rs.script.all.filter(isTopLevel);
      for (let k = 0; k < top.length; k++) {
        const c = top[k]!;
        if (c.connectorAfter !== ';' || k === top.length - 1) continue;
        // the && chain that ends at c: its failure is what `;` throws away
        const chain: ShellCommand[] = [c];
        let j = k;
        while (j > 0 && top[j]!.connectorBefore === '&&') chain.unshift(top[--j]!);
        if (top[j]!.connectorBefore === '||' || chain.some((x) => x.guarded || x.connectorBefore === '|' || x.connectorBefore === '|&')) continue;
        const bad = chain.find((x) => x.name !== null && !FAILURE_HARMLESS.has(x.name) && x.pipelineLength === 1);
        if (bad === undefined) continue;
        if (shellOptionsAt(rs, bad.range.start).errexit) continue;
        ctx.report({ messageId: 'masked', data: { name: bad.name! }, range: bad.range });
        break; // one finding per script: one `set -e` (or `&&`) fixes the pattern
      }
    }
  },
  docs: {
    why:
      'The shell of a RUN reports the exit status of its last command only. In `RUN apt-get update; apt-get install ' +
      '-y curl` or in a multi-line heredoc script, a failed first step is ignored: the build succeeds and produces ' +
      'an image with stale packages, a missing tool or half-applied configuration. Commands whose failure rarely ' +
      'matters (`echo`, `rm`, `mkdir`, `cd` — see cd-failure-unchecked — tests) are not reported.',
    bad: 'FROM debian:12\nRUN apt-get update; apt-get install -y curl\n',
    good:
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN <<EOF\nset -e\nmake\nmake install\nEOF\n' +
      'RUN echo "a; b"; rm -f /tmp/x; make\n',
    fix: 'Join the commands with `&&`, or start the script with `set -e` (`set -eux` also prints each command).',
    references: ['https://www.gnu.org/software/bash/manual/html_node/Lists.html', 'https://docs.docker.com/reference/dockerfile/#run'],
  },
  tests: {
    valid: [
      'FROM debian:12\nSHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\nRUN make; make install\n',
      { name: 'set -e first', code: 'FROM debian:12\nRUN set -ex; make; make install\n' },
      { name: 'guarded, harmless and last command', code: 'FROM debian:12\nRUN make clean || true; rm -rf /x; echo "a;b"; make\n' },
      { name: 'PowerShell in a stage of unknown OS', code: 'FROM example/tools-windows\nRUN Remove-Item -Force C:/x ; C:/setup.ps1\n' },
      { name: 'semicolon in a subshell or loop body', code: 'FROM debian:12\nRUN for f in a b; do gzip $f; done && (make; true)\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN apt-get update; apt-get install -y curl\n',
        errors: [{ line: 2, column: 5, endLine: 2, endColumn: 19, messageId: 'masked' }],
      },
      {
        name: 'heredoc script without set -e',
        code: 'FROM debian:12\nRUN <<EOF\necho building\n./configure && make\nmake install\nEOF\n',
        errors: [{ line: 4, column: 1, endLine: 4, endColumn: 12 }],
      },
    ],
  },
});
