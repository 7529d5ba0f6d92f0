/**
 * Script parsing: tree-sitter-bash for POSIX shells, converted into the plain command model. Nested scripts
 * (`sh -c '…'`, `su -c '…'`, `eval '…'`, `bash <<EOF`) are parsed recursively with positions in the Dockerfile.
 */
import type { Node } from 'web-tree-sitter';
import { toSourceOffset, toSourceRange } from '../source.js';
import type { MappedSegment, MappedText } from '../source.js';
import { basename, resolveWrappers, ShellCommand, ShellScript } from './commands.js';
import type { Assignment } from './commands.js';
import { bashParser } from './loader.js';
import { toolKey } from './options.js';
import { tokenizeNonPosix } from './powershell.js';
import { UNKNOWN } from './types.js';
import type { Connector, Construct, ConstructKind, ParseOptions, Redirect, ShellKind, Word } from './types.js';
import { envLookup, literalWord, makeJoinedWord, makeWord, wordAsMappedText } from './words.js';
import type { Lookup } from './words.js';


const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const CONNECTORS: ReadonlySet<string> = new Set(['&&', '||', ';', '&', '|', '|&', ';;']);
const MAX_NESTING = 6;

/** Maps a Dockerfile SHELL executable (`/bin/bash`, `powershell.exe`, `cmd /S /C`) to a ShellKind. */
export function shellKindOf(executable: string): ShellKind {
  const b = basename(executable.replace(/\\/g, '/')).toLowerCase().replace(/\.exe$/, '');
  if (b === 'powershell' || b === 'pwsh') return 'powershell';
  if (b === 'cmd') return 'cmd';
  if (b === 'bash' || b === 'ash' || b === 'dash' || b === 'zsh') return b;
  return 'sh';
}

/** Parses a script (the text BuildKit hands to the shell). Requires `await initShell()` for POSIX shells. */
export function parseScript(script: MappedText, opts: ParseOptions): ShellScript {
  const range = scriptRange(script);
  if (opts.shell === 'powershell' || opts.shell === 'cmd') {
    const s = new ShellScript(opts.shell, false, script, range);
    tokenizeNonPosix(s, script, opts.shell);
    return s;
  }
  const s = new ShellScript(opts.shell, true, script, range);
  new Walker(s, script, envLookup(opts.env), 0, null).run();
  return s;
}

/**
 * Parses a heredoc body. A shebang decides the language: a shell (`#!/bin/sh`, `#!/usr/bin/env bash`) is parsed;
 * anything else (`#!/usr/bin/env python3`) gives an unparsed script with `language` set. Without a shebang the
 * body is a script for `opts.shell`.
 */
export function parseHeredocScript(body: MappedText, opts: ParseOptions): ShellScript {
  const interp = shebangInterpreter(body.text);
  if (interp !== null && !SHELLS.has(toolKey(interp))) {
    const kind: ShellKind | null = interp === 'pwsh' || interp === 'powershell' ? 'powershell' : null;
    if (kind !== null) return parseScript(body, { ...opts, shell: kind });
    const s = new ShellScript(opts.shell, false, body, scriptRange(body));
    s.language = interp;
    return s;
  }
  const shell = interp !== null ? shellKindOf(interp) : opts.shell;
  return parseScript(body, { ...opts, shell });
}

/** `#!/usr/bin/env -S python3 -u` → `python3`; `#!/bin/bash -e` → `bash`; null without a shebang. */
export function shebangInterpreter(text: string): string | null {
  if (!text.startsWith('#!')) return null;
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text.slice(2) : text.slice(2, nl)).trim();
  const parts = line.split(/[ \t]+/).filter((p) => p !== '');
  let k = 0;
  if (parts[0] !== undefined && basename(parts[0]) === 'env') {
    k = 1;
    while (parts[k] !== undefined && (parts[k]!.startsWith('-') || parts[k]!.includes('='))) k++;
  }
  const p = parts[k];
  return p === undefined ? null : basename(p);
}

function scriptRange(m: MappedText): { start: number; end: number } {
  return toSourceRange(m, 0, m.text.length);
}

/** A slice of a mapped text as a mapped text of its own. */
export function sliceMapped(m: MappedText, start: number, end: number): MappedText {
  const segs: MappedSegment[] = [];
  let cur: { at: number; src: number; length: number } | null = null;
  for (let i = start; i < end; i++) {
    const src = toSourceOffset(m, i);
    if (cur !== null && cur.src + cur.length === src) cur.length++;
    else {
      if (cur !== null) segs.push(cur);
      cur = { at: i - start, src, length: 1 };
    }
  }
  if (cur !== null) segs.push(cur);
  if (segs.length === 0) segs.push({ at: 0, src: toSourceOffset(m, start), length: 0 });
  return { text: m.text.slice(start, end), segments: segs };
}

const CONSTRUCTS: Readonly<Record<string, ConstructKind>> = {
  if_statement: 'if',
  for_statement: 'for',
  c_style_for_statement: 'for',
  while_statement: 'while',
  case_statement: 'case',
  subshell: 'subshell',
  compound_statement: 'group',
  function_definition: 'function',
  command_substitution: 'command-substitution',
  process_substitution: 'process-substitution',
  negated_command: 'negation',
};

/** Milliseconds the bash parser may spend on a script of `length` characters: 2 s plus 20 ms per KB. */
export function parseBudgetMs(length: number): number {
  return 2000 + length / 50;
}

/** Commands that, after `||`, make a failure harmless (`|| true`, `|| :`, `|| echo "warning"`, `|| exit 0`). */
const SUBST_HINT = /\$\(|`|[<>]\(/;

const GUARDS: ReadonlySet<string> = new Set(['true', ':', 'echo', 'printf']);

class Walker {
  private readonly cmds: ShellCommand[];
  /** Commands this walker created → their substitution depth. */
  private readonly mine = new Map<ShellCommand, number>();
  private readonly vars = new Map<string, string | typeof UNKNOWN>();
  private readonly lookup: Lookup;
  private enclosing: Construct[] = [];
  private depth = 0;
  private readonly heredocs = new Map<Redirect, [number, number]>();

  constructor(
    private readonly script: ShellScript,
    private readonly m: MappedText,
    outer: Lookup,
    private readonly nesting: number,
    private readonly parent: ShellCommand | null,
  ) {
    this.cmds = script.all;
    this.lookup = (name) => (this.vars.has(name) ? this.vars.get(name)! : outer(name));
  }

  run(): void {
    const parser = bashParser();
    // tree-sitter-bash slows down superlinearly on some inputs (thousands of heredocs in one command: 8,000 take
    // ~17 s); parsing stops at a deadline proportional to the script's size, far above what real scripts need
    // (well under 10 ms), and the script becomes an error value instead of a hang.
    const deadline = performance.now() + parseBudgetMs(this.m.text.length);
    const tree = parser.parse(this.m.text, null, { progressCallback: () => performance.now() > deadline });
    if (tree === null) {
      parser.reset(); // else the next parse would resume this one
      this.script.errors.push({ message: 'the shell parser gave up on this script (too slow to parse)', range: this.script.range });
      return;
    }
    try {
      this.visit(tree.rootNode);
    } catch (e) {
      // pathological nesting (tens of thousands of levels) exhausts the stack: keep what was collected
      if (!(e instanceof RangeError)) throw e;
      this.script.errors.push({ message: 'script too deeply nested to analyse completely', range: this.script.range });
    } finally {
      tree.delete();
    }
    this.cmds.forEach((c, i) => {
      c.id = i;
      // a guard on the runner (`sh -c '…' || true`) covers the nested script's commands
      if (c.parent !== null && c.parent.guarded) c.guarded = true;
    });
  }

  private r(n: Node) {
    return toSourceRange(this.m, n.startIndex, n.endIndex);
  }

  private word(n: Node): Word {
    return makeWord(n, this.m, this.lookup);
  }

  /** Commands this walker created at the current substitution depth, in [from, cmds.length). */
  private own(from: number): ShellCommand[] {
    const out: ShellCommand[] = [];
    for (let i = from; i < this.cmds.length; i++) {
      const c = this.cmds[i]!;
      if (this.mine.get(c) === this.depth) out.push(c);
    }
    return out;
  }

  private visit(n: Node): void {
    const t = n.type;
    if (n.isMissing) {
      this.script.errors.push({ message: `missing ${t}`, range: this.r(n) });
      return;
    }
    if (t === 'ERROR') this.script.errors.push({ message: 'shell syntax error', range: this.r(n) });
    switch (t) {
      case 'comment':
      case 'heredoc_body':
        return;
      case 'command':
        this.command(n, []);
        return;
      case 'redirected_statement':
        this.redirected(n);
        return;
      case 'test_command':
        this.test(n, []);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(n);
        return;
      case 'variable_assignment':
        this.assignment(n);
        return;
      case 'variable_assignments':
        for (const c of named(n)) this.visit(c);
        return;
      case 'pipeline':
      case 'list':
        this.chain(n);
        return;
    }
    let kind = CONSTRUCTS[t];
    if (kind === 'while' && n.child(0)?.type === 'until') kind = 'until';
    if (t === 'for_statement') {
      const v = n.childForFieldName('variable');
      if (v !== null) this.vars.set(v.text, UNKNOWN);
    }
    const subst = t === 'command_substitution' || t === 'process_substitution';
    if (kind !== undefined) this.enclosing = [...this.enclosing, { kind, range: this.r(n) }];
    if (subst) this.depth++;
    try {
      this.sequence(n);
    } finally {
      if (subst) this.depth--;
      if (kind !== undefined) this.enclosing = this.enclosing.slice(0, -1);
    }
  }

  /** Visits children in order, linking connectors between consecutive statements. */
  private sequence(n: Node): ShellCommand[][] {
    const groups: ShellCommand[][] = [];
    let prev: ShellCommand[] | null = null;
    let op: Connector | null = null;
    for (const c of n.children) {
      if (c === null) continue;
      if (!c.isNamed) {
        if (CONNECTORS.has(c.type)) op = c.type as Connector;
        else {
          prev = null;
          op = null;
        }
        continue;
      }
      if (c.type === 'comment' || c.type === 'heredoc_body') continue;
      const from = this.cmds.length;
      this.visit(c);
      const own = this.own(from);
      if (own.length === 0) continue;
      groups.push(own);
      if (prev !== null) {
        const conn = op ?? ';';
        prev[prev.length - 1]!.connectorAfter = conn;
        own[0]!.connectorBefore = conn;
      }
      prev = own;
      op = null;
    }
    if (prev !== null && op !== null) prev[prev.length - 1]!.connectorAfter = op;
    return groups;
  }

  /**
   * `list` and `pipeline` nodes. tree-sitter-bash 0.25 sometimes nests them against bash's precedence
   * (`a | b | c && d` comes out as `a | ((b | c) && d)`), so the operands and operators are flattened in source
   * order and regrouped: `|` binds tighter than `&&`/`||`, which are left-associative.
   */
  private chain(n: Node): void {
    const units: Node[] = [];
    const ops: string[] = [];
    // iterative: long `a && b && …` chains nest deeply
    const stack: Node[] = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x.type === 'list' || x.type === 'pipeline') {
        const kids = x.children.filter((c): c is Node => c !== null);
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
        continue;
      }
      if (!x.isNamed) {
        if (CONNECTORS.has(x.type)) ops.push(x.type);
        continue;
      }
      if (x.type === 'comment') continue;
      if (units.length > ops.length) ops.push(';');
      units.push(x);
    }
    // pipelines: runs of units joined by | or |&
    const pipelines: ShellCommand[][][] = [];
    const between: string[] = [];
    let cur: ShellCommand[][] = [];
    units.forEach((u, i) => {
      const from = this.cmds.length;
      this.visit(u);
      cur.push(this.own(from));
      const op = ops[i];
      if (op === '|' || op === '|&') return;
      pipelines.push(cur);
      cur = [];
      if (op !== undefined) between.push(op);
    });
    if (cur.length > 0) pipelines.push(cur);
    const flat: ShellCommand[][] = [];
    for (const p of pipelines) {
      const groups = p.filter((g) => g.length > 0);
      groups.forEach((g, i) => {
        for (const c of g) {
          c.pipelineIndex = i;
          c.pipelineLength = groups.length;
        }
        const nextG = groups[i + 1];
        if (nextG !== undefined) {
          const last = g[g.length - 1]!;
          last.stdoutTo = nextG[0]!;
          nextG[0]!.stdinFrom = last;
          last.connectorAfter = '|';
          nextG[0]!.connectorBefore = '|';
        }
      });
      flat.push(groups.flat());
    }
    for (let i = 1; i < flat.length; i++) {
      const prev = flat[i - 1]!;
      const next = flat[i]!;
      const op = (between[i - 1] ?? ';') as Connector;
      if (prev.length === 0 || next.length === 0) continue;
      prev[prev.length - 1]!.connectorAfter = op;
      next[0]!.connectorBefore = op;
      if (op === '||' && next.length === 1 && isGuard(next[0]!)) {
        for (let k = i - 1; k >= 0; k--) {
          for (const c of flat[k]!) c.guarded = true;
          if (k > 0 && between[k - 1] !== '&&' && between[k - 1] !== '||') break;
        }
      }
    }
  }

  private redirected(n: Node): void {
    const body = n.childForFieldName('body');
    const redirects: Redirect[] = [];
    for (const c of named(n)) if (c !== body && c.type.endsWith('redirect')) redirects.push(...this.redirect(c));
    if (body === null) return;
    if (body.type === 'command') this.command(body, redirects);
    else if (body.type === 'test_command') this.test(body, redirects);
    else if (body.type === 'list' || body.type === 'pipeline') {
      // tree-sitter-bash 0.25 parses `a && b > f` and `a | b > f` as `(a && b) > f`; in bash the redirection
      // belongs to the last command of the chain
      const from = this.cmds.length;
      this.visit(body);
      let last: ShellCommand | null = null;
      for (const c of this.own(from)) {
        if (last === null || c.range.end > last.range.end || (c.range.end === last.range.end && c.range.start < last.range.start)) last = c;
      }
      if (last !== null) last.redirects.push(...redirects);
    } else this.visit(body);
  }

  private redirect(n: Node): Redirect[] {
    const out: Redirect[] = [];
    const fdNode = n.childForFieldName('descriptor');
    const fd = fdNode === null ? null : Number(fdNode.text);
    let op = '';
    for (const c of n.children) if (c !== null && !c.isNamed) {
      op = c.type;
      break;
    }
    if (n.type === 'heredoc_redirect') {
      const body = named(n).find((c) => c.type === 'heredoc_body');
      const red: Redirect = { op, fd, target: null, heredoc: body === undefined ? '' : body.text, range: this.r(n) };
      if (body !== undefined) this.heredocs.set(red, [body.startIndex, body.endIndex]);
      out.push(red);
      for (const c of named(n)) if (c.type === 'file_redirect' || c.type === 'herestring_redirect') out.push(...this.redirect(c));
      return out;
    }
    const dest = n.childForFieldName('destination') ?? named(n).find((c) => c !== fdNode) ?? null;
    this.substitutions(n);
    out.push({ op, fd, target: dest === null ? null : this.word(dest), heredoc: null, range: this.r(n) });
    return out;
  }

  /** Walks the `$( )` / `<( )` inside word nodes (their commands run before the command). */
  private substitutions(n: Node): void {
    // most words hold no substitution: skip the (costly) walk over their nodes
    if (!SUBST_HINT.test(this.m.text.slice(n.startIndex, n.endIndex))) return;
    const stack: Node[] = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x.type === 'command_substitution' || x.type === 'process_substitution') {
        this.visit(x);
        continue;
      }
      const kids = named(x);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }

  private newCommand(n: Node, redirects: Redirect[]): ShellCommand {
    const c = new ShellCommand();
    c.raw = this.m.text.slice(n.startIndex, n.endIndex);
    c.range = this.r(n);
    c.redirects = redirects;
    c.enclosing = this.enclosing;
    c.inSubstitution = this.depth > 0;
    c.parent = this.parent;
    this.mine.set(c, this.depth);
    return c;
  }

  private command(n: Node, extra: Redirect[]): void {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    // argument nodes of the current word, when tree-sitter split it at a `$` (see makeJoinedWord)
    let joined: Node[] | null = null;
    for (const c of named(n)) {
      const prev = joined?.[joined.length - 1];
      if (c.type !== 'comment' && !c.type.endsWith('redirect') && c.type !== 'variable_assignment' && c.type !== 'command_name' && prev !== undefined && prev.endIndex === c.startIndex && this.m.text[prev.endIndex - 1] === '$') {
        this.substitutions(c);
        joined!.push(c);
        words[words.length - 1] = makeJoinedWord(joined!, this.m, this.lookup);
        continue;
      }
      joined = null;
      if (c.type === 'variable_assignment') {
        this.substitutions(c);
        const name = c.childForFieldName('name');
        const value = c.childForFieldName('value');
        assigns.push({ name: name?.text ?? '', value: value === null ? null : this.word(value), range: this.r(c) });
      } else if (c.type.endsWith('redirect')) redirects.push(...this.redirect(c));
      else if (c.type === 'command_name') {
        this.substitutions(c);
        const w = c.namedChildren[0];
        words.push(this.word(w ?? c));
      } else if (c.type !== 'comment') {
        this.substitutions(c);
        words.push(this.word(c));
        joined = [c];
      }
    }
    const cmd = this.newCommand(n, [...redirects, ...extra]);
    cmd.words = words;
    const res = resolveWrappers(words);
    cmd.wrappers = res.wrappers;
    cmd.assignments = [...assigns, ...res.assignments];
    const nameWord = words[res.index] ?? null;
    cmd.nameWord = nameWord;
    cmd.argv = words.slice(res.index);
    const nm = res.rename ?? (nameWord?.value == null ? null : basename(nameWord.value));
    cmd.name = nm;
    cmd.tool = nm === null ? null : toolKey(nm);
    this.cmds.push(cmd);
    if (cmd.name === 'read') for (const w of cmd.operands) if (w.value !== null) this.vars.set(w.value, UNKNOWN);
    this.nestedFor(cmd);
  }

  private test(n: Node, redirects: Redirect[]): void {
    this.substitutions(n);
    const first = n.child(0);
    const cmd = this.newCommand(n, redirects);
    const open = first?.type ?? '[';
    const words: Word[] = [literalWord(open, this.m, n.startIndex, n.startIndex + open.length)];
    const leaves = (x: Node): void => {
      for (const c of x.children) {
        if (c === null) continue;
        if (!c.isNamed) {
          if ((first !== null && c.startIndex === first.startIndex && c.type === first.type) || c.type === ']' || c.type === ']]' || c.type === '))') continue;
          if (c.type === '(' || c.type === ')') continue;
          words.push(literalWord(c.type, this.m, c.startIndex, c.endIndex));
          continue;
        }
        if (['binary_expression', 'unary_expression', 'parenthesized_expression', 'negated_expression', 'postfix_expression', 'ternary_expression'].includes(c.type)) leaves(c);
        else words.push(this.word(c));
      }
    };
    leaves(n);
    cmd.words = words;
    cmd.argv = words;
    cmd.nameWord = words[0]!;
    cmd.name = open;
    cmd.tool = open;
    cmd.isTest = true;
    this.cmds.push(cmd);
  }

  private declaration(n: Node): void {
    this.substitutions(n);
    const kw = n.child(0);
    const cmd = this.newCommand(n, []);
    const words: Word[] = [];
    if (kw !== null) words.push(literalWord(kw.type, this.m, kw.startIndex, kw.endIndex));
    for (const c of named(n)) {
      words.push(this.word(c));
      if (c.type === 'variable_assignment') {
        const name = c.childForFieldName('name')?.text;
        const value = c.childForFieldName('value');
        if (name !== undefined) {
          const v = value === null ? '' : this.word(value).value;
          this.vars.set(name, v === null ? UNKNOWN : v);
        }
      }
    }
    cmd.words = words;
    cmd.argv = words;
    cmd.nameWord = words[0] ?? null;
    cmd.name = kw?.type ?? null;
    cmd.tool = cmd.name;
    this.cmds.push(cmd);
  }

  private assignment(n: Node): void {
    this.substitutions(n);
    const name = n.childForFieldName('name')?.text;
    const value = n.childForFieldName('value');
    if (name === undefined) return;
    const append = n.children.some((c) => c !== null && c.type === '+=');
    const v = value === null ? '' : this.word(value).value;
    if (append) {
      const old = this.lookup(name);
      this.vars.set(name, v === null || old === UNKNOWN ? UNKNOWN : (old ?? '') + v);
    } else this.vars.set(name, v === null ? UNKNOWN : v);
  }

  /** Parses the script a command runs, when static: `sh -c`, `su -c`, `eval`, `bash <<EOF`. */
  private nestedFor(cmd: ShellCommand): void {
    if (this.nesting >= MAX_NESTING || cmd.tool === null) return;
    let text: MappedText | null = null;
    let kind: ShellKind | null = null;
    if (SHELLS.has(cmd.tool)) {
      if (cmd.hasFlag('-c') || cmd.options.some((o) => o.name.startsWith('-') && o.name.length === 2 && o.name === '-c')) {
        const w = cmd.operands[0];
        if (w !== undefined) text = wordAsMappedText(w);
      } else if (cmd.operands.length === 0 && !cmd.hasFlag('-s')) {
        const h = cmd.redirects.find((r) => r.heredoc !== null);
        if (h !== undefined) text = this.heredocText(cmd);
      }
    } else if (cmd.tool === 'su' || cmd.tool === 'runuser') {
      const w = cmd.flagValue('-c');
      if (w !== null) text = wordAsMappedText(w);
    } else if (cmd.tool === 'eval' && cmd.args.length === 1) {
      text = wordAsMappedText(cmd.args[0]!);
    } else if (/^(powershell|pwsh)(\.exe)?$/i.test(cmd.tool)) {
      const i = cmd.args.findIndex((w) => /^[-/](c|command)$/i.test(w.value ?? ''));
      if (i >= 0) {
        text = joinWords(cmd.args.slice(i + 1));
        kind = 'powershell';
      }
    }
    if (text === null) return;
    let inner: ShellScript;
    if (kind === 'powershell') {
      inner = parseScript(text, { shell: 'powershell' });
      for (const c of inner.all) c.parent = cmd;
    } else {
      inner = new ShellScript(this.script.kind, true, text, scriptRange(text));
      new Walker(inner, text, this.lookup, this.nesting + 1, cmd).run();
    }
    cmd.nested = inner;
    for (const c of inner.all) {
      c.enclosing = [...cmd.enclosing, ...c.enclosing];
      if (cmd.inSubstitution) c.inSubstitution = true;
      this.cmds.push(c);
    }
    this.script.errors.push(...inner.errors);
  }

  /** The heredoc body of a command as mapped text (tree-sitter keeps its offsets in the script). */
  private heredocText(cmd: ShellCommand): MappedText | null {
    // find the heredoc_body in the script text by re-parsing positions: the body follows the command's line
    const h = cmd.redirects.find((r) => r.heredoc !== null);
    const at = h === undefined ? undefined : this.heredocs.get(h);
    if (at === undefined) return null;
    return sliceMapped(this.m, at[0], at[1]);
  }
}

/** Static words joined by single spaces (each space mapped to the gap before the next word). */
function joinWords(words: readonly Word[]): MappedText | null {
  if (words.length === 0) return null;
  let text = '';
  const segs: MappedSegment[] = [];
  for (const w of words) {
    const m = wordAsMappedText(w);
    if (m === null) return null;
    if (text !== '') {
      segs.push({ at: text.length, src: Math.max(0, w.range.start - 1), length: 1 });
      text += ' ';
    }
    for (const sg of m.segments) segs.push({ at: text.length + sg.at, src: sg.src, length: sg.length });
    text += m.text;
  }
  return { text, segments: segs };
}


function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

function isGuard(c: ShellCommand): boolean {
  if (c.name === null) return false;
  if (GUARDS.has(c.name)) return true;
  return (c.name === 'exit' || c.name === 'return') && c.args[0]?.value === '0';
}

