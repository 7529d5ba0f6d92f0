import { allInstructions } from '../helpers/instructions.js';
import { couldBeSecretValue, secretNameWord } from '../helpers/secrets.js';
import { defineRule } from '../types.js';

/** The value with one level of surrounding quotes removed, or null when it expands a variable. */
function literalValue(raw: string): string | null {
  if (/(?:^|[^\\])\$/.test(raw)) return null;
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) return raw.slice(1, -1);
  return raw;
}

export default defineRule({
  meta: {
    id: 'DA401',
    name: 'secret-in-env-or-arg',
    category: 'secrets',
    severity: 'high',
    cwe: [798, 522],
    description: 'An ENV or ARG whose name says it holds a secret (password, token, API key…) gets a value in the Dockerfile or at build time.',
    needs: { instructions: ['ENV', 'ARG'] },
    messages: {
      env: (d: { name: string; word: string }) =>
        `ENV ${d.name} stores a secret (${d.word}) in the image configuration, readable by anyone who can pull the image: pass it at run time (environment, mounted secret file) instead.`,
      envFromArg: (d: { name: string; word: string; arg: string }) =>
        `ENV ${d.name} copies build argument ${d.arg} (a secret: ${d.word}) into the image configuration, where anyone who pulls the image can read it: use \`RUN --mount=type=secret,id=…,env=${d.name}\` for the steps that need it.`,
      arg: (d: { name: string; word: string }) =>
        `ARG ${d.name} has a hard-coded secret (${d.word}) as its default, recorded in the Dockerfile and the image history: use \`RUN --mount=type=secret\` instead.`,
      argNoDefault: (d: { name: string; word: string }) =>
        `Build argument ${d.name} looks like a secret (${d.word}): values passed with --build-arg are recorded in the image history; use \`RUN --mount=type=secret,id=${d.name.toLowerCase()}\` instead.`,
    },
    aliases: ['DL3064', 'SecretsUsedInArgOrEnv', 'DS-0031'],
  },
  check(model, ctx) {
    for (const i of allInstructions(model.dockerfile)) {
      if (i.kind === 'ENV') {
        for (const p of i.pairs) {
          const word = secretNameWord(p.key.value);
          if (word === null) continue;
          const ref = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?$/.exec(p.value.value);
          if (ref !== null) {
            const b = model.facts.get(i)?.scope.vars.get(ref[1]!);
            if (b !== undefined && b.kind === 'arg') {
              ctx.report({ messageId: 'envFromArg', data: { name: p.key.value, word, arg: ref[1]! }, range: p.value.range });
            }
            continue;
          }
          const v = literalValue(p.value.value);
          if (v === null || !couldBeSecretValue(v)) continue;
          ctx.report({ messageId: 'env', data: { name: p.key.value, word }, range: p.value.range });
        }
      } else if (i.kind === 'ARG') {
        for (const d of i.definitions) {
          const word = secretNameWord(d.name);
          if (word === null) continue;
          if (d.value === null) {
            ctx.report({ messageId: 'argNoDefault', data: { name: d.name, word }, range: d.nameRange, severity: 'medium' });
            continue;
          }
          const v = literalValue(d.value);
          if (v === null || !couldBeSecretValue(v) || d.valueRange === null) continue;
          ctx.report({ messageId: 'arg', data: { name: d.name, word }, range: d.valueRange });
        }
      }
    }
  },
  docs: {
    why:
      'ENV values are part of the image configuration: `docker inspect` and every registry that stores the image ' +
      'show them. ARG values (defaults and those passed with `--build-arg`) are recorded in the image history of ' +
      'every layer built after them. A password or token there is readable by anyone who can pull the image, and ' +
      'it cannot be rotated out of images already pushed.',
    bad: 'FROM postgres:16\nENV POSTGRES_PASSWORD=s3cr3t-Pa55\n',
    good:
      'FROM postgres:16\nENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n',
    fix:
      'Pass runtime secrets at run time (orchestrator secrets, `*_FILE` variables pointing at mounted files). For ' +
      'build-time secrets use `RUN --mount=type=secret,id=<id>` (optionally `env=<NAME>`) with `docker build ' +
      '--secret id=<id>,src=<file>`: the value never enters a layer or the history. An ARG without a default whose ' +
      'name looks secret is reported as medium: it is only a problem once a value is passed. `ENV TOKEN=$TOKEN` ' +
      'copying such a build argument into the image is reported as well: it turns a build input into image ' +
      'configuration.',
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
      'https://cwe.mitre.org/data/definitions/798.html',
    ],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nENV APP_PORT=8080\n',
      {
        name: 'public keys, *_FILE paths, URLs, switches and variable references',
        code:
          'FROM python:3.12\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\nENV DB_PASSWORD_FILE=/run/secrets/db\n' +
          'ENV TOKEN_URL=https://auth.example.com/token ALLOW_EMPTY_PASSWORD=yes\nARG NPM_TOKEN_PATH=/run/secrets/npm\n' +
          'ENV API_TOKEN=$API_TOKEN\nENV PUBLIC_KEY="ssh-ed25519 AAAAC3Nz"\nENV HOME_TOKEN=${HOME}\n',
      },
      { name: 'secret names in a label and a RUN', code: 'FROM alpine:3.20\nLABEL password=hunter2\nRUN PASSWORD=x ./configure # ENV PASSWORD=x\n' },
      { name: 'empty value', code: 'FROM alpine:3.20\nENV ADMIN_PASSWORD=""\n' },
      {
        name: 'placeholders: underscore, empty JSON, zeros, X',
        code: 'FROM alpine:3.20\nENV sa_password="_" TOKEN=00000000-0000-0000-0000-000000000000\nARG COMPOSER_AUTH=\'{}\'\nENV PASSWORD XXXXXXXXXXXXXXXX\n',
      },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nENV DB_PASSWORD=hunter2\n',
        errors: [{ line: 2, column: 17, endLine: 2, endColumn: 24, messageId: 'env' }],
      },
      {
        name: 'legacy form, quotes, camelCase and API key',
        code: 'FROM alpine:3.20\nENV apiKey "abc123"\nENV GITHUB_TOKEN=\'tok\' AWS_SECRET_ACCESS_KEY=wJalr\n',
        errors: [
          { line: 2, column: 12, endColumn: 20, messageId: 'env' },
          { line: 3, column: 18, endColumn: 23, messageId: 'env' },
          { line: 3, column: 46, endColumn: 51, messageId: 'env' },
        ],
      },
      {
        name: 'ENV copying a build argument into the image',
        code: 'FROM alpine:3.20\nARG ACTIVESTATE_API_KEY\nENV ACTIVESTATE_API_KEY=$ACTIVESTATE_API_KEY\n',
        errors: [
          { line: 2, column: 5, endColumn: 24, messageId: 'argNoDefault' },
          { line: 3, column: 25, endColumn: 45, messageId: 'envFromArg' },
        ],
      },
      {
        name: 'ARG with and without default',
        code: 'ARG REGISTRY_PASSWORD=changeme\nFROM alpine:3.20\nARG NPM_TOKEN\n',
        errors: [
          { line: 1, column: 23, endColumn: 31, messageId: 'arg' },
          { line: 3, column: 5, endColumn: 14, messageId: 'argNoDefault' },
        ],
      },
    ],
  },
});
