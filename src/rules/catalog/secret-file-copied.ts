import { expand, stageChain } from '../../model/build.js';
import type { CopyInstruction } from '../../parser/ast.js';
import { defineRule } from '../types.js';
import { trimTrailingSlashes } from '../../shell/dataflow.js';

type Kind = 'private key' | 'environment file' | 'credentials file' | 'key store';

const SSH_KEY = /^id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$/;
const PUBLIC_HINT = /(?:^|[._-])(?:pub|public|gpg|pgp|asc|release|repo|apt|archive|keyring|signing-key|trusted)(?:[._-]|$)/i;
const ENV_EXAMPLE = /^\.env\.(?:example|sample|template|dist|defaults?|tmpl|tpl|test|ci|docker\.example)$/i;
const CREDENTIAL_FILES: ReadonlySet<string> = new Set(['.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass', 'kubeconfig']);
const CREDENTIAL_DIRS: ReadonlySet<string> = new Set(['.ssh', '.aws', '.kube', '.docker', '.gnupg']);

/** What kind of secret a copied path names, or null. */
export function secretFileKind(path: string): Kind | null {
  const p = trimTrailingSlashes(path);
  // the last two parts of the path, without splitting all of it
  const slash = p.lastIndexOf('/');
  const base = p.slice(slash + 1);
  const parent = slash > 0 ? p.slice(p.lastIndexOf('/', slash - 1) + 1, slash) : '';
  if (!base.includes('.')) {
    // every test below but these needs a dot (nearly every copied path fails all of them: `src`, `app`, `.`)
    if (SSH_KEY.test(base)) return 'private key';
    if (base === '_netrc' || base === 'kubeconfig' || (parent === '.aws' && base === 'credentials') || (parent === '.kube' && base === 'config')) {
      return 'credentials file';
    }
    return null;
  }
  if (SSH_KEY.test(base)) return 'private key';
  if (/\.key$/i.test(base) && !PUBLIC_HINT.test(base)) return 'private key';
  if (/\.pem$/i.test(base) && /key|priv/i.test(base) && !/pub/i.test(base)) return 'private key';
  if (/\.(?:p12|pfx)$/i.test(base)) return 'key store';
  if ((base === '.env' || /^\.env\.[A-Za-z0-9_.-]+$/.test(base)) && !ENV_EXAMPLE.test(base)) return 'environment file';
  if (CREDENTIAL_FILES.has(base) || /\.kubeconfig$/.test(base)) return 'credentials file';
  if ((parent === '.aws' && base === 'credentials') || (parent === '.docker' && base === 'config.json') || (parent === '.kube' && base === 'config')) {
    return 'credentials file';
  }
  if (CREDENTIAL_DIRS.has(base)) return 'credentials file';
  return null;
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
/** Config files whose credentials may come from the environment (`_authToken=${NPM_TOKEN}`). */
const CONFIG_WITH_PLACEHOLDERS: ReadonlySet<string> = new Set(['.npmrc', '.pypirc', '.netrc', '_netrc']);
/** A credential written as a literal in such a file (not `${VAR}`). */
const CREDENTIAL_KEYS = /_auth|_authtoken|_password|password|passwd|token|secret|login/gi;
const SPACE = /\s/;

/**
 * True when `line` matches `/(?:_auth|_authtoken|_password|password|passwd|token|secret|login)\s*[=: ]\s*[^\s$]/i`:
 * a key, then `=`, `:` or a space (white space around it), then a character that is neither white space nor `$`.
 * A loop, because the regex's two white-space runs around an optional space backtrack quadratically.
 */
export function literalCredential(line: string): boolean {
  CREDENTIAL_KEYS.lastIndex = 0;
  for (let m = CREDENTIAL_KEYS.exec(line); m !== null; m = CREDENTIAL_KEYS.exec(line)) {
    // every key is tried at every place it occurs (`_authtoken` also holds `_auth` and `token`)
    CREDENTIAL_KEYS.lastIndex = m.index + 1;
    for (const end of keyEnds(line, m.index)) {
      let q = end;
      let space = false;
      while (q < line.length && SPACE.test(line.charAt(q))) {
        if (line.charCodeAt(q) === 0x20) space = true;
        q++;
      }
      if (space && q < line.length && line.charAt(q) !== '$') return true;
      const sep = line.charAt(q);
      if (sep === '=' || sep === ':') {
        let r = q + 1;
        while (r < line.length && SPACE.test(line.charAt(r))) r++;
        if (r < line.length && line.charAt(r) !== '$') return true;
      }
    }
  }
  return false;
}

const KEYS = ['_auth', '_authtoken', '_password', 'password', 'passwd', 'token', 'secret', 'login'];

/** The ends of every key starting at `at` (ASCII case-insensitive, as the `i` flag without `u` compares). */
function keyEnds(line: string, at: number): number[] {
  const out: number[] = [];
  for (const k of KEYS) {
    if (at + k.length <= line.length && asciiLower(line.slice(at, at + k.length)) === k) out.push(at + k.length);
  }
  return out;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** False when the build context shows the file holds no literal credential. */
function mayHoldCredentials(path: string, read: ((p: string) => string | undefined) | undefined): boolean {
  const base = trimTrailingSlashes(path).split('/').pop() ?? '';
  if (!CONFIG_WITH_PLACEHOLDERS.has(base) || read === undefined) return true;
  const content = read(path.replace(/^\.\//, ''));
  if (content === undefined) return true;
  return content.split('\n').some((line) => !/^\s*[#;]/.test(line) && literalCredential(line));
}

const fromStage = (i: CopyInstruction): boolean => i.flags.some((f) => f.name.toLowerCase() === 'from');

export default defineRule({
  meta: {
    id: 'DA405',
    name: 'secret-file-copied',
    category: 'secrets',
    severity: 'high',
    cwe: [538],
    description: 'COPY or ADD puts a private key or credentials file (`id_rsa`, `*.key`, `.env`, `.npmrc`, `.netrc`, `.aws/credentials`…) into the final image.',
    needs: { instructions: ['COPY', 'ADD'] },
    messages: {
      copied: (d: { kind: string; path: string }) =>
        `\`${d.path}\` looks like a ${d.kind}: once copied it stays in this layer even if a later RUN deletes it; mount it with \`RUN --mount=type=secret\` (or \`--mount=type=ssh\`) for the step that needs it.`,
    },
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (stage === null) return;
    const chain = new Set(stageChain(model, stage).map((s) => s.index));
    for (const f of model.instructions) {
      if (f.stage === null || !chain.has(f.stage)) continue;
      const i = f.instruction;
      if (i.kind !== 'COPY' && i.kind !== 'ADD') continue;
      for (const src of (i as CopyInstruction).sources) {
        let v = src.value;
        if (v.startsWith('<<')) continue;
        if (v.includes('$')) {
          const e = expand(model, v, i);
          if (!e.ok || e.unknown) continue;
          v = e.value;
        }
        if (REMOTE.test(v)) continue;
        const kind = secretFileKind(v);
        if (kind !== null && !fromStage(i) && !mayHoldCredentials(v, ctx.env.readContextFile)) continue;
        if (kind !== null) ctx.report({ messageId: 'copied', data: { kind, path: v }, range: src.range });
      }
    }
  },
  docs: {
    why:
      'Every COPY/ADD creates a layer that keeps the files forever: a `RUN rm` later only hides them in a newer ' +
      'layer, and `docker save` or any registry client can read the old one. A private key, an `.npmrc` with an ' +
      'auth token or a `.env` file with database passwords copied into an image is published to everyone who can ' +
      'pull it.',
    bad: 'FROM node:20\nWORKDIR /app\nCOPY .npmrc package.json package-lock.json ./\nRUN npm ci && rm .npmrc\n',
    good:
      'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\n',
    fix:
      'Mount the file only for the step that needs it: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` ' +
      'with `docker build --secret id=npmrc,src=$HOME/.npmrc`; use `RUN --mount=type=ssh` for SSH keys. Add the ' +
      'files to `.dockerignore`. When the build context is readable, an `.npmrc`/`.pypirc`/`.netrc` whose credentials ' +
      'are all `${VAR}` references is not reported. Copies into builder stages that the final image does not build FROM are not ' +
      'reported (their layers are not shipped); example env files (`.env.example`) and public keys are not either.',
    references: ['https://docs.docker.com/build/building/secrets/', 'https://cwe.mitre.org/data/definitions/538.html'],
  },
  tests: {
    valid: [
      'FROM alpine:3.20\nCOPY app /app\n',
      {
        name: 'secret mount, example env file, public keys, certificates, remote key',
        code:
          'FROM alpine:3.20\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc cat /root/.npmrc\n' +
          'COPY .env.example id_rsa.pub cert.pem nodesource.gpg.key /cfg/\nADD https://example.com/repo.key /k\n',
      },
      {
        name: 'builder stage only',
        code: 'FROM node:20 AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app/dist /app\n',
      },
      {
        name: '.npmrc whose token comes from the environment (context file read)',
        code: 'FROM node:20\nCOPY .npmrc ./\nRUN --mount=type=secret,id=t,env=NPM_TOKEN npm ci\n',
        files: { '.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' },
      },
      { name: 'mentioned in a label and an echo', code: 'FROM alpine:3.20\nLABEL hint="COPY id_rsa /root/.ssh/"\nRUN echo .env\n' },
    ],
    invalid: [
      {
        code: 'FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\n',
        errors: [{ line: 2, column: 6, endLine: 2, endColumn: 12, messageId: 'copied' }],
      },
      {
        name: 'several kinds, later rm does not help',
        code: 'FROM node:20\nCOPY .npmrc .env package.json ./\nADD certs/server.key certs/key.pem /etc/ssl/\nCOPY .aws/credentials /root/.aws/\nRUN rm .npmrc .env\n',
        errors: [
          { line: 2, column: 6, endColumn: 12 },
          { line: 2, column: 13, endColumn: 17 },
          { line: 3, column: 5, endColumn: 21 },
          { line: 3, column: 22, endColumn: 35 },
          { line: 4, column: 6, endColumn: 22 },
        ],
      },
      {
        name: '.npmrc holding a literal token (context file read)',
        code: 'FROM node:20\nCOPY .npmrc ./\n',
        files: { '.npmrc': '//registry.npmjs.org/:_authToken=npm_abc\n' },
        errors: [{ line: 2, column: 6, endColumn: 12 }],
      },
      {
        name: 'copied from a builder stage into the final image',
        code: 'FROM alpine:3.20 AS keys\nRUN ssh-keygen -f /k/id_ed25519\nFROM alpine:3.20\nCOPY --from=keys /k/id_ed25519 /root/.ssh/\n',
        errors: [{ line: 4, column: 18, endColumn: 31 }],
      },
    ],
  },
});
