import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { UNKNOWN, envFromList, processWord, processWords } from '../../src/model/expand.js';
import type { EnvValue } from '../../src/model/expand.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const shellData = join(repoRoot, '..', 'shared', 'conformance', 'buildkit-shell');

describe('BuildKit envVarTest conformance', () => {
  const lines = readFileSync(join(shellData, 'envVarTest'), 'utf8').split('\n');
  const env = envFromList(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);
  let ran = 0;
  let skipped = 0;
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const cols = line.split('|');
    assert.equal(cols.length, 3, `line ${i + 1} has three columns`);
    const [platform, input, expected] = cols.map((c) => c.trim()) as [string, string, string];
    if (platform === 'W') {
      skipped++;
      it(`line ${i + 1}: ${input}`, { skip: 'Windows-only case (names compare case-insensitively on a Windows builder)' }, () => {});
      return;
    }
    ran++;
    it(`line ${i + 1}: ${input} → ${expected}`, () => {
      const r = processWord(input, env);
      if (expected === 'error') assert.equal(r.ok, false, `expected an error, got ${r.ok ? JSON.stringify(r.value) : ''}`);
      else {
        assert.ok(r.ok, r.ok ? '' : r.message);
        assert.equal(r.value, expected);
        assert.equal(r.unknown, false);
      }
    });
  });
  it('ran the file', () => {
    assert.ok(ran > 200, `ran ${ran}`);
    assert.equal(skipped, 2);
  });
  it('W lines pass with case-insensitive keys', () => {
    const r = processWord('he$pwd.', env, { caseInsensitiveKeys: true });
    assert.ok(r.ok);
    assert.equal(r.value, 'he/home.');
  });
});

describe('BuildKit wordsTest conformance', () => {
  const lines = readFileSync(join(shellData, 'wordsTest'), 'utf8').split('\n');
  const envList: string[] = [];
  let ran = 0;
  lines.forEach((line, i) => {
    if (line.startsWith('#')) return;
    if (line.startsWith('ENV ')) {
      envList.push(line.slice(3).replace(/^ +/, ''));
      return;
    }
    if (line === '') return; // trailing newline of the file
    const cols = line.split('|');
    assert.equal(cols.length, 2, `line ${i + 1}`);
    const input = cols[0]!.trim();
    const expected = cols[1]!.replace(/^ +/, '').split(',');
    const env = envFromList(envList);
    ran++;
    it(`line ${i + 1}: ${input}`, () => {
      const r = processWords(input, env);
      const got = r.ok ? r.words.map((w) => w.value) : ['error'];
      assert.deepEqual(got, expected);
    });
  });
  it('ran the file', () => assert.ok(ran >= 20, `ran ${ran}`));
});

describe('operators and facts', () => {
  const env = new Map<string, EnvValue>([
    ['FOO', 'xxyy'],
    ['EMPTY', ''],
  ]);
  const ok = (word: string, e: ReadonlyMap<string, EnvValue> | Record<string, string> = env) => {
    const r = processWord(word, e);
    assert.ok(r.ok, r.ok ? '' : `${word}: ${r.message}`);
    return r;
  };
  it('prefix and suffix trimming with globs', () => {
    assert.equal(ok('${FOO#*x}').value, 'xyy');
    assert.equal(ok('${FOO##*x}').value, 'yy');
    assert.equal(ok('${FOO%y*}').value, 'xxy');
    assert.equal(ok('${FOO%%y*}').value, 'xx');
    assert.equal(ok('${FOO#?x}').value, 'yy');
    assert.equal(ok('${FOO#*x*y}').value, 'y');
    assert.equal(ok('${FOO#*}').value, 'xxyy');
    assert.equal(ok('${FOO#}').value, 'xxyy');
    assert.equal(ok('${FOO%%\\**\\*}', { FOO: 'a***yy*' }).value, 'a');
    assert.equal(ok('${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }).value, 'x');
  });
  it('replacement, first and all', () => {
    assert.equal(ok('${FOO/y/z}').value, 'xxzy');
    assert.equal(ok('${FOO//y/z}').value, 'xxzz');
    assert.equal(ok('${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }).value, '\\/tmp\\/foo.txt');
    assert.equal(
      ok('${FOO/$N/.} - ${FOO//$N/.}', { FOO: '/foo*/*/*.txt', N: '\\*/' }).value,
      '/foo.*/*.txt - /foo..*.txt',
    );
    assert.equal(ok('${FOO/$N/ww}', { FOO: 'xxyy', N: '' }).value, 'wwxxyy');
    assert.equal(ok('${FOO///}').value, 'xxyy');
    assert.equal(processWord('${FOO//ww}', env).ok, false);
    assert.equal(processWord('${FOO//}', env).ok, false);
  });
  it('set-but-empty versus unset', () => {
    assert.equal(ok('${EMPTY-d}').value, '');
    assert.equal(ok('${EMPTY:-d}').value, 'd');
    assert.equal(ok('${EMPTY+p}').value, 'p');
    assert.equal(ok('${EMPTY:+p}').value, '');
    assert.equal(ok('${EMPTY?}').value, '');
    const e = processWord('${EMPTY:?must be set}', env);
    assert.equal(e.ok, false);
    if (!e.ok) assert.match(e.message, /EMPTY: must be set/);
  });
  it('errors carry an offset and never throw', () => {
    const r = processWord('abc${', env);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.offset, 5);
    for (const bad of ['${FOO=x}', '${FOO#\\x}', "'open", '"open', '${', '${a:', '${a/b']) {
      assert.equal(processWord(bad, env).ok, false, bad);
    }
  });
  it('reports used and unset variables', () => {
    const r = ok('${FOO-a} ${EMPTY-b} ${BAZ-c}');
    assert.deepEqual([...r.used].sort(), ['EMPTY', 'FOO']);
    assert.deepEqual(r.unset, ['BAZ']);
  });
  it('backtick escape', () => {
    const r0 = processWord('C:\\dir`$FOO', env, { escape: '`' });
    assert.ok(r0.ok);
    assert.equal(r0.value, 'C:\\dir$FOO');
    const r = processWord('"a`"b"', env, { escape: '`' });
    assert.ok(r.ok);
    assert.equal(r.value, 'a"b');
    const r2 = processWord('C:\\dir\\$FOO', env, { escape: '`' });
    assert.ok(r2.ok);
    assert.equal(r2.value, 'C:\\dir\\xxyy');
  });
  it('raw quotes and skip-unset modes', () => {
    const r = processWord('"a $FOO" $NOPE ${NOPE:-x}', env, { rawQuotes: true, skipUnsetEnv: true });
    assert.ok(r.ok);
    assert.equal(r.value, '"a xxyy" $NOPE ${NOPE:-x}');
  });
  it('the same variable name through a lookup function', () => {
    const r = processWord('$A-$B', (n) => (n === 'A' ? '1' : undefined));
    assert.ok(r.ok);
    assert.equal(r.value, '1-');
  });
});

describe('unknown-aware mode', () => {
  const env = new Map<string, EnvValue>([
    ['REGISTRY', UNKNOWN],
    ['TAG', UNKNOWN],
    ['VERSION', '1.2'],
  ]);
  it('keeps defaults concrete and marks the rest unknown', () => {
    const r = processWord('${REGISTRY}/app:${TAG:-latest}', env);
    assert.ok(r.ok);
    assert.equal(r.unknown, true);
    assert.equal(r.value, '${REGISTRY}/app:latest');
    assert.deepEqual(r.parts, [
      { text: '${REGISTRY}', unknown: true, vars: ['REGISTRY'], start: 0, end: 11 },
      { text: '/app:latest', unknown: false },
    ]);
    assert.deepEqual(r.unknownVars.slice().sort(), ['REGISTRY', 'TAG']);
    assert.deepEqual(r.assumedUnset, ['TAG']);
  });
  it('fully concrete when defaults cover every unknown', () => {
    const r = processWord('alpine:${TAG:-3.20}${TAG:+-x}', env);
    assert.ok(r.ok);
    assert.equal(r.unknown, false);
    assert.equal(r.value, 'alpine:3.20');
  });
  it('plain $NAME and operators on unknown values', () => {
    for (const w of ['$TAG', '${TAG?}', '${TAG:?msg}', '${TAG#v}', '${TAG%%-*}', '${TAG/a/b}', '${VERSION/$TAG/x}']) {
      const r = processWord(`x${w}/y`, env);
      assert.ok(r.ok, w);
      assert.equal(r.unknown, true, w);
      assert.equal(r.parts.length, 3, w);
      assert.equal(r.parts[1]!.text, w);
      assert.equal(r.parts[1]!.start, 1);
      assert.equal(r.parts[1]!.end, 1 + w.length);
    }
  });
  it('an unknown default inside a default stays unknown', () => {
    const r = processWord('${NOPE:-$TAG}', env);
    assert.ok(r.ok);
    assert.equal(r.unknown, true);
    assert.deepEqual(r.parts[0]!.vars, ['TAG']);
  });
  it('unknown parts inside quotes, and in word splitting', () => {
    const r = processWords('"a $TAG" b${REGISTRY}c d', env);
    assert.ok(r.ok);
    assert.deepEqual(
      r.words.map((w) => [w.value, w.unknown]),
      [
        ['a $TAG', true],
        ['b${REGISTRY}c', true],
        ['d', false],
      ],
    );
  });
  it('a partly known value substitutes its parts', () => {
    const partial: EnvValue = {
      unknown: true,
      parts: [
        { text: '${REGISTRY}', unknown: true, vars: ['REGISTRY'] },
        { text: '/app', unknown: false },
      ],
    };
    const e = new Map<string, EnvValue>([['IMG', partial]]);
    const r = processWord('x/${IMG}:1', e);
    assert.ok(r.ok);
    assert.equal(r.value, 'x/${REGISTRY}/app:1');
    assert.deepEqual(r.parts[1], { text: '${REGISTRY}', unknown: true, vars: ['REGISTRY'], start: 2, end: 8 });
    const d = processWord('${IMG:-d}|${IMG:+p}|${IMG%/*}', e);
    assert.ok(d.ok);
    assert.equal(d.parts.map((p) => p.text).join(''), '${REGISTRY}/app|p|${IMG%/*}');
    assert.deepEqual(d.assumedUnset, []);
  });
  it('known values still behave exactly', () => {
    const r = processWord('v${VERSION%.*}', env);
    assert.ok(r.ok);
    assert.equal(r.value, 'v1');
    assert.equal(r.unknown, false);
  });
});

describe('robustness', () => {
  it('never throws, on any input, in any mode', async () => {
    const fc = (await import('fast-check')).default;
    const alphabet = fc.constantFrom('$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '\\', '`', "'", '"', '*', ' ', 'a', 'B', '_', '1', '@', '\n', 'é');
    const env = new Map<string, EnvValue>([
      ['a', 'x*y/z'],
      ['B', UNKNOWN],
      ['_', ''],
    ]);
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), fc.boolean(), fc.boolean(), (chars, backtick, raw) => {
        const s = chars.join('');
        const opts = { escape: backtick ? ('`' as const) : ('\\' as const), rawQuotes: raw, skipUnsetEnv: raw };
        const r = processWord(s, env, opts);
        if (!r.ok) assert.ok(r.offset >= 0 && r.offset <= s.length);
        else assert.equal(r.value, r.parts.map((p) => p.text).join(''));
        processWords(s, env, opts);
      }),
      { numRuns: 3000 },
    );
  });
  it('long glob patterns stay fast', () => {
    const t0 = Date.now();
    const r = processWord('${V//*a*a*a*a*a*a*b/x}', { V: 'a'.repeat(300) });
    assert.ok(r.ok);
    assert.equal(r.value, 'a'.repeat(300));
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });
});

it('dockaudit\'s own limits are marked as such; BuildKit errors are not', () => {
  const deep = '${A:-'.repeat(300) + 'x' + '}'.repeat(300);
  const limited = processWord(deep, new Map());
  assert.equal(limited.ok, false);
  assert.equal(!limited.ok && limited.limit, true);
  const bad = processWord('${V:0:2}', new Map([['V', 'abc']]));
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.limit, undefined);
});

describe('plain words (no $, escape or quote) skip the lexer', () => {
  it('give the same value, parts and facts as the lexer does for the same text', async () => {
    const fc = (await import('fast-check')).default;
    const plain = fc.array(fc.constantFrom('a', 'B', '/', ' ', '\t', '-', '.', ':', '=', 'é', '😀', '{', '}', '`', '\\'), { maxLength: 16 }).map((a) => a.join(''));
    for (const escape of ['\\', '`'] as const) {
      fc.assert(
        fc.property(plain, (w) => {
          if (w.includes(escape)) return; // not plain for this escape character
          const env = new Map<string, string>();
          const fast = processWord(w, env, { escape });
          // an empty `${N:+}` forces the lexer over the same text and adds only the lookup of N
          const slow = processWord(w + '${N:+}', env, { escape });
          assert.ok(fast.ok && slow.ok);
          assert.deepEqual(
            { value: fast.value, unknown: fast.unknown, parts: fast.parts, used: fast.used, unknownVars: fast.unknownVars, assumedUnset: fast.assumedUnset, unset: [...fast.unset, 'N'] },
            { value: slow.value, unknown: slow.unknown, parts: slow.parts, used: slow.used, unknownVars: slow.unknownVars, assumedUnset: slow.assumedUnset, unset: slow.unset },
          );
        }),
        { numRuns: 1500, seed: 8 },
      );
    }
  });
});

describe('code points and runs of ordinary characters', () => {
  const env = new Map<string, EnvValue>([['X', UNKNOWN], ['Y', '😀ab'], ['V', 'x  y']]);

  it('reports UTF-16 offsets after a character outside the BMP, as without one', () => {
    const astral = processWord('😀$X', env);
    const bmp = processWord('é$X', env);
    assert.ok(astral.ok && bmp.ok);
    assert.deepEqual(astral.parts, [{ text: '😀', unknown: false }, { text: '$X', unknown: true, vars: ['X'], start: 2, end: 4 }]);
    assert.deepEqual(bmp.parts, [{ text: 'é', unknown: false }, { text: '$X', unknown: true, vars: ['X'], start: 1, end: 3 }]);
    const e1 = processWord('😀${', env);
    const e2 = processWord('a${', env);
    assert.deepEqual([e1.ok ? -1 : e1.offset, e2.ok ? -1 : e2.offset], [4, 3]);
  });

  it('matches patterns by code point', () => {
    const r = processWord('${Y#😀}-${Y%b}-${Y/?/z}', env);
    assert.ok(r.ok);
    assert.equal(r.value, 'ab-😀a-zab');
  });

  it('splits runs of ordinary characters at blanks, inside and around expansions and quotes', () => {
    const r = processWords('a b\tc$V d"e f"\'g h\'', env);
    assert.ok(r.ok);
    assert.deepEqual(r.words.map((w) => w.value), ['a', 'b', 'cx', 'y', 'de fg h']);
    assert.deepEqual(r.words.map((w) => w.parts.length), [1, 1, 1, 1, 1]);
    assert.deepEqual(r.used, ['V']);
    const q = processWord('"a\\"b$X c"', env, { rawQuotes: true, rawEscapes: true });
    assert.ok(q.ok);
    assert.equal(q.value, '"a\\"b$X c"');
  });
});

describe('the lexer scans strings by character code and astral inputs by code point: same results', () => {
  it('a word and the same word followed by an escaped astral character agree', async () => {
    const fc = (await import('fast-check')).default;
    // the astral character makes the lexer take its code-point array path over the whole input; escaped, it is one
    // literal character appended to the result whatever precedes it
    const alphabet = fc.constantFrom('$', '{', '}', ':', '-', '+', '/', '\\', '`', "'", '"', ' ', 'a', 'B', '_', '1', 'é', 'x', '.');
    const env = new Map<string, EnvValue>([
      ['a', 'v1'],
      ['a_1', 'v2'],
      ['aé', 'v3'],
      ['B', UNKNOWN],
      ['_', ''],
    ]);
    let compared = 0;
    for (const escape of ['\\', '`'] as const) {
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 24 }), fc.boolean(), (chars, skipUnsetEnv) => {
          const s = chars.join('');
          const opts = { escape, skipUnsetEnv };
          const plain = processWord(s, env, opts);
          if (!plain.ok) return;
          let trailing = 0;
          while (trailing < s.length && s[s.length - 1 - trailing] === escape) trailing++;
          if (trailing % 2 === 1) return; // a dangling escape would escape the appended one
          const astral = processWord(s + escape + '😀', env, opts);
          assert.ok(astral.ok, s);
          compared++;
          assert.deepEqual(
            { value: astral.value, used: astral.used, unset: astral.unset, unknownVars: astral.unknownVars },
            { value: plain.value + '😀', used: plain.used, unset: plain.unset, unknownVars: plain.unknownVars },
            s,
          );
        }),
        { numRuns: 3000, seed: 11 },
      );
    }
    assert.ok(compared > 1000, `only ${compared} words compared`);
  });
  it('names end at the first character that is not a letter, digit or `_`, ASCII or not', () => {
    const env = new Map<string, EnvValue>([['a_1', 'A'], ['aé', 'E'], ['x', 'X']]);
    const r = processWord('$a_1.$aé-$x"$x"', env);
    assert.ok(r.ok);
    assert.equal(r.value, 'A.E-XX');
    assert.deepEqual([...r.used].sort(), ['a_1', 'aé', 'x']);
  });
});
