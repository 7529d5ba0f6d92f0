import { allInstructions } from '../helpers/instructions.js';
import { closestWord } from '../helpers/suggest.js';
import { defineRule } from '../types.js';

type FlagType = 'string' | 'bool' | 'list';

/** The flags BuildKit's instruction parsers accept (dockerfile frontend 1.x stable syntax). */
const FLAGS: Readonly<Record<string, Readonly<Record<string, FlagType>>>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'list', network: 'string', security: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  ADD: { chown: 'string', chmod: 'string', link: 'bool', checksum: 'string', 'keep-git-dir': 'bool', exclude: 'list', unpack: 'bool' },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};
/** Go's strconv.ParseBool spellings (lower-cased). */
const BOOLS: readonly string[] = ['1', 't', 'true', '0', 'f', 'false'];
const ENUMS: Readonly<Record<string, readonly string[]>> = { network: ['default', 'none', 'host'], security: ['sandbox', 'insecure'] };

export default defineRule({
  meta: {
    id: 'DA107',
    name: 'invalid-flag',
    category: 'syntax',
    severity: 'medium',
    description: 'An instruction has a flag BuildKit does not accept (unknown, repeated, missing or invalid value), so the build fails.',
    messages: {
      unknown: (d: { flag: string; keyword: string; suggestion: string | undefined }) =>
        `Unknown flag --${d.flag} for ${d.keyword}: the build fails.` + (d.suggestion ? ` Did you mean --${d.suggestion}?` : ''),
      noFlags: (d: { flag: string; keyword: string }) => `${d.keyword} takes no flags, found --${d.flag}: the build fails.`,
      duplicate: (d: { flag: string }) => `--${d.flag} is given more than once: the build fails. Keep one.`,
      missingValue: (d: { flag: string }) => `--${d.flag} needs a value (--${d.flag}=…): the build fails.`,
      notBool: (d: { flag: string; value: string }) => `--${d.flag} takes true or false, not "${d.value}": the build fails.`,
      badValue: (d: { flag: string; value: string; allowed: string }) => `--${d.flag}=${d.value} is not valid (allowed: ${d.allowed}): the build fails.`,
    },
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      // most instructions have no flags: no Set for them
      if (i.kind === 'UNKNOWN' || i.kind === 'ONBUILD' || i.flags.length === 0) continue;
      const spec = FLAGS[i.keyword];
      const seen = new Set<string>();
      for (const f of i.flags) {
        const range = f.range;
        if (spec === undefined) {
          ctx.report({ messageId: 'noFlags', data: { flag: f.name, keyword: i.keyword }, range });
          continue;
        }
        const type = spec[f.name];
        if (type === undefined) {
          ctx.report({ messageId: 'unknown', data: { flag: f.name, keyword: i.keyword, suggestion: closestWord(f.name, Object.keys(spec)) }, range });
          continue;
        }
        if (type !== 'list' && seen.has(f.name)) {
          ctx.report({ messageId: 'duplicate', data: { flag: f.name }, range });
          continue;
        }
        seen.add(f.name);
        if (type === 'bool') {
          if (f.value !== null && !BOOLS.includes(f.value.toLowerCase())) ctx.report({ messageId: 'notBool', data: { flag: f.name, value: f.value }, range });
        } else if (f.value === null) ctx.report({ messageId: 'missingValue', data: { flag: f.name }, range });
        else {
          const allowed = ENUMS[f.name];
          if (allowed !== undefined && !f.value.includes('$') && !allowed.includes(f.value)) {
            ctx.report({ messageId: 'badValue', data: { flag: f.name, value: f.value, allowed: allowed.join(', ') }, range });
          }
        }
      }
    }
  },
  docs: {
    why:
      'BuildKit validates the `--flags` of each instruction before building: an unknown flag (often a typo such as ' +
      '`--chmod` on RUN or `--form` for `--from`), a flag given twice, or a flag without its value stops the build. ' +
      'Some flags only exist in newer or labs syntax (`--device`, `RUN --security` needs the labs syntax before ' +
      'Dockerfile 1.14); they are checked against the stable syntax.',
    bad: 'FROM alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --form=build /app /app\n',
    good: 'FROM alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --from=build --link /app /app\nRUN echo --form=x\n',
    fix: 'Correct the flag name, remove the repeated flag, or give the value with `=`.',
    references: ['https://docs.docker.com/reference/dockerfile/'],
  },
  tests: {
    valid: [
      'FROM --platform=linux/amd64 alpine:3.20\nRUN --mount=type=cache,target=/c --mount=type=secret,id=t --network=none make\nCOPY --link=false --chmod=644 a /a\nADD --checksum=sha256:00 https://x/a /a\nHEALTHCHECK --interval=5s CMD true\n',
      { name: 'flags after the command are the command\'s', code: 'FROM alpine:3.20\nRUN wget --form=x --from=y\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --form=b /app /app\n',
        errors: [{ line: 3, column: 6, endLine: 3, endColumn: 14, messageId: 'unknown' }],
      },
      {
        name: 'duplicate, missing value, bad bool, bad enum, no flags',
        code: 'FROM alpine:3.20\nCOPY --chown=1 --chown=2 a /a\nCOPY --from a /a\nCOPY --link=yes a /a\nRUN --network=bridge x\nWORKDIR --x /a\n',
        errors: [
          { line: 2, column: 16, endColumn: 25, messageId: 'duplicate' },
          { line: 3, column: 6, endColumn: 12, messageId: 'missingValue' },
          { line: 4, column: 6, endColumn: 16, messageId: 'notBool' },
          { line: 5, column: 5, endColumn: 21, messageId: 'badValue' },
          { line: 6, column: 9, endColumn: 12, messageId: 'noFlags' },
        ],
      },
    ],
  },
});
