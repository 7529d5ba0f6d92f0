/**
 * Inline suppressions: parsing pragma comments, scoping them, marking the findings they suppress, and reporting
 * unused and malformed ones.
 *
 * Recognised (text after `#`):
 *   dockaudit ignore=R1,R2 [-- reason]        the next instruction (comment lines directly above it)
 *   dockaudit ignore-stage=R1 [-- reason]     the stage (must be directly above a FROM)
 *   dockaudit ignore-file=R1 [-- reason]      the whole file (anywhere)
 *   hadolint ignore=DL3008,SC2086 [# reason]  the next instruction
 *   hadolint global ignore=…                  the whole file
 *   hadolint stage ignore=…                   the stage (directly above a FROM)
 *   hadolint shell=powershell                 recorded as `shell` (non-POSIX shell declared)
 *   checkov:skip=CKV_DOCKER_3[:reason]        the whole file (Checkov scopes Dockerfile skips to the file)
 *   directive `# check=skip=Rule1,Rule2` / `skip=all`  the whole file (BuildKit; `all` = every rule with a
 *                                             BuildKit check alias)
 * Rules are named by ID, name or any alias (`meta.aliases`). Unused suppressions are reported only for dockaudit's
 * own comments, as findings of rule DA102 unused-suppression (this module produces them with that rule's
 * metadata); peers' pragmas may still be needed by those tools, so they are never called unused. Malformed pragmas
 * come back as `problems` (diagnostics with a range), never silently ignored.
 */
import type { Comment, Dockerfile, Instruction } from '../parser/ast.js';
import type { DockerfileModel } from '../model/types.js';
import type { Range, SourceFile } from '../source.js';
import type { Finding, Rule, Severity } from '../rules/types.js';
import { ruleIndexOf, suggestion } from '../rules/rule-ref.js';
import unusedSuppressionRule from '../rules/catalog/unused-suppression.js';

export type PragmaSource = 'dockaudit' | 'hadolint' | 'buildkit' | 'checkov';
export type PragmaScope = 'instruction' | 'stage' | 'file';

export interface SuppressionRef {
  /** As written. */
  readonly text: string;
  readonly range: Range;
  /** IDs of the rules it names (empty when it names none). */
  readonly ruleIds: readonly string[];
}

export interface Suppression {
  readonly source: PragmaSource;
  readonly scope: PragmaScope;
  readonly refs: readonly SuppressionRef[];
  readonly reason?: string;
  /** The comment (or directive). */
  readonly range: Range;
  /** The source span it covers: the instruction, the stage, or the whole file. */
  readonly target: Range;
}

export interface SuppressionProblem {
  /** `malformed-pragma`, `unknown-rule`, `misplaced-pragma`, `missing-reason`, `ignored-directive`. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly range: Range;
}

export interface SuppressionOptions {
  /** Ignore every inline suppression (config `disableInlineIgnores`). */
  readonly disableInlineIgnores?: boolean;
  /** A suppression without a reason is not applied, and is a problem (config `requireIgnoreReason`). */
  readonly requireIgnoreReason?: boolean;
  /** IDs of the rules that ran; an unused suppression is reported only when it names one (default: all `rules`). */
  readonly enabledRuleIds?: ReadonlySet<string>;
  /** Severity of DA102 findings when config overrides it. */
  readonly unusedSeverity?: Severity;
}

export interface ParsedSuppressions {
  readonly suppressions: readonly Suppression[];
  readonly problems: readonly SuppressionProblem[];
  /** From `# hadolint shell=NAME`, else null. */
  readonly shell: string | null;
}

export interface SuppressionResult {
  /** Every input finding, in order; suppressed ones carry `suppressed: { kind: 'inSource', justification }`. */
  readonly findings: Finding[];
  /** DA102 unused-suppression findings (not suppressed ones: an `ignore-file=DA102` silences them). */
  readonly unused: Finding[];
  readonly problems: SuppressionProblem[];
  readonly suppressions: readonly Suppression[];
  readonly shell: string | null;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isRefChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_.-]$/.test(c);

/** Offset in the source where `c.text` starts. */
function textOffset(c: Comment, src: SourceFile): number {
  const raw = src.slice(c.range);
  const k = raw.indexOf('#');
  if (k >= 0 && raw.slice(k + 1).startsWith(c.text)) return c.range.start + k + 1;
  const j = raw.lastIndexOf(c.text);
  return j >= 0 ? c.range.start + j : c.range.start;
}

/** A tiny cursor over one comment's text, with source offsets. */
class Cursor {
  i = 0;
  constructor(
    readonly s: string,
    readonly base: number,
  ) {}
  ws(): void {
    while (isSpace(this.s[this.i])) this.i++;
  }
  eat(word: string): boolean {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return true;
    }
    return false;
  }
  word(): string {
    const st = this.i;
    while (this.i < this.s.length && /^[A-Za-z-]$/.test(this.s[this.i]!)) this.i++;
    return this.s.slice(st, this.i);
  }
  at(): number {
    return this.base + this.i;
  }
  rest(): string {
    return this.s.slice(this.i);
  }
  /** A comma-separated list of references (blanks allowed around commas). */
  list(): { text: string; range: Range }[] | string {
    const out: { text: string; range: Range }[] = [];
    for (;;) {
      const st = this.i;
      if (/^[A-Za-z0-9_]$/.test(this.s[this.i] ?? '')) while (isRefChar(this.s[this.i])) this.i++;
      if (this.i === st) return out.length === 0 ? 'expected a rule ID or name after "="' : 'expected a rule ID or name after ","';
      out.push({ text: this.s.slice(st, this.i), range: { start: this.base + st, end: this.base + this.i } });
      const save = this.i;
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        this.ws();
        continue;
      }
      this.i = save;
      return out;
    }
  }
}

interface RawPragma {
  readonly source: PragmaSource;
  readonly scope: PragmaScope;
  readonly refs: readonly { text: string; range: Range }[];
  readonly reason?: string;
  readonly comment: Comment | null;
  readonly range: Range;
}

type Parsed = RawPragma | { problem: SuppressionProblem } | { shell: string } | null;

const DOCKAUDIT_KINDS: Readonly<Record<string, PragmaScope>> = { ignore: 'instruction', 'ignore-stage': 'stage', 'ignore-file': 'file' };

function malformed(message: string, range: Range): { problem: SuppressionProblem } {
  return { problem: { code: 'malformed-pragma', severity: 'warning', message, range } };
}

/** Parses one comment; null when it is not a pragma at all. */
export function parsePragmaComment(c: Comment, src: SourceFile): Parsed {
  const cur = new Cursor(c.text, textOffset(c, src));
  cur.ws();
  const start = cur.at();
  const lineRange = c.range;
  if (cur.eat('dockaudit') && isSpace(cur.s[cur.i])) {
    cur.ws();
    const wordAt = cur.at();
    const kind = cur.word();
    if (!(kind in DOCKAUDIT_KINDS)) {
      const hint = suggestion(kind, Object.keys(DOCKAUDIT_KINDS));
      // prose such as "# dockaudit is great" is not a pragma; "ignor=", "ignore-stag=" are typos of one
      if (hint === '' && !kind.startsWith('ignore')) return null;
      return malformed(`unknown dockaudit pragma "${kind}"${hint} (expected ignore=, ignore-stage= or ignore-file=)`, { start: wordAt, end: cur.at() });
    }
    cur.ws();
    if (!cur.eat('=')) return malformed(`malformed dockaudit pragma: expected "=" after "${kind}" (e.g. # dockaudit ${kind}=DA501 -- reason)`, { start, end: lineRange.end });
    cur.ws();
    const refs = cur.list();
    if (typeof refs === 'string') return malformed(`malformed dockaudit pragma: ${refs}`, { start: cur.at(), end: lineRange.end });
    cur.ws();
    let reason: string | undefined;
    const rest = cur.rest();
    if (rest.startsWith('--')) {
      const r = rest.slice(2).trim();
      if (r !== '') reason = r;
    } else if (rest.trim() !== '') {
      return malformed(`malformed dockaudit pragma: unexpected "${rest.trim()}" after the rule list (write the reason after " -- ")`, { start: cur.at(), end: lineRange.end });
    }
    return { source: 'dockaudit', scope: DOCKAUDIT_KINDS[kind]!, refs, ...(reason !== undefined ? { reason } : {}), comment: c, range: lineRange };
  }
  cur.i = 0;
  cur.ws();
  if (cur.eat('hadolint') && isSpace(cur.s[cur.i])) {
    cur.ws();
    const wordAt = cur.at();
    let w = cur.word();
    let scope: PragmaScope = 'instruction';
    if (w === 'global' || w === 'stage') {
      scope = w === 'global' ? 'file' : 'stage';
      cur.ws();
      w = cur.word();
      if (w !== 'ignore') return malformed(`malformed hadolint pragma: expected "ignore=" after "${scope === 'file' ? 'global' : 'stage'}"`, { start: wordAt, end: lineRange.end });
    }
    if (w === 'shell') {
      cur.ws();
      if (!cur.eat('=')) return malformed('malformed hadolint pragma: expected "=" after "shell"', { start, end: lineRange.end });
      cur.ws();
      const st = cur.i;
      while (cur.i < cur.s.length && !isSpace(cur.s[cur.i])) cur.i++;
      const name = cur.s.slice(st, cur.i);
      if (name === '') return malformed('malformed hadolint pragma: expected a shell name after "shell="', { start, end: lineRange.end });
      return { shell: name };
    }
    if (w !== 'ignore') {
      // ordinary prose starting with "hadolint" is not a pragma; something with "=" was meant to be one
      if (!cur.rest().includes('=') && suggestion(w, ['ignore', 'global', 'stage', 'shell']) === '') return null;
      return malformed(`unknown hadolint pragma "${w}"${suggestion(w, ['ignore', 'global', 'stage', 'shell'])} (expected ignore=, global ignore=, stage ignore= or shell=)`, { start: wordAt, end: lineRange.end });
    }
    cur.ws();
    if (!cur.eat('=')) return malformed('malformed hadolint pragma: expected "=" after "ignore"', { start, end: lineRange.end });
    cur.ws();
    const refs = cur.list();
    if (typeof refs === 'string') return malformed(`malformed hadolint pragma: ${refs}`, { start: cur.at(), end: lineRange.end });
    cur.ws();
    const rest = cur.rest();
    let reason: string | undefined;
    if (rest.startsWith('#')) {
      const r = rest.slice(1).trim();
      if (r !== '') reason = r;
    } else if (rest.trim() !== '') {
      return malformed(`malformed hadolint pragma: unexpected "${rest.trim()}" after the rule list (hadolint ignores the whole pragma; put a reason after "#")`, { start: cur.at(), end: lineRange.end });
    }
    return { source: 'hadolint', scope, refs, ...(reason !== undefined ? { reason } : {}), comment: c, range: lineRange };
  }
  cur.i = 0;
  cur.ws();
  if (cur.eat('checkov:skip')) {
    if (!cur.eat('=')) return malformed('malformed checkov pragma: expected "checkov:skip=CKV_ID[:reason]"', { start, end: lineRange.end });
    const st = cur.i;
    while (cur.i < cur.s.length && /^[A-Za-z0-9_]$/.test(cur.s[cur.i]!)) cur.i++;
    if (cur.i === st) return malformed('malformed checkov pragma: expected a check ID after "checkov:skip="', { start, end: lineRange.end });
    const ref = { text: cur.s.slice(st, cur.i), range: { start: cur.base + st, end: cur.at() } };
    const rest = cur.rest();
    let reason: string | undefined;
    if (rest.startsWith(':')) {
      const r = rest.slice(1).trim();
      if (r !== '') reason = r;
    } else if (rest.trim() !== '') {
      return malformed(`malformed checkov pragma: unexpected "${rest.trim()}" after the check ID (write ":reason")`, { start: cur.at(), end: lineRange.end });
    }
    return { source: 'checkov', scope: 'file', refs: [ref], ...(reason !== undefined ? { reason } : {}), comment: c, range: lineRange };
  }
  cur.i = 0;
  cur.ws();
  if (/^check\s*=/i.test(cur.rest())) {
    return {
      problem: {
        code: 'ignored-directive',
        severity: 'warning',
        message: 'BuildKit reads "# check=" only in the directive block at the very top of the file; this comment has no effect',
        range: lineRange,
      },
    };
  }
  return null;
}

/** Parses the value of a `# check=` directive into skip references. */
function parseCheckDirective(value: string, valueStart: number, range: Range): { refs: { text: string; range: Range }[]; all: boolean } | { problem: SuppressionProblem } {
  const refs: { text: string; range: Range }[] = [];
  let all = false;
  let pos = 0;
  for (const part of value.split(';')) {
    const partStart = pos;
    pos += part.length + 1;
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (eq < 0) return malformed(`malformed check directive: expected key=value, got "${part.trim()}"`, range);
    const val = part.slice(eq + 1);
    if (key === 'error' || key === 'experimental') continue;
    if (key !== 'skip') return malformed(`malformed check directive: unknown key "${key}"${suggestion(key, ['skip', 'error', 'experimental'])}`, range);
    let off = partStart + eq + 1;
    for (const item of val.split(',')) {
      const t = item.trim();
      const lead = item.length - item.trimStart().length;
      if (t === '') {
        off += item.length + 1;
        continue;
      }
      if (t.toLowerCase() === 'all') all = true;
      else refs.push({ text: t, range: { start: valueStart + off + lead, end: valueStart + off + lead + t.length } });
      off += item.length + 1;
    }
  }
  return { refs, all };
}

function stageRange(ins: readonly Instruction[], from: Instruction, fileEnd: number): Range {
  const i = ins.indexOf(from);
  const next = ins.slice(i + 1).find((x) => x.kind === 'FROM');
  return { start: from.range.start, end: next === undefined ? fileEnd : Math.max(from.range.start, next.range.start - 1) };
}

/**
 * False for a comment `parsePragmaComment` certainly returns null for: every pragma starts (after blanks) with
 * `dockaudit`, `hadolint`, or `check` in any case (`check=`, `checkov:skip`). Most comments are prose; this skips the
 * cursor and source slicing for them (in the corpus, about 130 of the 2,890 comments starting with one of those letters).
 */
function mayBePragma(text: string): boolean {
  let i = 0;
  while (isSpace(text[i])) i++;
  const c = text[i];
  if (c === 'd') return text.startsWith('dockaudit', i);
  if (c === 'h') return text.startsWith('hadolint', i);
  return (c === 'c' || c === 'C') && text.slice(i, i + 5).toLowerCase() === 'check';
}

/** Reads every pragma of a Dockerfile. */
export function parseSuppressions(df: Dockerfile, rules: readonly Rule[], opts: SuppressionOptions = {}): ParsedSuppressions {
  const da102 = unusedSuppressionRule as unknown as Rule;
  let idx: ReturnType<typeof ruleIndexOf> | undefined;
  // only files with pragmas need the index
  const index = (): ReturnType<typeof ruleIndexOf> =>
    (idx ??= ruleIndexOf(rules.some((r) => r.meta.id === da102.meta.id) ? rules : [...rules, da102]));
  const problems: SuppressionProblem[] = [];
  const out: Suppression[] = [];
  let shell: string | null = null;
  const fileRange: Range = { start: 0, end: df.source.text.length };
  let owner: Map<number, Instruction> | undefined;
  const ownerOf = (c: Comment): Instruction | undefined => {
    if (owner === undefined) {
      owner = new Map();
      for (const ins of df.instructions) for (const c of ins.comments) owner.set(c.range.start, ins);
    }
    return owner.get(c.range.start);
  };

  const resolveRefs = (raw: readonly { text: string; range: Range }[], source: PragmaSource): SuppressionRef[] =>
    raw.map((r) => {
      const ruleIds = index().resolve(r.text).map((x) => x.meta.id);
      if (ruleIds.length === 0 && source === 'dockaudit') {
        problems.push({ code: 'unknown-rule', severity: 'warning', message: `unknown rule "${r.text}" in suppression${suggestion(r.text, index().names())}`, range: r.range });
      }
      return { text: r.text, range: r.range, ruleIds };
    });

  const accept = (p: RawPragma, target: Range): void => {
    if (opts.requireIgnoreReason === true && p.reason === undefined) {
      const how = p.source === 'dockaudit' ? ' -- reason' : p.source === 'hadolint' ? ' # reason' : p.source === 'checkov' ? ':reason' : '';
      problems.push({
        code: 'missing-reason',
        severity: 'warning',
        message:
          p.source === 'buildkit'
            ? 'suppression not applied: requireIgnoreReason is on and "# check=skip=" cannot carry a reason; use "# dockaudit ignore-file=… -- reason"'
            : `suppression not applied: requireIgnoreReason is on; add a reason ("${how.trim()}")`,
        range: p.range,
      });
      return;
    }
    out.push({ source: p.source, scope: p.scope, refs: resolveRefs(p.refs, p.source), ...(p.reason !== undefined ? { reason: p.reason } : {}), range: p.range, target });
  };

  for (const c of df.comments) {
    if (!mayBePragma(c.text)) continue;
    const p = parsePragmaComment(c, df.source);
    if (p === null) continue;
    if ('problem' in p) {
      problems.push(p.problem);
      continue;
    }
    if ('shell' in p) {
      shell = p.shell;
      continue;
    }
    if (opts.disableInlineIgnores === true) continue;
    if (p.scope === 'file') {
      accept(p, fileRange);
      continue;
    }
    const ins = ownerOf(c);
    if (ins === undefined) {
      problems.push({
        code: 'misplaced-pragma',
        severity: 'warning',
        message: `suppression has no effect: it must be on the line(s) directly above ${p.scope === 'stage' ? 'a FROM instruction' : 'an instruction'} (no blank line between)`,
        range: p.range,
      });
      continue;
    }
    if (p.scope === 'stage') {
      if (ins.kind !== 'FROM') {
        problems.push({ code: 'misplaced-pragma', severity: 'warning', message: `stage suppression has no effect: it must be directly above a FROM instruction, not ${ins.keyword}`, range: p.range });
        continue;
      }
      accept(p, stageRange(df.instructions, ins, fileRange.end));
      continue;
    }
    accept(p, { start: ins.range.start, end: ins.range.end });
  }
  if (opts.disableInlineIgnores !== true) {
    for (const d of df.directives) {
      if (d.name !== 'check') continue;
      const r = parseCheckDirective(d.value, d.valueRange.start, d.range);
      if ('problem' in r) {
        problems.push(r.problem);
        continue;
      }
      const refs = [...r.refs];
      if (r.all) {
        for (const rule of index().withPeerAlias('buildkit')) refs.push({ text: rule.meta.id, range: d.valueRange });
      }
      if (refs.length > 0) accept({ source: 'buildkit', scope: 'file', refs, comment: null, range: d.range }, fileRange);
    }
  }
  return { suppressions: out, problems, shell };
}

/** Targets are inclusive of their end offset (an empty finding at an instruction's end belongs to it). */
function covers(target: Range, f: Finding): boolean {
  return f.range.start >= target.start && f.range.start <= target.end;
}

const SCOPE_ORDER: Readonly<Record<PragmaScope, number>> = { instruction: 0, stage: 1, file: 2 };

/**
 * Marks suppressed findings and reports unused and malformed suppressions. `model` is accepted for future
 * scoping needs (stages are taken from the syntax tree).
 */
export function applySuppressions(
  findings: readonly Finding[],
  df: Dockerfile,
  _model: DockerfileModel | undefined,
  rules: readonly Rule[],
  opts: SuppressionOptions = {},
): SuppressionResult {
  const parsed = parseSuppressions(df, rules, opts);
  if (parsed.suppressions.length === 0) {
    // nothing can be suppressed or unused (most files)
    return { findings: findings.slice(), unused: [], problems: parsed.problems.slice(), suppressions: parsed.suppressions, shell: parsed.shell };
  }
  const sups = [...parsed.suppressions].sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope]);
  const used = new Set<SuppressionRef>();
  const match = (f: Finding, track: boolean): Suppression | undefined => {
    for (const s of sups) {
      if (!covers(s.target, f)) continue;
      const ref = s.refs.find((r) => r.ruleIds.includes(f.ruleId));
      if (ref === undefined) continue;
      if (track) used.add(ref);
      return s;
    }
    return undefined;
  };
  const out = findings.map((f) => {
    if (f.suppressed !== undefined) return f;
    const s = match(f, true);
    if (s === undefined) return f;
    return { ...f, suppressed: { kind: 'inSource' as const, ...(s.reason !== undefined ? { justification: s.reason } : {}) } };
  });
  const meta = unusedSuppressionRule.meta;
  const enabled = opts.enabledRuleIds ?? new Set([...rules.map((r) => r.meta.id), meta.id]);
  const unused: Finding[] = [];
  if (opts.disableInlineIgnores !== true && enabled.has(meta.id)) {
    for (const s of parsed.suppressions) {
      if (s.source !== 'dockaudit') continue;
      for (const r of s.refs) {
        if (used.has(r) || r.ruleIds.length === 0 || !r.ruleIds.some((id) => enabled.has(id))) continue;
        const f: Finding = {
          ruleId: meta.id,
          ruleName: meta.name,
          severity: opts.unusedSeverity ?? meta.severity,
          category: meta.category,
          message: meta.messages.unused({ ref: r.text, scope: s.scope }),
          messageId: 'unused',
          range: r.range,
          fix: { kind: 'safe', edits: [removeRefEdit(df.source, s, r)] },
        };
        if (match(f, false) === undefined) unused.push(f);
      }
    }
  }
  return { findings: out, unused, problems: parsed.problems.slice(), suppressions: parsed.suppressions, shell: parsed.shell };
}

/** The edit that removes one reference from a dockaudit pragma, or the whole comment line when it is the only one. */
function removeRefEdit(src: SourceFile, s: Suppression, r: SuppressionRef): { range: Range; text: string } {
  if (s.refs.length === 1) {
    const line = src.positionAt(s.range.start).line;
    const start = src.lineStarts[line - 1] ?? s.range.start;
    const next = src.lineStarts[line];
    return { range: { start, end: next ?? s.range.end }, text: '' };
  }
  const i = s.refs.indexOf(r);
  if (i < s.refs.length - 1) {
    // remove "REF," and blanks up to the next reference
    return { range: { start: r.range.start, end: s.refs[i + 1]!.range.start }, text: '' };
  }
  // last one: remove from the end of the previous reference (the comma and blanks go with it)
  return { range: { start: s.refs[i - 1]!.range.end, end: r.range.end }, text: '' };
}
