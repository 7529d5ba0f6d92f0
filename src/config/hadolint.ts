/**
 * hadolint config migration: reading `.hadolint.yaml` into a dockaudit `PartialConfig` (used when a project has
 * no dockaudit config yet) and writing the equivalent `.dockaudit.yaml`.
 *
 * Mapping: `ignored` → rules off; `override: {error|warning|info|style: [codes]}` → severities high / medium /
 * low / info; `failure-threshold` (same levels; `none`/`ignore` → none); `no-fail: true` → failLevel none;
 * `trustedRegistries`; `label-schema` → labelSchema (same type names); `strict-labels` → strictLabels;
 * `disable-ignore-pragma` → disableInlineIgnores; `format` (tty → text; json; sarif). hadolint codes stay as
 * written: dockaudit resolves them through rule aliases.
 */
import { yaml } from './yaml-lazy.js';
import type { Rule, Severity } from '../rules/types.js';
import { RuleIndex } from '../rules/rule-ref.js';
import { errorMaker, type ParsedConfig } from './load.js';
import { parseTree, type PNode } from './yaml-tree.js';
import { LABEL_TYPES, type ConfigError, type FailLevel, type LabelType, type OutputFormat, type PartialConfig, type RuleSetting } from './types.js';
import { partialToPlain } from './resolve.js';

const LEVEL: Readonly<Record<string, Severity>> = { error: 'high', warning: 'medium', info: 'low', style: 'info' };

function strs(v: PNode): string[] | undefined {
  if (v.kind !== 'seq') return undefined;
  const out: string[] = [];
  for (const i of v.items) {
    if (i.kind !== 'scalar' || (typeof i.value !== 'string' && typeof i.value !== 'number')) return undefined;
    out.push(String(i.value));
  }
  return out;
}

/** Reads hadolint config text. Unknown or unusable keys come back as warnings; `rules` is used to flag codes no
 * dockaudit rule covers (as warnings: the settings are kept, harmlessly). */
export function readHadolintConfig(text: string, file = '.hadolint.yaml', rules?: readonly Rule[]): ParsedConfig {
  const err = errorMaker(file, text);
  const errors: ConfigError[] = [];
  const { tree, problems } = parseTree(text);
  for (const p of problems) errors.push(err('', p.message, p.range));
  const partial: PartialConfig = {};
  if (tree === null || problems.length > 0) return { partial, errors };
  if (tree.kind !== 'map') {
    errors.push(err('', 'expected a mapping at the top level', tree.range));
    return { partial, errors };
  }
  const index = rules === undefined ? undefined : new RuleIndex(rules);
  const ruleMap = new Map<string, RuleSetting>();
  const setRule = (code: string, s: RuleSetting, path: string, e: PNode): void => {
    if (index !== undefined && index.resolve(code).length === 0) {
      errors.push(err(path, `no dockaudit rule covers "${code}"; kept for reference`, e.range, 'warning'));
    }
    ruleMap.set(code, s);
  };
  const bool = (v: PNode, key: string, at: PNode): boolean | undefined => {
    if (v.kind === 'scalar' && typeof v.value === 'boolean') return v.value;
    errors.push(err(key, 'expected true or false', at.range));
    return undefined;
  };
  for (const e of tree.entries) {
    const v = e.value;
    const bad = (msg: string): void => void errors.push(err(e.key, msg, e.keyRange));
    switch (e.key) {
      case 'ignored': {
        const l = strs(v);
        if (l === undefined) bad('expected a list of rule codes');
        else for (const c of l) setRule(c, 'off', e.key, v);
        break;
      }
      case 'override': {
        if (v.kind !== 'map') {
          bad('expected a mapping of error/warning/info/style to rule codes');
          break;
        }
        for (const oe of v.entries) {
          const sev = LEVEL[oe.key];
          const l = strs(oe.value);
          if (sev === undefined) errors.push(err(`override.${oe.key}`, `unknown hadolint level "${oe.key}" (expected error, warning, info or style)`, oe.keyRange));
          else if (l === undefined) errors.push(err(`override.${oe.key}`, 'expected a list of rule codes', oe.keyRange));
          else for (const c of l) setRule(c, sev, `override.${oe.key}`, oe.value);
        }
        break;
      }
      case 'trustedRegistries': {
        const l = strs(v);
        if (l === undefined) bad('expected a list of registries');
        else partial.trustedRegistries = l;
        break;
      }
      case 'label-schema': {
        if (v.kind !== 'map') {
          bad('expected a mapping of label names to types');
          break;
        }
        const m = new Map<string, LabelType>();
        for (const le of v.entries) {
          const t = le.value.kind === 'scalar' ? String(le.value.value) : '';
          if ((LABEL_TYPES as readonly string[]).includes(t)) m.set(le.key, t as LabelType);
          else errors.push(err(`label-schema.${le.key}`, `unknown label type "${t}"`, le.keyRange));
        }
        partial.labelSchema = m;
        break;
      }
      case 'strict-labels': {
        const b = bool(v, e.key, v);
        if (b !== undefined) partial.strictLabels = b;
        break;
      }
      case 'disable-ignore-pragma': {
        const b = bool(v, e.key, v);
        if (b !== undefined) partial.disableInlineIgnores = b;
        break;
      }
      case 'no-fail': {
        const b = bool(v, e.key, v);
        if (b === true) partial.failLevel = 'none';
        break;
      }
      case 'failure-threshold': {
        const t = v.kind === 'scalar' ? String(v.value) : '';
        const f: FailLevel | undefined = t === 'none' || t === 'ignore' ? 'none' : LEVEL[t];
        if (f === undefined) bad(`unknown failure-threshold "${t}" (expected error, warning, info, style, ignore or none)`);
        else if (partial.failLevel === undefined) partial.failLevel = f;
        break;
      }
      case 'format': {
        const t = v.kind === 'scalar' ? String(v.value) : '';
        const map: Readonly<Record<string, OutputFormat>> = { tty: 'text', json: 'json', sarif: 'sarif' };
        const f = map[t];
        if (f === undefined) errors.push(err(e.key, `hadolint format "${t}" has no dockaudit equivalent; using the default`, e.keyRange, 'warning'));
        else partial.formats = [f];
        break;
      }
      case 'no-color':
      case 'verbose':
        break;
      default:
        errors.push(err(e.key, `hadolint key "${e.key}" has no dockaudit equivalent; ignored`, e.keyRange, 'warning'));
    }
  }
  if (ruleMap.size > 0) partial.rules = ruleMap;
  return { partial, errors };
}

/** The `.dockaudit.yaml` equivalent of a hadolint config (comments say where it came from and what was dropped). */
export function migrateHadolintConfig(text: string, rules?: readonly Rule[]): string {
  const { partial, errors } = readHadolintConfig(text, '.hadolint.yaml', rules);
  const lines = ['# dockaudit configuration migrated from .hadolint.yaml', '# hadolint rule codes are kept: dockaudit maps them to its rules through rule aliases.'];
  for (const e of errors) lines.push(`# note: ${e.path === '' ? '' : e.path + ': '}${e.message}`);
  const plain = partialToPlain(partial);
  const body = Object.keys(plain).length === 0 ? '{}\n' : yaml().stringify(plain);
  return lines.join('\n') + '\n' + body;
}
