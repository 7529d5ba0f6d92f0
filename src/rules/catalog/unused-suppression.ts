/**
 * DA102 unused-suppression. Its findings are produced by the engine's suppression pass
 * (src/engine/suppressions.ts), which alone knows which findings each `# dockaudit ignore…` comment suppressed;
 * `check` therefore reports nothing (`reportedBy: 'engine'`). This file holds the rule's metadata, docs and the
 * single place its ID, name, severity and messages are defined.
 */
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA102',
    name: 'unused-suppression',
    category: 'syntax',
    severity: 'low',
    description: 'A `# dockaudit ignore…` comment names a rule that reports nothing where the comment applies.',
    messages: {
      unused: (d: { ref: string; scope: 'instruction' | 'stage' | 'file' }) =>
        `Unused suppression: "${d.ref}" reports nothing ${d.scope === 'instruction' ? 'on the next instruction' : d.scope === 'stage' ? 'in this stage' : 'in this file'}; remove it`,
    },
    fix: 'safe',
    reportedBy: 'engine',
  },
  docs: {
    why: 'A suppression that no longer suppresses anything hides future findings of that rule at that place without anyone deciding so. Removing stale suppressions keeps every exception deliberate.',
    bad: '# dockaudit ignore=DA102 -- example\nFROM alpine:3.20\n',
    good: 'FROM alpine:3.20\n',
    fix: 'Delete the rule from the comment, or the whole comment when it names nothing else. Only dockaudit\'s own comments are checked: hadolint, BuildKit and Checkov pragmas may still be needed by those tools.',
  },
  tests: {
    valid: ['FROM alpine:3.20\n'],
    invalid: [
      {
        code: '# dockaudit ignore=DA102 -- example\nFROM alpine:3.20\n',
        errors: [{ line: 1, column: 20, endLine: 1, endColumn: 25, messageId: 'unused' }],
        output: 'FROM alpine:3.20\n',
      },
    ],
  },
  check() {
    // reported by the engine's suppression pass
  },
});
