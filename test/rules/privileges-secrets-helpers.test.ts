// Unit tests of the helpers shared by the 3xx/4xx rules: file modes, secret names, token formats, secret files.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseMode } from '../../src/rules/helpers/modes.js';
import { couldBeSecretValue, findTokens, maskSecret, nameWords, secretNameWord } from '../../src/rules/helpers/secrets.js';
import { secretFileKind } from '../../src/rules/catalog/secret-file-copied.js';

test('parseMode: octal and symbolic modes', () => {
  const ww = (m: string) => parseMode(m)?.worldWritable;
  assert.equal(ww('777'), true);
  assert.equal(ww('0666'), true);
  assert.equal(ww('775'), false);
  assert.equal(ww('a+w'), true);
  assert.equal(ww('go+w'), true);
  assert.equal(ww('+w'), false, 'umask keeps others out');
  assert.equal(ww('o-w'), false);
  assert.equal(ww('u=rwx,o=rwx'), true);
  assert.deepEqual(parseMode('1777'), { worldWritable: true, sticky: true, setuid: false, setgid: false });
  assert.deepEqual(parseMode('6755'), { worldWritable: false, sticky: false, setuid: true, setgid: true });
  assert.deepEqual(parseMode('g+s'), { worldWritable: false, sticky: false, setuid: false, setgid: true });
  assert.equal(parseMode('+s')?.setuid, true);
  assert.equal(parseMode('a-s')?.setuid, false);
  assert.equal(parseMode('/tmp'), null);
  assert.equal(parseMode('8'), null);
  assert.equal(parseMode('-R'), null);
});

test('secret names: words, qualifiers, non-value words', () => {
  assert.deepEqual(nameWords('dbPassword_FILE'), ['db', 'password', 'file']);
  assert.equal(secretNameWord('POSTGRES_PASSWORD'), 'password');
  assert.equal(secretNameWord('GITHUB_TOKEN'), 'token');
  assert.equal(secretNameWord('apiKey'), 'api key');
  assert.equal(secretNameWord('AWS_SECRET_ACCESS_KEY'), 'secret');
  assert.equal(secretNameWord('GPG_KEY'), null);
  assert.equal(secretNameWord('POSTGRES_PASSWORD_FILE'), null);
  assert.equal(secretNameWord('TOKEN_URL'), null);
  assert.equal(secretNameWord('BYPASS_CACHE'), null);
  assert.equal(secretNameWord('PUBLIC_KEY'), null);
});

test('secret values: switches, paths and placeholders are not secrets', () => {
  for (const v of ['', 'true', 'no', '/run/secrets/x', '<password>', '{{ token }}', '_', '{}', '0000-0000', 'XXXXXXXX']) {
    assert.equal(couldBeSecretValue(v), false, v);
  }
  for (const v of ['hunter2', 'admin', 's3cr3t!']) assert.equal(couldBeSecretValue(v), true, v);
});

test('token formats: found with offsets, placeholders dropped, masked', () => {
  const text = 'a AKIA2E0A8F3B244C9986 b AKIAIOSFODNN7EXAMPLE c glpat-abcdefghij0123456789';
  const found = findTokens(text);
  assert.deepEqual(found.map((m) => [m.kind, text.slice(m.start, m.end)]), [
    ['AWS access key id', 'AKIA2E0A8F3B244C9986'],
    ['GitLab token', 'glpat-abcdefghij0123456789'],
  ]);
  assert.equal(maskSecret('AKIA2E0A8F3B244C9986'), 'AKIA…(20 chars)');
  assert.deepEqual(findTokens('-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'), []);
  assert.equal(findTokens('-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEAyZ2xj3mQ7TqR8vT4nM2pL0kQ').length, 1);
});

test('token patterns stay fast on adversarial input (no catastrophic backtracking)', () => {
  fc.assert(
    fc.property(fc.constantFrom('A', 'k', '-', '_', 'eyJ', 'sk-', 'xoxb-1', 'ghp_', '-----BEGIN RSA PRIVATE KEY-----', ' ', '\\n', '.'), fc.integer({ min: 1000, max: 5000 }), (piece, n) => {
      const t0 = performance.now();
      findTokens(piece.repeat(n));
      assert.ok(performance.now() - t0 < 500, `${piece} x ${n}`);
    }),
    { numRuns: 30 },
  );
});

test('secret files: keys, env and credentials files; public keys and examples are not', () => {
  assert.equal(secretFileKind('id_rsa'), 'private key');
  assert.equal(secretFileKind('certs/server.key'), 'private key');
  assert.equal(secretFileKind('tls/privkey.pem'), 'private key');
  assert.equal(secretFileKind('client.p12'), 'key store');
  assert.equal(secretFileKind('.env'), 'environment file');
  assert.equal(secretFileKind('.env.production'), 'environment file');
  assert.equal(secretFileKind('.aws/credentials'), 'credentials file');
  assert.equal(secretFileKind('home/.docker/config.json'), 'credentials file');
  assert.equal(secretFileKind('.ssh/'), 'credentials file');
  for (const p of ['id_rsa.pub', '.env.example', 'cert.pem', 'nodesource.gpg.key', 'repo.key', 'authorized_keys', 'ssh_config', 'config.json']) {
    assert.equal(secretFileKind(p), null, p);
  }
});
