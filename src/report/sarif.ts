/**
 * SARIF 2.1.0 report, made for GitHub code scanning and other SARIF consumers.
 *
 * Severity mapping (rule `defaultConfiguration.level`, result `level`, rule `properties.security-severity`):
 *
 * | dockaudit | SARIF level | security-severity |
 * | --- | --- | --- |
 * | critical | error | 9.5 |
 * | high | error | 8.0 |
 * | medium | warning | 5.5 |
 * | low | note | 3.0 |
 * | info | note | (none: not a security alert) |
 *
 * GitHub reads security-severity > 9.0 as critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
 *
 * `partialFingerprints["dockaudit/v1"]` is a SHA-256 of the rule ID, the offending source text with whitespace
 * runs collapsed, and the occurrence index of that (rule, text) pair in the file: adding unrelated lines above a
 * finding leaves it unchanged; no line number enters it.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleHelpUri, ruleMarkdownBody, cweUrl } from '../docs/rule-docs.js';
import type { FileResult } from '../engine/result.js';
import type { Finding, Rule, Severity } from '../rules/types.js';
import type { ReportWriter, ToolInfo } from './types.js';
import { findingPosition, nestedJson } from './types.js';

export const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export const SECURITY_SEVERITY: Readonly<Record<Severity, string | undefined>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: undefined,
};

export const FINGERPRINT_KEY = 'dockaudit/v1';
const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** Every rule that may appear (normally the whole registry): becomes `tool.driver.rules`. */
  readonly rules: readonly Rule[];
  /** Absolute directory that result paths are made relative to (`%SRCROOT%`); paths stay as given when absent. */
  readonly srcRoot?: string;
}

function toUriPath(p: string): string {
  return p
    .split(sep === '\\' ? /[\\/]/ : /\//)
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function artifactLocation(path: string, srcRoot: string | undefined): { uri: string; uriBaseId?: string } {
  if (srcRoot !== undefined) {
    const abs = isAbsolute(path) ? path : `${srcRoot}${sep}${path}`;
    const rel = relative(srcRoot, abs);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return { uri: toUriPath(rel), uriBaseId: SRCROOT };
    return { uri: pathToFileURL(abs).href };
  }
  return isAbsolute(path) ? { uri: pathToFileURL(path).href } : { uri: toUriPath(path) };
}

/** Normalised offending text: whitespace runs (line continuations included) collapsed to one space. */
function normalisedText(r: FileResult, f: Finding): string {
  return r.source.slice(f.range).replace(/\s+/g, ' ').trim();
}

/** Fingerprints of a file's findings, in the order given. */
export function fingerprints(r: FileResult, findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const text = normalisedText(r, f);
    const key = `${f.ruleId}\u0000${text}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex');
  });
}

function ruleDescriptor(rule: Rule) {
  const m = rule.meta;
  const cwes = m.cwe ?? [];
  const tags = ['security', m.category, ...cwes.map((n) => `external/cwe/cwe-${n}`), ...(m.tags ?? [])];
  const sec = SECURITY_SEVERITY[m.severity];
  const help = ruleMarkdownBody(rule);
  return {
    id: m.id,
    name: m.name,
    shortDescription: { text: m.description },
    fullDescription: { text: firstParagraph(rule.docs.why) ?? m.description },
    help: { text: `${m.description} ${stripMarkdown(rule.docs.fix)} See ${ruleHelpUri(rule)}`, markdown: help },
    helpUri: ruleHelpUri(rule),
    defaultConfiguration: { enabled: !m.disabledByDefault, level: SARIF_LEVEL[m.severity] },
    properties: {
      tags: [...new Set(tags)].slice(0, 20),
      precision: 'high',
      ...(sec !== undefined ? { 'security-severity': sec } : {}),
      ...(m.aliases && m.aliases.length > 0 ? { aliases: [...m.aliases] } : {}),
    },
    ...(cwes.length > 0
      ? { relationships: cwes.map((n) => ({ target: { id: String(n), toolComponent: { name: 'CWE' } }, kinds: ['superset'] })) }
      : {}),
  };
}

function firstParagraph(md: string): string | undefined {
  const p = md.trim().split(/\n\s*\n/)[0];
  if (p === undefined || p === '') return undefined;
  const t = stripMarkdown(p);
  return t.length > 1000 ? t.slice(0, 999) + '…' : t;
}

function stripMarkdown(md: string): string {
  return md.replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

export function formatSarif(results: readonly FileResult[], tool: ToolInfo, options: SarifOptions): string {
  const w = sarifReportWriter(tool, options);
  let out = w.start();
  for (const r of results) out += w.file(r);
  return out + w.end();
}

/**
 * The SARIF log piece by piece (see `ReportWriter`): `start()` writes everything of the run up to its `results`,
 * `file()` each file's results as soon as it is audited, `end()` the run's `invocations` (which list every file's
 * errors, known only at the end) and the closing brackets. Only the error notifications are kept until the end, so
 * memory does not grow with the number of findings. Each piece reads as in `JSON.stringify(log, null, 2)`; the run's
 * keys come in the order tool, taxonomies, originalUriBaseIds, columnKind, results, invocations.
 */
const RESULTS_OPEN = '[\n        ';
const RESULTS_CLOSE = '\n      ]';

export function sarifReportWriter(tool: ToolInfo, options: SarifOptions): ReportWriter {
  const rules = options.rules;
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  let resultsWritten = 0;
  const notifications: unknown[] = [];
  const file = (r: FileResult): string => {
    const sarifResults: unknown[] = [];
    const loc = artifactLocation(r.path, options.srcRoot);
    const prints = fingerprints(r, r.findings);
    r.findings.forEach((f, i) => {
      const p = findingPosition(r, f);
      const idx = ruleIndex.get(f.ruleId);
      sarifResults.push({
        ruleId: f.ruleId,
        ...(idx !== undefined ? { ruleIndex: idx } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: loc,
              region: {
                startLine: p.line,
                startColumn: p.column,
                endLine: p.endLine,
                endColumn: p.endColumn,
                snippet: { text: r.source.slice(f.range) },
              },
            },
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: prints[i]! },
        ...(f.fix && f.fix.edits.length > 0
          ? {
              fixes: [
                {
                  description: { text: f.fix.kind === 'safe' ? 'Safe automatic fix' : 'Suggested fix (review before applying)' },
                  artifactChanges: [
                    {
                      artifactLocation: loc,
                      replacements: f.fix.edits.map((e) => {
                        const s = r.source.positionAt(e.range.start);
                        const en = r.source.positionAt(e.range.end);
                        return {
                          deletedRegion: { startLine: s.line, startColumn: s.column, endLine: en.line, endColumn: en.column },
                          insertedContent: { text: e.text },
                        };
                      }),
                    },
                  ],
                },
              ],
            }
          : {}),
        properties: { severity: f.severity, ruleName: f.ruleName, category: f.category },
        ...(f.suppressed
          ? {
              suppressions: [
                { kind: f.suppressed.kind, ...(f.suppressed.justification ? { justification: f.suppressed.justification } : {}) },
              ],
            }
          : {}),
      });
    });
    for (const e of r.errors) {
      notifications.push({
        level: 'error',
        message: { text: e.message },
        descriptor: { id: e.code },
        locations: [
          { physicalLocation: { artifactLocation: loc, region: { startLine: Math.max(1, e.line), startColumn: Math.max(1, e.column) } } },
        ],
      });
    }
    if (sarifResults.length === 0) return '';
    // the file's results as they read in the log's results array (log → runs → run → results), brackets cut off
    const list = nestedJson(sarifResults, 3);
    const text = list.slice(RESULTS_OPEN.length, list.length - RESULTS_CLOSE.length);
    return (resultsWritten++ === 0 ? RESULTS_OPEN : ',\n        ') + text;
  };
  const start = (): string => {
    const cweIds = [...new Set(rules.flatMap((r) => r.meta.cwe ?? []))].sort((a, b) => a - b);
    const run = {
      tool: {
        driver: {
          name: tool.name,
          version: tool.version,
          semanticVersion: tool.version,
          ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
          rules: rules.map(ruleDescriptor),
          ...(cweIds.length > 0 ? { supportedTaxonomies: [{ name: 'CWE', index: 0 }] } : {}),
        },
      },
      ...(cweIds.length > 0
        ? {
            taxonomies: [
              {
                name: 'CWE',
                organization: 'MITRE',
                informationUri: 'https://cwe.mitre.org/',
                shortDescription: { text: 'The MITRE Common Weakness Enumeration' },
                taxa: cweIds.map((n) => ({ id: String(n), helpUri: cweUrl(n) })),
              },
            ],
          }
        : {}),
      ...(options.srcRoot !== undefined
        ? { originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(options.srcRoot.endsWith(sep) ? options.srcRoot : options.srcRoot + sep).href } } }
        : {}),
      columnKind: 'utf16CodeUnits',
    };
    const head = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
    };
    // the run without its results and invocations, its closing brace cut off: the results array goes there
    const runText = nestedJson(run, 2);
    const headText = JSON.stringify(head, null, 2);
    return `${headText.slice(0, -2)},\n  "runs": [\n    ${runText.slice(0, -6)},\n      "results": `;
  };
  const end = (): string => {
    const invocations = nestedJson([{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }], 3);
    return `${resultsWritten === 0 ? '[]' : RESULTS_CLOSE},\n      "invocations": ${invocations}\n    }\n  ]\n}\n`;
  };
  return { start, file, end };
}
