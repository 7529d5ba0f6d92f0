import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.js';
import { mergeConfigs, ruleSettingsFor } from '../../src/config/resolve.js';
import { ruleList } from '../../src/rules/registry.generated.js';

test('top-level trustedRegistries, requiredLabels, labelSchema and strictLabels reach the rules that take them; ruleOptions still win', () => {
  const text = [
    'trustedRegistries: [docker.io, ghcr.io]',
    'requiredLabels: [org.opencontainers.image.source]',
    'labelSchema:',
    '  org.opencontainers.image.version: semver',
    'strictLabels: true',
    'ruleOptions:',
    '  required-label-missing: { requiredLabels: [maintainer] }',
    '',
  ].join('\n');
  const { partial, errors } = parseConfigText(text, '/p/.dockaudit.yaml', ruleList);
  assert.deepEqual(errors, []);
  const s = ruleSettingsFor(mergeConfigs(partial), '/p/Dockerfile', ruleList);
  assert.deepEqual(s.ruleOptions.get('DA204'), { trustedRegistries: ['docker.io', 'ghcr.io'] });
  assert.deepEqual(s.ruleOptions.get('DA905'), { requiredLabels: ['maintainer'] });
  assert.deepEqual(s.ruleOptions.get('DA906'), { labelSchema: { 'org.opencontainers.image.version': 'semver' }, strictLabels: true });
  // a rule without such an option is untouched
  const other = s.ruleOptions.get('DA803') as Record<string, unknown> | undefined;
  assert.ok(other === undefined || !('trustedRegistries' in other));
});
