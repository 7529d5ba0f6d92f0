import { processWord } from '../../model/expand.js';
import { lookupFor } from '../../model/build.js';
import type { Range } from '../../source.js';
import { suggestName, variableRange } from '../helpers/from-args.js';
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'DA207',
    name: 'from-undefined-arg',
    category: 'base-image',
    severity: 'medium',
    description: 'A FROM line uses a variable that no ARG before the first FROM declares, so it expands to an empty string.',
    messages: {
      undefinedArg: (d: { name: string; suggestion?: string }) =>
        `FROM uses $${d.name}, which is not declared by an ARG before the first FROM: it expands to an empty string.` +
        (d.suggestion ? ` Did you mean $${d.suggestion}?` : ` Declare "ARG ${d.name}=<default>" at the top of the file.`),
    },
    aliases: ['UndefinedArgInFrom'],
  },
  check(model, ctx) {
    const scope = model.globalScope;
    const lookup = lookupFor(scope);
    const known = [...scope.vars.keys()];
    for (const stage of model.stages) {
      const from = stage.from;
      const words: { text: string; range: Range }[] = [];
      if (from.image) words.push({ text: from.image.value, range: from.image.range });
      for (const f of from.flags) {
        if (f.name.toLowerCase() === 'platform' && f.value !== null) words.push({ text: f.value, range: f.valueRange ?? f.range });
      }
      for (const w of words) {
        if (!w.text.includes('$')) continue;
        const r = processWord(w.text, lookup, { escape: model.escape });
        if (!r.ok) continue;
        for (const name of new Set(r.unset)) {
          const suggestion = suggestName(name, known);
          ctx.report({
            messageId: 'undefinedArg',
            data: suggestion ? { name, suggestion } : { name },
            range: variableRange(model, w.range, name) ?? w.range,
          });
        }
      }
    }
  },
  docs: {
    why:
      'FROM lines only see ARGs declared before the first FROM (and the built-in platform variables). An ARG ' +
      'declared inside a stage, or a typo, leaves the variable unset: `FROM node:${NODE_VERSION}` becomes ' +
      '`FROM node:`, a build error, or worse `FROM ${BASE}node` silently pulls a different image than intended.',
    bad: 'FROM node:${NODE_VERSION}-alpine\nARG NODE_VERSION=22\n',
    good: 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-alpine\n',
    fix: 'Declare the ARG (with a default) before the first FROM, or fix the name.',
    references: ['https://docs.docker.com/reference/build-checks/undefined-arg-in-from/'],
  },
  tests: {
    valid: [
      'ARG TAG=3.20\nFROM alpine:$TAG\n',
      { name: 'ARG without default is declared', code: 'ARG TAG\nFROM alpine:${TAG:-3.20}\n' },
      { name: 'built-in platform variables', code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nFROM alpine:3.20\nARG TARGETARCH\n' },
      { name: 'escaped dollar is not a variable', code: 'FROM alpine:3.20\nRUN echo $UNDEFINED\n' },
      { name: 'stage ARG used in RUN, not FROM', code: 'FROM alpine:3.20\nARG V\nRUN echo ${V}\n' },
    ],
    invalid: [
      {
        code: 'FROM node:${NODE_VERSION}-alpine\nARG NODE_VERSION=22\n',
        errors: [{ line: 1, column: 11, endLine: 1, endColumn: 26, messageId: 'undefinedArg' }],
      },
      {
        name: 'typo with a suggestion, and in --platform',
        code: 'ARG VERSION=1\nFROM --platform=$BUILDPLATFROM app:$VERSON\n',
        errors: [
          { line: 2, column: 17, endColumn: 31 },
          { line: 2, column: 36, endColumn: 43 },
        ],
      },
    ],
  },
});
