import type { ShellCommand } from '../../shell/index.js';
import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

const TOOLS: ReadonlySet<string> = new Set(['wget', 'curl']);

export default defineRule({
  meta: {
    id: 'DA707',
    name: 'wget-and-curl',
    category: 'shell',
    severity: 'info',
    description: 'A stage uses both wget and curl, where one download tool would do.',
    needs: { commands: TOOLS },
    messages: {
      both: (d: { tool: string; other: string }) => `${d.tool} is used in a stage that already uses ${d.other}: use one download tool to keep the image smaller and downloads uniform.`,
    },
    aliases: ['DL4001', 'DS-0014'],
  },
  check(model, ctx) {
    const byStage = new Map<number, { wget: ShellCommand[]; curl: ShellCommand[] }>();
    for (const { rs, cmd: c } of runScriptCommandsNamed(model, TOOLS)) {
      const s = rs.facts.stage;
      if (s === null || rs.facts.onbuild !== null) continue;
      let e = byStage.get(s);
      if (e === undefined) byStage.set(s, (e = { wget: [], curl: [] }));
      (c.name === 'wget' ? e.wget : e.curl).push(c);
    }
    for (const { wget, curl } of byStage.values()) {
      const w = wget[0];
      const c = curl[0];
      if (w === undefined || c === undefined) continue;
      // the tool introduced second is the odd one out
      const [later, other] = w.range.start > c.range.start ? [w, 'curl'] : [c, 'wget'];
      ctx.report({ messageId: 'both', data: { tool: later.name!, other }, range: later.nameWord?.range ?? later.range });
    }
  },
  docs: {
    why:
      'Installing and using two download tools for the same job adds packages (and their vulnerabilities) to the ' +
      'image and makes downloads behave differently (redirects, retries, TLS options) within one build.',
    bad: 'FROM debian:12\nRUN wget -q https://example.com/a.tgz\nRUN curl -fsSLO https://example.com/b.tgz\n',
    good: 'FROM debian:12 AS fetch\nRUN wget -q https://example.com/a.tgz\nFROM debian:12\nRUN apt-get install -y wget && curl -fsSLO https://example.com/b.tgz\n',
    fix: 'Pick one tool (curl or wget) and use it for every download of the stage.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL4001'],
  },
  tests: {
    valid: [
      'FROM debian:12\nRUN apt-get install -y wget curl && curl -fsSLO https://x/a\n',
      { name: 'different stages, echoed name', code: 'FROM debian:12 AS a\nRUN wget -q https://x/a\nFROM debian:12\nRUN curl -fsSLO https://x/b && echo wget\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nRUN wget -q https://x/a\nRUN curl -fsSLO https://x/b\n',
        errors: [{ line: 3, column: 5, endLine: 3, endColumn: 9, messageId: 'both' }],
      },
    ],
  },
});
