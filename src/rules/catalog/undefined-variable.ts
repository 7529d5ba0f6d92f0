import { expandedSites, referenceRange } from '../helpers/expansions.js';
import { closestWord, nearMiss } from '../helpers/suggest.js';
import { defineRule } from '../types.js';

/** Set by BuildKit in every Linux stage even when the Dockerfile does not define it. */
const ALWAYS_SET: ReadonlySet<string> = new Set(['PATH']);

export default defineRule({
  meta: {
    id: 'DA111',
    name: 'undefined-variable',
    category: 'syntax',
    severity: 'low',
    description: 'An instruction other than RUN uses a variable that no ARG or ENV defines at that point, so it expands to an empty string.',
    messages: {
      undefined: (d: { name: string; suggestion: string | undefined }) =>
        `$${d.name} is not defined here and expands to an empty string.` +
        (d.suggestion ? ` Did you mean $${d.suggestion}?` : ' Declare it with ARG (or ENV) before this instruction.'),
      typo: (d: { name: string; suggestion: string }) =>
        `$${d.name} is not defined in this Dockerfile (only the base image could set it): did you mean $${d.suggestion}?`,
    },
    aliases: ['UndefinedVar'],
  },
  check(model, ctx) {
    const text = model.source.text;
    for (const site of expandedSites(model)) {
      const i = site.instruction;
      if (i.kind === 'FROM' || !site.result.ok) continue; // FROM: from-undefined-arg's business
      // nothing to judge in most words (no set and closure for them)
      if (site.result.unset.length === 0 && site.result.unknownVars.length === 0) continue;
      const scope = model.facts.get(i)?.scope;
      if (scope === undefined) continue;
      const done = new Set<string>();
      const consider = (name: string, kind: 'undefined' | 'typo'): void => {
        if (done.has(name) || ALWAYS_SET.has(name)) return;
        done.add(name);
        const range = referenceRange(text, site.range, name);
        const ref = text.slice(range.start, range.end);
        if (/^\$\{[A-Za-z0-9_]+[:+?-]/.test(ref)) return; // `${X:-default}` and friends handle the unset case on purpose
        // listed only for a name that is reported: copying every name in scope per word is quadratic
        const others = [...scope.vars.keys()].filter((d) => d !== name);
        if (kind === 'undefined') ctx.report({ messageId: 'undefined', data: { name, suggestion: closestWord(name, others) }, range });
        else {
          const suggestion = nearMiss(name, others);
          if (suggestion !== undefined) ctx.report({ messageId: 'typo', data: { name, suggestion }, range });
        }
      };
      for (const name of site.result.unset) consider(name, 'undefined');
      // names the base image might define: only a near miss of a defined name is reported
      for (const name of site.result.unknownVars) if (!scope.vars.has(name)) consider(name, 'typo');
    }
  },
  docs: {
    why:
      'Outside RUN, BuildKit expands `$VAR` itself, and a variable nobody defined silently becomes an empty string: ' +
      '`COPY app $APP_HOEM/` copies to `/`, `WORKDIR $BUILD_DIR` changes to `/`. Inside a stage, a global ARG (declared ' +
      'before the first FROM) is only visible after `ARG NAME` re-declares it, a frequent cause. Variables the base ' +
      'image may define are only reported when their name is a near miss of one defined in the Dockerfile.',
    bad: 'FROM alpine:3.20\nENV APP_HOME=/srv/app\nCOPY app.py $APP_HOEM/\n',
    good: 'ARG VERSION=1.0\nFROM alpine:3.20\nARG VERSION\nENV APP_HOME=/srv/app\nCOPY app-${VERSION}.py $APP_HOME/\nRUN echo $UNDEFINED_IN_RUN\nLABEL v=${MAYBE:-none}\n',
    fix: 'Correct the name, or declare the variable with `ARG` (re-declare global ARGs inside the stage) or `ENV` before use.',
    references: ['https://docs.docker.com/reference/build-checks/undefined-var/', 'https://docs.docker.com/reference/dockerfile/#scope'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nARG V\nENV A=1\nCOPY a-$V /$A/\n',
      { name: 'base image variable, RUN and default', code: 'FROM eclipse-temurin:21\nWORKDIR $JAVA_HOME\nRUN echo $NOPE\nLABEL a=${NOPE:-x}\n' },
      { name: 'base image variable close to a defined name', code: 'FROM oracle/database:19\nENV STARTUP_FILE=/s\nCOPY a $START_FILE/\n' },
      { name: 'escaped and single-quoted', code: 'FROM scratch\nLABEL a=\\$NOPE b=\'$NOPE\'\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nENV APP_HOME=/srv/app\nCOPY app.py $APP_HOEM/\n',
        errors: [{ line: 3, column: 13, endLine: 3, endColumn: 22, messageId: 'typo' }],
      },
      {
        name: 'global ARG not re-declared in a scratch stage',
        code: 'ARG VERSION=1\nFROM scratch\nLABEL version=${VERSION}\n',
        errors: [{ line: 3, column: 15, endColumn: 25, messageId: 'undefined' }],
      },
    ],
  },
});
