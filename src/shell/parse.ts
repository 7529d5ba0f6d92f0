/**
 * Script parsing: tree-sitter-bash for POSIX shells, converted into the plain command model. Nested scripts
 * (`sh -c '…'`, `su -c '…'`, `eval '…'`, `bash <<EOF`) are parsed recursively with positions in the Dockerfile.
 */
import { toSourceOffset, toSourceRange } from '../source.js';
import type { MappedSegment, MappedText } from '../source.js';
import { basename, resolveWrappers, ShellCommand, ShellScript } from './commands.js';
import type { Assignment } from './commands.js';
import { bashParser, bashTables, cursorBinding, memoryReader } from './loader.js';
import { toolKey } from './options.js';
import { tokenizeNonPosix } from './powershell.js';
import { NONE, readTree, SyntaxTree, TreeCache } from './tree.js';
import type { NodeId } from './tree.js';
import { UNKNOWN } from './types.js';
import type { Connector, Construct, ConstructKind, ParseOptions, Redirect, ShellKind, Word } from './types.js';
import { envLookup, literalWord, makeJoinedWord, makeWord, wordAsMappedText } from './words.js';
import type { Lookup } from './words.js';


const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const CONNECTORS: ReadonlySet<string> = new Set(['&&', '||', ';', '&', '|', '|&', ';;']);
const MAX_NESTING = 6;
/** The redirections a command without any is handed (read only: one list instead of an empty array per command). */
const NO_REDIRECTS: readonly Redirect[] = Object.freeze([]);

/** Maps a Dockerfile SHELL executable (`/bin/bash`, `powershell.exe`, `cmd /S /C`) to a ShellKind. */
export function shellKindOf(executable: string): ShellKind {
  // asked once per RUN/CMD/COPY/… instruction, nearly always with the same executable
  if (executable === lastExecutable) return lastKind;
  lastKind = shellKindOfUncached(executable);
  lastExecutable = executable;
  return lastKind;
}
let lastExecutable = '/bin/sh';
let lastKind: ShellKind = 'sh';

function shellKindOfUncached(executable: string): ShellKind {
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
  return { text: m.text.slice(start, end), segments: segs.slice() }; // exact size: kept with the nested script
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

const GUARDS: ReadonlySet<string> = new Set(['true', ':', 'echo', 'printf']);

/** Expression nodes of `[[ … ]]` / `(( … ))` whose leaves become the test command's words. */
const EXPRESSIONS: ReadonlySet<string> = new Set(['binary_expression', 'unary_expression', 'parenthesized_expression', 'negated_expression', 'postfix_expression', 'ternary_expression']);

/**
 * The syntax tree of a script, or null when the parser gave up at its deadline. tree-sitter-bash slows down
 * superlinearly on some inputs (thousands of heredocs in one command: 8,000 take ~17 s); parsing stops at a
 * deadline proportional to the script's size, far above what real scripts need (well under 10 ms), and the script
 * becomes an error value instead of a hang.
 */
function syntaxTree(text: string): SyntaxTree | null {
  const cached = trees.get(text);
  if (cached !== undefined) return cached;
  const parser = bashParser();
  const deadline = performance.now() + parseBudgetMs(text.length);
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  if (tree === null) {
    parser.reset(); // else the next parse would resume this one
    return null;
  }
  try {
    const t = memoryReader()?.read(tree, text) ?? readTree(tree, text, bashTables(), cursorBinding());
    trees.set(text, t);
    return t;
  } finally {
    tree.delete();
  }
}

/** Trees of recent scripts (about 5 MB at most: 20 bytes per node, one node per ~5 characters). */
const trees = new TreeCache(4096, 1 << 20, 1 << 16);

/** Forgets the cached syntax trees (benchmarks measure a cold pass with it). */
export function clearTreeCache(): void {
  trees.clear();
}

class Walker {
  private readonly cmds: ShellCommand[];
  /** Per command of `cmds` (same index): the substitution depth it was created at, or -1 for commands of nested
   * scripts (created by another walker). */
  private readonly depths: number[] = [];
  /** Variables the script assigns (`vars` is made on the first assignment: most scripts assign none). A holder object
   * rather than a field, so that `lookup`, which outlives the walker (nested scripts and expansions keep it), closes
   * over it and not over the walker: V8's scavenger kept a dead walker alive through an arrow function over it, and
   * with it the script and all its commands (docs/performance.md, "what survives a scavenge"). */
  private readonly assigned: { vars: Map<string, string | typeof UNKNOWN> | null } = { vars: null };
  private readonly lookup: Lookup;
  private enclosing: Construct[] = [];
  private depth = 0;
  /** Script offsets of the here-document bodies of redirects (made on the first one). */
  private heredocs: Map<Redirect, [number, number]> | null = null;
  /** Scratch stack of `chain`. */
  private readonly chainStack: NodeId[] = [];
  /** The script's syntax tree (set by `run`). */
  private t!: SyntaxTree;

  constructor(
    private readonly script: ShellScript,
    private readonly m: MappedText,
    outer: Lookup,
    private readonly nesting: number,
    private readonly parent: ShellCommand | null,
  ) {
    this.cmds = script.all;
    const assigned = this.assigned;
    this.lookup = (name) => {
      const vars = assigned.vars;
      return vars !== null && vars.has(name) ? vars.get(name)! : outer(name);
    };
  }

  run(): void {
    const tree = syntaxTree(this.m.text);
    if (tree === null) {
      this.script.errors.push({ message: 'the shell parser gave up on this script (too slow to parse)', range: this.script.range });
      return;
    }
    this.t = tree;
    try {
      this.visit(SyntaxTree.ROOT);
    } catch (e) {
      // pathological nesting (tens of thousands of levels) exhausts the stack: keep what was collected
      if (!(e instanceof RangeError)) throw e;
      this.script.errors.push({ message: 'script too deeply nested to analyse completely', range: this.script.range });
    }
    const cmds = this.cmds;
    for (let i = 0; i < cmds.length; i++) {
      const c = cmds[i]!;
      c.id = i;
      // a guard on the runner (`sh -c '…' || true`) covers the nested script's commands
      if (c.parent !== null && c.parent.guarded) c.guarded = true;
    }
  }

  private setVar(name: string, value: string | typeof UNKNOWN): void {
    (this.assigned.vars ??= new Map()).set(name, value);
  }

  private r(n: NodeId) {
    return toSourceRange(this.m, this.t.start(n), this.t.end(n));
  }

  private word(n: NodeId): Word {
    return makeWord(this.t, n, this.m, this.lookup);
  }

  private add(c: ShellCommand, depth: number): void {
    this.cmds.push(c);
    this.depths.push(depth);
  }

  // A statement's own commands are those this walker created at the current substitution depth: in `cmds` they lie
  // in the index range the statement's visit appended, among commands of deeper substitutions and nested scripts.
  // They are found by index instead of being copied into an array per statement (an array per statement and per
  // pipeline element was a large share of the walker's garbage).

  /** Index of the first own command in [from, to), or -1. */
  private firstOwn(from: number, to: number): number {
    const depths = this.depths;
    for (let i = from; i < to; i++) if (depths[i] === this.depth) return i;
    return -1;
  }

  /** Index of the last own command in [from, to), or -1. */
  private lastOwn(from: number, to: number): number {
    const depths = this.depths;
    for (let i = to - 1; i >= from; i--) if (depths[i] === this.depth) return i;
    return -1;
  }

  private visit(n: NodeId): void {
    const tree = this.t;
    const t = tree.type(n);
    if (tree.isMissing(n)) {
      this.script.errors.push({ message: `missing ${t}`, range: this.r(n) });
      return;
    }
    if (t === 'ERROR') this.script.errors.push({ message: 'shell syntax error', range: this.r(n) });
    switch (t) {
      case 'comment':
      case 'heredoc_body':
        return;
      case 'command':
        this.command(n, NO_REDIRECTS);
        return;
      case 'redirected_statement':
        this.redirected(n);
        return;
      case 'test_command':
        this.test(n, NO_REDIRECTS);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(n);
        return;
      case 'variable_assignment':
        this.assignment(n);
        return;
      case 'variable_assignments':
        for (const c of tree.namedChildren(n)) this.visit(c);
        return;
      case 'pipeline':
      case 'list':
        this.chain(n);
        return;
    }
    this.construct(n, t);
  }

  /** `visit` for the other nodes: compound commands, substitutions, and nodes that only hold statements. (Kept out of
   * `visit`, which runs for every statement node: its frame is smaller without this part.) */
  private construct(n: NodeId, t: string): void {
    const tree = this.t;
    let kind = CONSTRUCTS[t];
    if (kind === 'while') {
      const first = tree.firstChild(n);
      if (first !== NONE && tree.type(first) === 'until') kind = 'until';
    }
    if (t === 'for_statement') {
      const v = tree.childForField(n, 'variable');
      if (v !== NONE) this.setVar(tree.textOf(v), UNKNOWN);
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
  private sequence(n: NodeId): void {
    const tree = this.t;
    const cmds = this.cmds;
    /** The last own command of the previous statement, or null. */
    let prev: ShellCommand | null = null;
    let op: Connector | null = null;
    for (let c = tree.firstChild(n); c !== NONE; c = tree.nextSibling(c)) {
      const type = tree.type(c);
      if (!tree.isNamed(c)) {
        if (CONNECTORS.has(type)) op = type as Connector;
        else {
          prev = null;
          op = null;
        }
        continue;
      }
      if (type === 'comment' || type === 'heredoc_body') continue;
      const from = cmds.length;
      this.visit(c);
      const first = this.firstOwn(from, cmds.length);
      if (first < 0) continue;
      if (prev !== null) {
        const conn = op ?? ';';
        prev.connectorAfter = conn;
        cmds[first]!.connectorBefore = conn;
      }
      prev = cmds[this.lastOwn(first, cmds.length)]!;
      op = null;
    }
    if (prev !== null && op !== null) prev.connectorAfter = op;
  }

  /**
   * `list` and `pipeline` nodes. tree-sitter-bash 0.25 sometimes nests them against bash's precedence
   * (`a | b | c && d` comes out as `a | ((b | c) && d)`), so the operands and operators are flattened in source
   * order and regrouped: `|` binds tighter than `&&`/`||`, which are left-associative.
   */
  private chain(n: NodeId): void {
    const tree = this.t;
    const unitNodes: NodeId[] = [];
    const ops: string[] = [];
    // iterative: long `a && b && …` chains nest deeply. The stack is empty again before any unit is visited, so one
    // array serves every chain of the walker (nested chains run during those visits).
    const stack = this.chainStack;
    stack.push(n);
    while (stack.length > 0) {
      const x = stack.pop()!;
      const type = tree.type(x);
      if (type === 'list' || type === 'pipeline') {
        // the children, last first (pushed in order, then that part of the stack reversed: no array per node)
        let lo = stack.length;
        for (let c = tree.firstChild(x); c !== NONE; c = tree.nextSibling(c)) stack.push(c);
        for (let hi = stack.length - 1; lo < hi; lo++, hi--) {
          const t = stack[lo]!;
          stack[lo] = stack[hi]!;
          stack[hi] = t;
        }
        continue;
      }
      if (!tree.isNamed(x)) {
        if (CONNECTORS.has(type)) ops.push(type);
        continue;
      }
      if (type === 'comment') continue;
      if (unitNodes.length > ops.length) ops.push(';');
      unitNodes.push(x);
    }
    // pipelines: runs of units joined by | or |&. Each pipeline is kept as the index range [from, to) of `cmds` its
    // units appended (its commands: the own ones in that range; none when it has none), `between` has the operators
    // between pipelines. `groups` holds the ranges of the current pipeline's units that have own commands.
    const cmds = this.cmds;
    const pFrom: number[] = [];
    const pTo: number[] = [];
    const between: string[] = [];
    // `groups[0 .. g)`: emptied by resetting `g` (setting an array's length to 0 is a runtime call that trims its
    // backing store: 16 ms of a warm corpus pass, more than the rest of this function)
    const groups: number[] = [];
    let g = 0;
    let pipeStart = cmds.length;
    let units = 0;
    for (let i = 0; i < unitNodes.length; i++) {
      const from = cmds.length;
      this.visit(unitNodes[i]!);
      if (this.firstOwn(from, cmds.length) >= 0) {
        groups[g++] = from;
        groups[g++] = cmds.length;
      }
      units++;
      const op = ops[i];
      if (op === '|' || op === '|&') continue;
      this.pipeline(groups, g);
      pFrom.push(pipeStart);
      pTo.push(cmds.length);
      pipeStart = cmds.length;
      g = 0;
      units = 0;
      if (op !== undefined) between.push(op);
    }
    if (units > 0) {
      this.pipeline(groups, g);
      pFrom.push(pipeStart);
      pTo.push(cmds.length);
    }
    for (let i = 1; i < pFrom.length; i++) {
      const op = (between[i - 1] ?? ';') as Connector;
      const prevLast = this.lastOwn(pFrom[i - 1]!, pTo[i - 1]!);
      const nextFirst = this.firstOwn(pFrom[i]!, pTo[i]!);
      if (prevLast < 0 || nextFirst < 0) continue;
      cmds[prevLast]!.connectorAfter = op;
      const next = cmds[nextFirst]!;
      next.connectorBefore = op;
      if (op === '||' && this.lastOwn(nextFirst, pTo[i]!) === nextFirst && isGuard(next)) {
        for (let k = i - 1; k >= 0; k--) {
          for (let j = pFrom[k]!; j < pTo[k]!; j++) if (this.depths[j] === this.depth) cmds[j]!.guarded = true;
          if (k > 0 && between[k - 1] !== '&&' && between[k - 1] !== '||') break;
        }
      }
    }
  }

  /**
   * Links the commands of one pipeline: `groups[0 .. count)` holds the [from, to) index ranges of its elements (those
   * with own commands), in order.
   */
  private pipeline(groups: readonly number[], count: number): void {
    const cmds = this.cmds;
    const depths = this.depths;
    const length = count / 2;
    for (let g = 0; g < length; g++) {
      const from = groups[2 * g]!;
      const to = groups[2 * g + 1]!;
      for (let j = from; j < to; j++) {
        if (depths[j] !== this.depth) continue;
        cmds[j]!.pipelineIndex = g;
        cmds[j]!.pipelineLength = length;
      }
      if (g + 1 < length) {
        const last = cmds[this.lastOwn(from, to)]!;
        const next = cmds[this.firstOwn(groups[2 * g + 2]!, groups[2 * g + 3]!)]!;
        last.stdoutTo = next;
        next.stdinFrom = last;
        last.connectorAfter = '|';
        next.connectorBefore = '|';
      }
    }
  }

  private redirected(n: NodeId): void {
    const tree = this.t;
    const body = tree.childForField(n, 'body');
    const redirects: Redirect[] = [];
    for (const c of tree.namedChildren(n)) if (c !== body && tree.type(c).endsWith('redirect')) redirects.push(...this.redirect(c));
    if (body === NONE) return;
    const bodyType = tree.type(body);
    if (bodyType === 'command') this.command(body, redirects);
    else if (bodyType === 'test_command') this.test(body, redirects);
    else if (bodyType === 'list' || bodyType === 'pipeline') {
      // tree-sitter-bash 0.25 parses `a && b > f` and `a | b > f` as `(a && b) > f`; in bash the redirection
      // belongs to the last command of the chain
      const from = this.cmds.length;
      this.visit(body);
      let last: ShellCommand | null = null;
      for (let i = from; i < this.cmds.length; i++) {
        if (this.depths[i] !== this.depth) continue;
        const c = this.cmds[i]!;
        if (last === null || c.range.end > last.range.end || (c.range.end === last.range.end && c.range.start < last.range.start)) last = c;
      }
      if (last !== null && redirects.length > 0) last.redirects = [...last.redirects, ...redirects];
    } else this.visit(body);
  }

  private redirect(n: NodeId): Redirect[] {
    const tree = this.t;
    const out: Redirect[] = [];
    const fdNode = tree.childForField(n, 'descriptor');
    const fd = fdNode === NONE ? null : Number(tree.textOf(fdNode));
    let op = '';
    for (let c = tree.firstChild(n); c !== NONE; c = tree.nextSibling(c)) {
      if (!tree.isNamed(c)) {
        op = tree.type(c);
        break;
      }
    }
    if (tree.type(n) === 'heredoc_redirect') {
      let body = NONE;
      for (let c = tree.firstChild(n); c !== NONE && body === NONE; c = tree.nextSibling(c)) if (tree.isNamed(c) && tree.type(c) === 'heredoc_body') body = c;
      const red: Redirect = { op, fd, target: null, heredoc: body === NONE ? '' : tree.textOf(body), range: this.r(n) };
      if (body !== NONE) (this.heredocs ??= new Map()).set(red, [tree.start(body), tree.end(body)]);
      out.push(red);
      for (const c of tree.namedChildren(n)) {
        const type = tree.type(c);
        if (type === 'file_redirect' || type === 'herestring_redirect') out.push(...this.redirect(c));
      }
      return out;
    }
    // Without a destination field the first named child is the target, even when it is the descriptor: the
    // web-tree-sitter version of this code compared fresh wrapper objects there, which never matched, and the
    // findings depend on that choice.
    let dest = tree.childForField(n, 'destination');
    if (dest === NONE) dest = tree.firstNamedChild(n);
    this.substitutions(n);
    out.push({ op, fd, target: dest === NONE ? null : this.word(dest), heredoc: null, range: this.r(n) });
    return out;
  }

  /** Walks the `$( )` / `<( )` inside word nodes (their commands run before the command). */
  private substitutions(n: NodeId): void {
    const tree = this.t;
    // most words hold no substitution: skip the walk over their nodes (the tree knows where its substitutions start)
    if (!tree.hasSubstitutionIn(tree.start(n), tree.end(n))) return;
    const stack: NodeId[] = [n];
    while (stack.length > 0) {
      const x = stack.pop()!;
      const type = tree.type(x);
      if (type === 'command_substitution' || type === 'process_substitution') {
        this.visit(x);
        continue;
      }
      const kids = tree.namedChildren(x);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }

  private newCommand(n: NodeId, redirects: readonly Redirect[]): ShellCommand {
    const c = new ShellCommand();
    c.raw = this.t.textOf(n);
    c.range = this.r(n);
    // without redirections the command keeps the shared empty list (most commands: an empty array each was garbage
    // kept with the model)
    if (redirects.length > 0) c.redirects = redirects;
    c.enclosing = this.enclosing;
    if (this.depth > 0) c.inSubstitution = true;
    if (this.parent !== null) c.parent = this.parent;
    return c;
  }

  private command(n: NodeId, extra: readonly Redirect[]): void {
    const tree = this.t;
    const text = this.m.text;
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    // the argument nodes of the current word (first..last), when tree-sitter split it at a `$` (see
    // makeJoinedWord); `parts` lists them once a word has more than one
    let first = NONE;
    let last = NONE;
    let parts: NodeId[] | null = null;
    for (let c = tree.firstChild(n); c !== NONE; c = tree.nextSibling(c)) {
      if (!tree.isNamed(c)) continue;
      const type = tree.type(c);
      const isRedirect = type.endsWith('redirect');
      if (type !== 'comment' && !isRedirect && type !== 'variable_assignment' && type !== 'command_name' && last !== NONE && tree.end(last) === tree.start(c) && text[tree.end(last) - 1] === '$') {
        this.substitutions(c);
        parts ??= [first];
        parts.push(c);
        last = c;
        words[words.length - 1] = makeJoinedWord(tree, parts, this.m, this.lookup);
        continue;
      }
      first = last = NONE;
      parts = null;
      if (type === 'variable_assignment') {
        this.substitutions(c);
        const name = tree.childForField(c, 'name');
        const value = tree.childForField(c, 'value');
        assigns.push({ name: name === NONE ? '' : tree.textOf(name), value: value === NONE ? null : this.word(value), range: this.r(c) });
      } else if (isRedirect) redirects.push(...this.redirect(c));
      else if (type === 'command_name') {
        this.substitutions(c);
        const w = tree.firstNamedChild(c);
        words.push(this.word(w === NONE ? c : w));
      } else if (type !== 'comment') {
        this.substitutions(c);
        words.push(this.word(c));
        first = last = c;
      }
    }
    const cmd = this.newCommand(n, extra.length === 0 ? redirects : [...redirects, ...extra]);
    // exact-size copies of the lists the command keeps (an array grown by `push` has room for 16 more elements:
    // 100 bytes more per command and model), and the shared empty list for no assignments (most commands)
    const kept = words.slice();
    cmd.words = kept;
    const res = resolveWrappers(kept);
    cmd.wrappers = res.wrappers;
    if (res.assignments.length > 0) cmd.assignments = [...assigns, ...res.assignments];
    else if (assigns.length > 0) cmd.assignments = assigns.slice();
    const nameWord = kept[res.index] ?? null;
    cmd.nameWord = nameWord;
    // without a wrapper (most commands) argv is the word list itself, as for test commands
    cmd.argv = res.index === 0 ? kept : kept.slice(res.index);
    cmd.name = res.name;
    cmd.tool = res.tool;
    this.add(cmd, this.depth);
    if (cmd.name === 'read') for (const w of cmd.operands) if (w.value !== null) this.setVar(w.value, UNKNOWN);
    // (the cheap test first: most commands run no nested script, and entering nestedFor, a large function, for each
    // of them showed in cold profiles)
    const tool = cmd.tool;
    if (this.nesting < MAX_NESTING && tool !== null && mayRunScript(tool)) this.nestedFor(cmd, tool);
  }

  private test(n: NodeId, redirects: readonly Redirect[]): void {
    const tree = this.t;
    this.substitutions(n);
    const first = tree.firstChild(n);
    const cmd = this.newCommand(n, redirects);
    const open = first === NONE ? '[' : tree.type(first);
    const words: Word[] = [literalWord(open, this.m, tree.start(n), tree.start(n) + open.length)];
    const leaves = (x: NodeId): void => {
      for (let c = tree.firstChild(x); c !== NONE; c = tree.nextSibling(c)) {
        const type = tree.type(c);
        if (!tree.isNamed(c)) {
          if ((first !== NONE && tree.start(c) === tree.start(first) && type === open) || type === ']' || type === ']]' || type === '))') continue;
          if (type === '(' || type === ')') continue;
          words.push(literalWord(type, this.m, tree.start(c), tree.end(c)));
          continue;
        }
        if (EXPRESSIONS.has(type)) leaves(c);
        else words.push(this.word(c));
      }
    };
    leaves(n);
    cmd.words = cmd.argv = words.slice(); // exact size (see command)
    cmd.nameWord = words[0]!;
    cmd.name = open;
    cmd.tool = open;
    cmd.isTest = true;
    this.add(cmd, this.depth);
  }

  private declaration(n: NodeId): void {
    const tree = this.t;
    this.substitutions(n);
    const kw = tree.firstChild(n);
    const cmd = this.newCommand(n, NO_REDIRECTS);
    const words: Word[] = [];
    if (kw !== NONE) words.push(literalWord(tree.type(kw), this.m, tree.start(kw), tree.end(kw)));
    for (const c of tree.namedChildren(n)) {
      words.push(this.word(c));
      if (tree.type(c) === 'variable_assignment') {
        const name = tree.childForField(c, 'name');
        const value = tree.childForField(c, 'value');
        if (name !== NONE) {
          const v = value === NONE ? '' : this.word(value).value;
          this.setVar(tree.textOf(name), v === null ? UNKNOWN : v);
        }
      }
    }
    cmd.words = cmd.argv = words.slice(); // exact size (see command)
    cmd.nameWord = words[0] ?? null;
    cmd.name = kw === NONE ? null : tree.type(kw);
    cmd.tool = cmd.name;
    this.add(cmd, this.depth);
  }

  private assignment(n: NodeId): void {
    const tree = this.t;
    this.substitutions(n);
    const nameNode = tree.childForField(n, 'name');
    const value = tree.childForField(n, 'value');
    if (nameNode === NONE) return;
    const name = tree.textOf(nameNode);
    let append = false;
    for (let c = tree.firstChild(n); c !== NONE; c = tree.nextSibling(c)) if (tree.type(c) === '+=') append = true;
    const v = value === NONE ? '' : this.word(value).value;
    if (append) {
      const old = this.lookup(name);
      this.setVar(name, v === null || old === UNKNOWN ? UNKNOWN : (old ?? '') + v);
    } else this.setVar(name, v === null ? UNKNOWN : v);
  }

  /**
   * Parses the script a command runs, when static: `sh -c`, `su -c`, `eval`, `bash <<EOF`. Called below the nesting
   * limit, for a command whose tool key is `tool` and passes `mayRunScript`.
   */
  private nestedFor(cmd: ShellCommand, tool: string): void {
    let text: MappedText | null = null;
    let kind: ShellKind | null = null;
    if (SHELLS.has(tool)) {
      if (cmd.hasFlag('-c') || cmd.options.some((o) => o.name.startsWith('-') && o.name.length === 2 && o.name === '-c')) {
        const w = cmd.operands[0];
        if (w !== undefined) text = wordAsMappedText(w);
      } else if (cmd.operands.length === 0 && !cmd.hasFlag('-s')) {
        const h = cmd.redirects.find((r) => r.heredoc !== null);
        if (h !== undefined) text = this.heredocText(cmd);
      }
    } else if (tool === 'su' || tool === 'runuser') {
      const w = cmd.flagValue('-c');
      if (w !== null) text = wordAsMappedText(w);
    } else if (tool === 'eval' && cmd.args.length === 1) {
      text = wordAsMappedText(cmd.args[0]!);
    } else if ((tool.charCodeAt(0) | 0x20) === 0x70 /* p, P */ && /^(powershell|pwsh)(\.exe)?$/i.test(tool)) {
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
      if (cmd.enclosing.length > 0) c.enclosing = [...cmd.enclosing, ...c.enclosing];
      if (cmd.inSubstitution) c.inSubstitution = true;
      this.add(c, -1);
    }
    this.script.errors.push(...inner.errors);
  }

  /** The heredoc body of a command as mapped text (tree-sitter keeps its offsets in the script). */
  private heredocText(cmd: ShellCommand): MappedText | null {
    // find the heredoc_body in the script text by re-parsing positions: the body follows the command's line
    const h = cmd.redirects.find((r) => r.heredoc !== null);
    const at = h === undefined ? undefined : this.heredocs?.get(h);
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


/** Whether `nestedFor` looks at a command of this tool key: shells, `su`, `runuser`, `eval`, PowerShell. */
function mayRunScript(tool: string): boolean {
  return SHELLS.has(tool) || tool === 'su' || tool === 'runuser' || tool === 'eval' || (tool.charCodeAt(0) | 0x20) === 0x70 /* p, P */;
}

function isGuard(c: ShellCommand): boolean {
  if (c.name === null) return false;
  if (GUARDS.has(c.name)) return true;
  return (c.name === 'exit' || c.name === 'return') && c.args[0]?.value === '0';
}
