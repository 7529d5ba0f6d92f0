import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText, findConfig } from '../../src/config/load.js';
import { formatConfigError } from '../../src/config/types.js';
import {
  configFromEnv,
  effectiveConfig,
  formatEffectiveConfig,
  initConfigText,
  isPathIgnored,
  mergeConfigs,
  ruleSettingsFor,
  exceedsFailLevel,
  suppressionOptionsFor,
} from '../../src/config/resolve.js';
import { globMatch } from '../../src/config/glob.js';
import { testRules } from './helpers.js';

const errs = (text: string, file = '.dockaudit.yaml') => parseConfigText(text, file, testRules).errors.map(formatConfigError);

test('every key is read into the partial config', () => {
  const text = `rules:
  DA501: off
  no-root-user: high
  DL3008: off
  DA901: on
failLevel: medium
format: [json, sarif]
ignorePaths: ["vendor/**", "*.tmpl"]
trustedRegistries: [docker.io, ghcr.io]
requiredLabels: [org.opencontainers.image.source]
labelSchema:
  org.opencontainers.image.source: url
  version: semver
strictLabels: true
ruleOptions:
  debug-ports: { ports: [8000] }
disableInlineIgnores: true
requireIgnoreReason: true
overrides:
  - files: ["**/dev/*"]
    rules: { DA301: off }
`;
  const { partial, errors } = parseConfigText(text, '.dockaudit.yaml', testRules, 'base');
  assert.deepEqual(errors, []);
  assert.deepEqual([...partial.rules!], [
    ['DA501', 'off'],
    ['no-root-user', 'high'],
    ['DL3008', 'off'],
    ['DA901', 'on'],
  ]);
  assert.equal(partial.failLevel, 'medium');
  assert.deepEqual(partial.formats, ['json', 'sarif']);
  assert.deepEqual(partial.ignorePaths, ['vendor/**', '*.tmpl']);
  assert.equal(partial.ignoreBaseDir, 'base');
  assert.deepEqual(partial.trustedRegistries, ['docker.io', 'ghcr.io']);
  assert.deepEqual(partial.requiredLabels, ['org.opencontainers.image.source']);
  assert.deepEqual([...partial.labelSchema!], [
    ['org.opencontainers.image.source', 'url'],
    ['version', 'semver'],
  ]);
  assert.equal(partial.strictLabels, true);
  assert.deepEqual({ ...partial.ruleOptions!.get('debug-ports') }, { ports: [8000] });
  assert.equal(partial.disableInlineIgnores, true);
  assert.equal(partial.requireIgnoreReason, true);
  assert.equal(partial.overrides!.length, 1);
  assert.deepEqual(partial.overrides![0]!.files, ['**/dev/*']);
  assert.deepEqual([...partial.overrides![0]!.rules], [['DA301', 'off']]);
  // `format` as a single string and `formats` as a list, booleans as rule settings
  const p2 = parseConfigText('format: text\nrules: { DA501: false, DA601: true }\n', 'c.yaml', testRules).partial;
  assert.deepEqual(p2.formats, ['text']);
  assert.deepEqual([...p2.rules!], [
    ['DA501', 'off'],
    ['DA601', 'on'],
  ]);
  assert.deepEqual(parseConfigText('formats: [sarif]\n', 'c.yaml').partial.formats, ['sarif']);
});

test('JSON config files are read the same way', () => {
  const { partial, errors } = parseConfigText('{"failLevel": "high", "rules": {"DA501": "off"}}', '.dockaudit.json', testRules);
  assert.deepEqual(errors, []);
  assert.equal(partial.failLevel, 'high');
  assert.deepEqual(errs('{"failLevel": "hihg"}', '.dockaudit.json'), ['.dockaudit.json:1:2: failLevel: unknown fail level "hihg" (did you mean "high"?)']);
});

test('malformed configs: every problem, with file:line:column, key path and did-you-mean', () => {
  const cases: [string, string[]][] = [
    ['failLevel: high\nformat: json\n\n\n\n\nrules:\n  DA501: hgh\n', ['.dockaudit.yaml:8:3: rules.DA501: unknown severity "hgh" (did you mean "high"?)']],
    [
      'rules:\n  no-curl-pipe-shel: off\n  DA510: off\n  DL9999: off\nfailLevl: high\n',
      [
        '.dockaudit.yaml:2:3: rules.no-curl-pipe-shel: unknown rule "no-curl-pipe-shel" (did you mean "no-curl-pipe-shell"?)',
        '.dockaudit.yaml:3:3: rules.DA510: unknown rule "DA510" (did you mean "DA501"?)',
        '.dockaudit.yaml:4:3: rules.DL9999: no dockaudit rule covers hadolint rule "DL9999"; setting ignored',
        '.dockaudit.yaml:5:1: failLevl: unknown key "failLevl" (did you mean "failLevel"?)',
      ],
    ],
    ['rules: [DA501]\n', ['.dockaudit.yaml:1:1: rules: expected a mapping, got a list']],
    ['rules:\n  DA501: 3\n', ['.dockaudit.yaml:2:3: rules.DA501: expected one of "off", "on", "critical", "high", "medium", "low", "info" or true or false, got a number (3)']],
    ['format: xml\n', ['.dockaudit.yaml:1:1: format: unknown format "xml" (expected one of: text, json, sarif)']],
    ['format: [json, srif]\n', ['.dockaudit.yaml:1:16: format[1]: unknown format "srif" (did you mean "sarif"?)']],
    ['labelSchema:\n  a: urll\n', ['.dockaudit.yaml:2:3: labelSchema.a: unknown label type "urll" (did you mean "url"?)']],
    ['strictLabels: yes\n', ['.dockaudit.yaml:1:1: strictLabels: expected true or false, got a string ("yes")']],
    ['ignorePaths: vendor\n', ['.dockaudit.yaml:1:1: ignorePaths: expected a list, got a string ("vendor")']],
    ['trustedRegistries: [1]\n', ['.dockaudit.yaml:1:21: trustedRegistries[0]: expected a string, got a number (1)']],
    [
      'overrides:\n  - rules: {DA501: off}\n  - files: 3\n    rulez: {}\n',
      [
        '.dockaudit.yaml:2:5: overrides[0]: missing required key "files"',
        '.dockaudit.yaml:3:5: overrides[1].files: expected a list, got a number (3)',
        '.dockaudit.yaml:4:5: overrides[1].rulez: unknown key "rulez" (did you mean "rules"?)',
      ],
    ],
    [
      'ruleOptions:\n  debug-ports: {prots: [1], allowPrivileged: "yes"}\n  DA501: {x: 1}\n  nope: {}\n',
      [
        '.dockaudit.yaml:2:17: ruleOptions.debug-ports.prots: unknown option "prots" for rule DA802 (did you mean "ports"?)',
        '.dockaudit.yaml:2:29: ruleOptions.debug-ports.allowPrivileged: expected a boolean for option "allowPrivileged" of rule DA802, got a string',
        '.dockaudit.yaml:3:11: ruleOptions.DA501.x: rule DA501 (no-curl-pipe-shell) takes no options',
        '.dockaudit.yaml:4:3: ruleOptions.nope: unknown rule "nope"',
      ],
    ],
    ['ruleOptions:\n  DA802: 5\n', ['.dockaudit.yaml:2:3: ruleOptions.DA802: expected a mapping, got a number (5)']],
    ['- a\n- b\n', ['.dockaudit.yaml:1:1: expected a mapping, got a list']],
    ['a: [\n', ['.dockaudit.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['failLevel: high\nfailLevel: low\n', ['.dockaudit.yaml:2:1: invalid YAML: Map keys must be unique']],
    ['failLevel: !!str high\n', ['.dockaudit.yaml:1:18: YAML tags (!!str) are not allowed in config files']],
    ['x: &a high\nfailLevel: *a\n', ['.dockaudit.yaml:2:12: YAML aliases (*name) are not supported in config files']],
  ];
  for (const [text, want] of cases) assert.deepEqual(errs(text), want, text);
});

test('__proto__ and other prototype keys stay data', () => {
  const text = 'labelSchema:\n  __proto__: url\n  constructor: text\nruleOptions:\n  debug-ports: { ports: [1] }\n';
  const { partial, errors } = parseConfigText(text, 'c.yaml', testRules);
  assert.deepEqual(errors, []);
  assert.equal(partial.labelSchema!.get('__proto__'), 'url');
  assert.equal(partial.labelSchema!.get('constructor'), 'text');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  // unknown top-level __proto__ is reported as an unknown key, never merged into structure
  assert.deepEqual(errs('__proto__: {failLevel: none}\n'), ['.dockaudit.yaml:1:1: __proto__: unknown key "__proto__"']);
  const opts = parseConfigText('ruleOptions:\n  debug-ports: {__proto__: {polluted: 1}}\n', 'c.yaml').partial.ruleOptions!.get('debug-ports')!;
  assert.equal(Object.getPrototypeOf(opts), null);
  assert.ok(Object.prototype.hasOwnProperty.call(opts, '__proto__'));
  assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
  assert.deepEqual(errs('rules:\n  __proto__: off\n'), ['.dockaudit.yaml:2:3: rules.__proto__: unknown rule "__proto__"']);
});

test('environment variables', () => {
  const e = configFromEnv(
    {
      DOCKAUDIT_FAIL_LEVEL: 'High',
      DOCKAUDIT_FORMAT: 'json, sarif',
      DOCKAUDIT_IGNORE: 'DA501, DL3008',
      DOCKAUDIT_TRUSTED_REGISTRIES: 'docker.io,quay.io',
      DOCKAUDIT_REQUIRED_LABELS: 'a,b',
      DOCKAUDIT_STRICT_LABELS: '1',
      DOCKAUDIT_DISABLE_INLINE_IGNORES: 'true',
      DOCKAUDIT_REQUIRE_IGNORE_REASON: 'no',
      DOCKAUDIT_CONFIG: 'ci.yaml',
      DOCKAUDIT_NO_CONFIG: 'yes',
    },
    testRules,
  );
  assert.deepEqual(e.errors, []);
  assert.equal(e.partial.failLevel, 'high');
  assert.deepEqual(e.partial.formats, ['json', 'sarif']);
  assert.deepEqual([...e.partial.rules!], [
    ['DA501', 'off'],
    ['DL3008', 'off'],
  ]);
  assert.deepEqual(e.partial.trustedRegistries, ['docker.io', 'quay.io']);
  assert.deepEqual(e.partial.requiredLabels, ['a', 'b']);
  assert.equal(e.partial.strictLabels, true);
  assert.equal(e.partial.disableInlineIgnores, true);
  assert.equal(e.partial.requireIgnoreReason, false);
  assert.equal(e.configPath, 'ci.yaml');
  assert.equal(e.noConfig, true);
  const bad = configFromEnv({ DOCKAUDIT_FAIL_LEVEL: 'hgh', DOCKAUDIT_FORMAT: 'jsno', DOCKAUDIT_STRICT_LABELS: 'maybe', DOCKAUDIT_IGNORE: 'DA5011' }, testRules);
  assert.deepEqual(bad.errors.map(formatConfigError), [
    'env:DOCKAUDIT_FAIL_LEVEL: unknown fail level "hgh" (did you mean "high"?)',
    'env:DOCKAUDIT_FORMAT: unknown format "jsno" (did you mean "json"?)',
    'env:DOCKAUDIT_IGNORE: unknown rule "DA5011" (did you mean "DA501"?)',
    'env:DOCKAUDIT_STRICT_LABELS: expected true or false, got "maybe"',
  ]);
});

test('merging: later sources win per key; rule maps merge; overrides concatenate', () => {
  const c = mergeConfigs(
    { failLevel: 'high', formats: ['json'], rules: new Map([['DA501', 'off'], ['DA601', 'low']]), strictLabels: true },
    { failLevel: 'critical', rules: new Map([['DA501', 'high']]) },
    { formats: ['sarif'] },
  );
  assert.equal(c.failLevel, 'critical');
  assert.deepEqual(c.formats, ['sarif']);
  assert.deepEqual([...c.rules], [
    ['DA601', 'low'],
    ['DA501', 'high'],
  ]);
  assert.equal(c.strictLabels, true);
  assert.equal(c.requireIgnoreReason, false);
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dockaudit-config-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

test('config search: nearest file upward, stops at the repository root, then the user config dir, then hadolint', () => {
  const root = tree({
    'outside/.dockaudit.yaml': 'failLevel: info\n',
    'outside/repo/.git/HEAD': 'ref\n',
    'outside/repo/.dockaudit.yml': 'failLevel: high\n',
    'outside/repo/svc/Dockerfile': 'FROM a\n',
    'outside/repo/svc/deep/.dockaudit.json': '{"failLevel": "critical"}',
    'outside/repo/svc/deep/Dockerfile': 'FROM a\n',
    'other/.git/HEAD': 'ref\n',
    'other/Dockerfile': 'FROM a\n',
    'xdg/dockaudit/config.yaml': 'failLevel: medium\n',
    'home/.config/dockaudit/config.json': '{"failLevel": "info"}',
    'hl/.git/HEAD': 'ref\n',
    'hl/.hadolint.yaml': 'failure-threshold: warning\nignored: [DL3008]\n',
    'hl/Dockerfile': 'FROM a\n',
  });
  try {
    const env = { XDG_CONFIG_HOME: join(root, 'xdg') };
    const none = { env: {}, homeDir: join(root, 'nohome') };
    assert.equal(findConfig(join(root, 'outside/repo/svc'), none)?.path, join(root, 'outside/repo/.dockaudit.yml'));
    assert.equal(findConfig(join(root, 'outside/repo/svc/deep'), none)?.path, join(root, 'outside/repo/svc/deep/.dockaudit.json'));
    assert.equal(findConfig(join(root, 'other'), none), null);
    assert.equal(findConfig(join(root, 'other'), { env })?.path, join(root, 'xdg/dockaudit/config.yaml'));
    assert.equal(findConfig(join(root, 'other'), { env: {}, homeDir: join(root, 'home') })?.path, join(root, 'home/.config/dockaudit/config.json'));
    assert.equal(findConfig(join(root, 'other'), { env: { HOME: join(root, 'home') } })?.path, join(root, 'home/.config/dockaudit/config.json'));
    assert.equal(effectiveConfig(join(root, 'other/Dockerfile'), { env }).config.failLevel, 'medium');
    assert.equal(effectiveConfig(join(root, 'other/Dockerfile'), { env: {}, homeDir: join(root, 'xdg', '..', 'nohome') }).config.failLevel, 'low');
    assert.equal(effectiveConfig(join(root, 'outside/repo/svc/Dockerfile'), none).config.failLevel, 'high');
    // hadolint migration path: used when no dockaudit config exists, with a notice
    const h = effectiveConfig(join(root, 'hl/Dockerfile'), { ...none, rules: testRules });
    assert.equal(h.file?.kind, 'hadolint');
    assert.equal(h.config.failLevel, 'medium');
    assert.deepEqual([...h.config.rules], [['DL3008', 'off']]);
    assert.equal(h.notices.length, 1);
    assert.match(h.notices[0]!, /using hadolint settings from .*\.hadolint\.yaml/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('precedence: defaults < config file < environment < command line; --config and --no-config', () => {
  const root = tree({
    '.git/HEAD': 'x\n',
    '.dockaudit.yaml': 'failLevel: high\nformat: json\nstrictLabels: true\nrules: { DA501: off }\n',
    'alt.yaml': 'failLevel: info\n',
    'Dockerfile': 'FROM a\n',
  });
  try {
    const file = join(root, 'Dockerfile');
    const base = { homeDir: join(root, 'nohome'), rules: testRules };
    const onlyFile = effectiveConfig(file, { ...base, env: {} });
    assert.equal(onlyFile.config.failLevel, 'high');
    assert.deepEqual(onlyFile.config.formats, ['json']);
    assert.equal(onlyFile.config.requireIgnoreReason, false); // default
    const withEnv = effectiveConfig(file, { ...base, env: { DOCKAUDIT_FAIL_LEVEL: 'medium', DOCKAUDIT_IGNORE: 'DA601' } });
    assert.equal(withEnv.config.failLevel, 'medium');
    assert.deepEqual(withEnv.config.formats, ['json']);
    assert.deepEqual([...withEnv.config.rules], [
      ['DA501', 'off'],
      ['DA601', 'off'],
    ]);
    const withCli = effectiveConfig(file, { ...base, env: { DOCKAUDIT_FAIL_LEVEL: 'medium' }, cli: { failLevel: 'critical', rules: new Map([['DA501', 'high']]) } });
    assert.equal(withCli.config.failLevel, 'critical');
    assert.deepEqual([...withCli.config.rules], [['DA501', 'high']]);
    assert.equal(withCli.config.strictLabels, true);
    const alt = effectiveConfig(file, { ...base, env: { DOCKAUDIT_CONFIG: join(root, 'missing.yaml') }, configPath: join(root, 'alt.yaml') });
    assert.equal(alt.config.failLevel, 'info');
    const envAlt = effectiveConfig(file, { ...base, env: { DOCKAUDIT_CONFIG: join(root, 'alt.yaml') } });
    assert.equal(envAlt.config.failLevel, 'info');
    const missing = effectiveConfig(file, { ...base, env: {}, configPath: join(root, 'missing.yaml') });
    assert.deepEqual(missing.errors.map((e) => e.message), ['cannot read config file: ENOENT']);
    const off = effectiveConfig(file, { ...base, env: {}, noConfig: true });
    assert.equal(off.config.failLevel, 'low');
    assert.equal(off.file, null);
    assert.equal(effectiveConfig(file, { ...base, env: { DOCKAUDIT_NO_CONFIG: '1' } }).config.failLevel, 'low');
    const printed = formatEffectiveConfig(withCli);
    assert.match(printed, /^# effective configuration \(source: .*\.dockaudit\.yaml \(dockaudit\)/);
    assert.match(printed, /failLevel: critical/);
    assert.match(printed, /rules:\n  DA501: high/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('ruleSettingsFor: defaults, disabledByDefault, names/aliases, severity, options, per-path overrides', () => {
  const config = mergeConfigs({
    rules: new Map([
      ['no-curl-pipe-shell', 'critical'],
      ['DL3008', 'off'],
      ['StageNameCasing', 'on'],
    ]),
    ruleOptions: new Map([['debug-ports', { ports: [8000] }]]),
    overrides: [{ files: ['dev/**'], rules: new Map([['DA301', 'off'], ['DA601', 'low']]), baseDir: '/repo' }],
  });
  const s = ruleSettingsFor(config, '/repo/Dockerfile', testRules);
  assert.deepEqual(s.rules.map((r) => r.meta.id), ['DA501', 'DA301', 'DA801', 'DA802', 'DA901']);
  assert.deepEqual([...s.severityOverrides], [['DA501', 'critical']]);
  assert.deepEqual(s.ruleOptions.get('DA802'), { ports: [8000], allowPrivileged: false });
  const dev = ruleSettingsFor(config, '/repo/dev/api/Dockerfile', testRules);
  assert.deepEqual(dev.rules.map((r) => r.meta.id), ['DA501', 'DA601', 'DA801', 'DA802', 'DA901']);
  assert.equal(dev.severityOverrides.get('DA601'), 'low');
  assert.equal(ruleSettingsFor(mergeConfigs({}), 'x', testRules).rules.some((r) => r.meta.id === 'DA901'), false);
});

test('ignorePaths and globs', () => {
  const c = mergeConfigs({ ignorePaths: ['vendor/**', '*.tmpl', '/only-root/Dockerfile', 'build/'], ignoreBaseDir: '/repo' });
  assert.equal(isPathIgnored(c, '/repo/vendor/x/Dockerfile'), true);
  assert.equal(isPathIgnored(c, '/repo/a/b/Dockerfile.tmpl'), true);
  assert.equal(isPathIgnored(c, '/repo/only-root/Dockerfile'), true);
  assert.equal(isPathIgnored(c, '/repo/sub/only-root/Dockerfile'), false);
  assert.equal(isPathIgnored(c, '/repo/build/x/Dockerfile'), true);
  assert.equal(isPathIgnored(c, '/repo/src/Dockerfile'), false);
  assert.equal(isPathIgnored(c, '/elsewhere/vendor/Dockerfile'), false);
  assert.equal(globMatch('**/Dockerfile.[a-c]*', 'x/y/Dockerfile.build'), true);
  assert.equal(globMatch('**/Dockerfile.[!a-c]*', 'x/y/Dockerfile.build'), false);
  assert.equal(globMatch('a/?/c', 'a/b/c'), true);
  assert.equal(globMatch('a/*/c', 'a/b/d/c'), false);
  // no blow-up on pathological patterns
  const t = Date.now();
  assert.equal(globMatch('**/*a*a*a*a*a*a*a*a*b', 'a/'.repeat(30) + 'a'.repeat(60)), false);
  assert.ok(Date.now() - t < 2000);
});

test('initConfigText is a valid config whose settings equal the defaults', () => {
  const { partial, errors } = parseConfigText(initConfigText(), '.dockaudit.yaml', testRules);
  assert.deepEqual(errors, []);
  const c = mergeConfigs(partial);
  const d = mergeConfigs({});
  assert.equal(c.failLevel, d.failLevel);
  assert.deepEqual(c.formats, d.formats);
  assert.equal(c.strictLabels, d.strictLabels);
  assert.match(initConfigText(), /^# dockaudit configuration/);
});

test('exceedsFailLevel and suppressionOptionsFor', () => {
  const f = (severity: 'high' | 'low', suppressed = false) => ({
    ruleId: 'DA501',
    ruleName: 'x',
    severity,
    category: 'shell' as const,
    message: '',
    messageId: 'm',
    range: { start: 0, end: 0 },
    ...(suppressed ? { suppressed: { kind: 'inSource' as const } } : {}),
  });
  assert.equal(exceedsFailLevel([f('low'), f('high', true)], 'medium'), false);
  assert.equal(exceedsFailLevel([f('low'), f('high')], 'medium'), true);
  assert.equal(exceedsFailLevel([f('low')], 'low'), true);
  assert.equal(exceedsFailLevel([f('high')], 'none'), false);
  const config = mergeConfigs({ requireIgnoreReason: true, rules: new Map([['DA501', 'off'], ['DA102', 'medium']]) });
  const da102 = { ...testRules[0]!, meta: { ...testRules[0]!.meta, id: 'DA102', name: 'unused-suppression', aliases: [] } };
  const o = suppressionOptionsFor(config, ruleSettingsFor(config, 'Dockerfile', [...testRules, da102]));
  assert.equal(o.requireIgnoreReason, true);
  assert.equal(o.disableInlineIgnores, false);
  assert.equal(o.enabledRuleIds!.has('DA501'), false);
  assert.equal(o.enabledRuleIds!.has('DA601'), true);
  assert.equal(o.unusedSeverity, 'medium');
});
