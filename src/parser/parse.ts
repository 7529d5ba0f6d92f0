/**
 * Dockerfile text → syntax tree, deciding everything exactly as BuildKit's parser (moby/buildkit
 * frontend/dockerfile/parser `Parse`) does: directives, escape character, line continuations, comment and empty
 * lines inside continuations, heredocs, flags, JSON vs shell form, per-keyword argument strings. Where BuildKit stops
 * with an error, this records an `error` diagnostic and goes on, so a tree is always returned. Never throws.
 */
import type { MappedSegment, MappedText, Range, SourceFile } from '../source.js';
import { toSourceRange } from '../source.js';
import type {
  Arg,
  ArgDefinition,
  Comment,
  CommandLine,
  Directive,
  Dockerfile,
  EscapeChar,
  Flag,
  Heredoc,
  Instruction,
  KeyValue,
  ParseDiagnostic,
} from './ast.js';
import { DirectiveParser } from './directives.js';
import { heredocsFromLine } from './heredoc.js';
import type { LineParser, ParsedArgs, Piece } from './lines.js';
import { DISPATCH, parseIgnore, splitCommand } from './lines.js';
import { isSpace, trimStartAt } from './text.js';

/** BuildKit's scanner refuses longer lines (bufio.MaxScanTokenSize - 1 bytes). */
const MAX_LINE_BYTES = 64 * 1024 - 1;

/** One physical line: [start, end) without its line terminator (trailing `\r`/`\n` run), next = start of the next. */
interface PhysLine {
  start: number;
  end: number;
  next: number;
}

/**
 * Reads the line at `at` into `into` (one record reused for every line of a file: an object per physical line was
 * garbage, and nothing keeps a line past the next read).
 */
function readLine(text: string, at: number, into: PhysLine): PhysLine {
  let nl = text.indexOf('\n', at);
  const next = nl < 0 ? text.length : nl + 1;
  if (nl < 0) nl = text.length;
  let end = nl;
  while (end > at && text.charCodeAt(end - 1) === 13) end--;
  into.start = at;
  into.end = end;
  into.next = next;
  return into;
}

/**
 * Builds a MappedText from source slices in linear time. Only the segments are kept while lines are added; the text
 * is cut and joined once in `build`, so the slices die young instead of surviving (and being copied by) every
 * garbage collection while a long continuation is read.
 */
class MappedBuilder {
  /**
   * The first segment lives in the three fields below; a list is made only when a second one is added (most
   * instructions are one line: a list grown by `push` had 17 slots for their one segment).
   */
  private firstSrc = -1;
  private firstLength = 0;
  /** Every segment, from the second one added on (null until then). */
  private segments: { at: number; src: number; length: number }[] | null = null;
  length = 0;
  constructor(private readonly src: string) {}
  add(start: number, end: number): void {
    if (end <= start) return;
    const segs = this.segments;
    if (segs === null) {
      if (this.firstSrc < 0) {
        this.firstSrc = start;
        this.firstLength = end - start;
      } else if (this.firstSrc + this.firstLength === start) this.firstLength += end - start;
      else this.segments = [{ at: 0, src: this.firstSrc, length: this.firstLength }, { at: this.length, src: start, length: end - start }];
    } else {
      // the builder owns its segments until `build` hands them over: extended in place
      const last = segs[segs.length - 1]!;
      if (last.src + last.length === start) last.length += end - start;
      else segs.push({ at: this.length, src: start, length: end - start });
    }
    this.length += end - start;
  }
  /** `fallback`: source offset an empty text maps to. */
  build(fallback: number): MappedText {
    const segs = this.segments;
    if (segs === null) {
      if (this.firstSrc < 0) return { text: '', segments: [{ at: 0, src: fallback, length: 0 }] };
      return { text: this.src.slice(this.firstSrc, this.firstSrc + this.firstLength), segments: [{ at: 0, src: this.firstSrc, length: this.firstLength }] };
    }
    const parts = new Array<string>(segs.length);
    for (let i = 0; i < segs.length; i++) parts[i] = this.src.slice(segs[i]!.src, segs[i]!.src + segs[i]!.length);
    // `segs.slice()`: an exact-size copy (the array grown by `push` keeps spare room, and the mapped texts of every
    // instruction stay with the syntax tree)
    return { text: parts.join(''), segments: segs.slice() };
  }
}

/** The part [from, to) of a mapped text, still mapped. */
function sliceMapped(m: MappedText, from: number, to: number): MappedText {
  if (to <= from) {
    const r = toSourceRange(m, from, from);
    return { text: '', segments: m.segments.length ? [{ at: 0, src: r.start, length: 0 }] : [] };
  }
  const segs = m.segments;
  if (segs.length === 1) {
    // one source piece (a logical line without continuations: most instructions)
    const s = segs[0]!;
    const a = Math.max(from, s.at);
    const b = Math.min(to, s.at + s.length);
    if (b > a) return { text: m.text.slice(from, to), segments: [{ at: a - from, src: s.src + (a - s.at), length: b - a }] };
  }
  const segments: MappedSegment[] = [];
  // binary search for the first segment ending after `from`, then copy only the segments that overlap [from, to)
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid]!;
    if (s.at + s.length <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.at >= to) break;
    const a = Math.max(from, s.at);
    const b = Math.min(to, s.at + s.length);
    if (b <= a) continue;
    segments.push({ at: a - from, src: s.src + (a - s.at), length: b - a });
  }
  // an exact-size copy (see MappedBuilder.build): every instruction keeps one or two of these
  return { text: m.text.slice(from, to), segments: segments.slice() };
}

/**
 * Where the continuation escape is, if [from, to) ends with one: BuildKit's
 * `([^E])E[ \t]*$|^E[ \t]*$` (the escape is the last non-blank character and is not itself escaped).
 */
function continuationAt(text: string, from: number, to: number, esc: number): number {
  let k = to;
  while (k > from) {
    const c = text.charCodeAt(k - 1);
    if (c === 0x20 || c === 0x09) k--;
    else break;
  }
  if (k > from && text.charCodeAt(k - 1) === esc) {
    const e = k - 1;
    if (e === from || text.charCodeAt(e - 1) !== esc) return e;
  }
  return -1;
}

function skipSpace(text: string, from: number, to: number): number {
  let p = from;
  while (p < to && isSpace(text.charCodeAt(p))) p++;
  return p;
}

function utf8Length(text: string, from: number, to: number): number {
  let n = to - from;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
  }
  return n;
}

const KINDS: Readonly<Record<string, Instruction['kind']>> = {
  FROM: 'FROM',
  RUN: 'RUN',
  CMD: 'CMD',
  ENTRYPOINT: 'ENTRYPOINT',
  SHELL: 'SHELL',
  ENV: 'ENV',
  LABEL: 'LABEL',
  ARG: 'ARG',
  COPY: 'COPY',
  ADD: 'ADD',
  HEALTHCHECK: 'HEALTHCHECK',
  ONBUILD: 'ONBUILD',
  EXPOSE: 'EXPOSE',
  VOLUME: 'VOLUME',
  USER: 'USER',
  WORKDIR: 'WORKDIR',
  STOPSIGNAL: 'STOPSIGNAL',
  MAINTAINER: 'MAINTAINER',
};

/** Maps rather than keyed lookups on the object literals: the keyword is a string cut from the source, and a keyed
 * property lookup with such a string probes the string table every time. */
const KIND_OF: ReadonlyMap<string, Instruction['kind']> = new Map(Object.entries(KINDS));
const PARSER_OF: ReadonlyMap<string, LineParser> = new Map(Object.entries(DISPATCH));

/** What a keyword spelled in all upper or all lower case stands for (nearly every instruction of real files). */
interface KeywordInfo {
  readonly upper: string;
  readonly lower: string;
  readonly kind: Instruction['kind'];
  readonly parser: LineParser;
}
/**
 * Keyed by the keyword as written, for the two usual spellings of each known keyword (a fixed table: input never adds
 * to it). One lookup then answers the upper-case keyword, the lower-case one, the kind and the line parser, where the
 * general path cuts two case-converted strings and looks each up; `keyword` becomes the shared constant string.
 */
const KEYWORD_INFO: ReadonlyMap<string, KeywordInfo> = (() => {
  const m = new Map<string, KeywordInfo>();
  for (const [upper, kind] of Object.entries(KINDS)) {
    const lower = upper.toLowerCase();
    const info: KeywordInfo = { upper, lower, kind, parser: PARSER_OF.get(lower) ?? parseIgnore };
    m.set(upper, info);
    m.set(lower, info);
  }
  return m;
})();

const HEREDOC_KINDS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);

interface LineContext {
  readonly source: SourceFile;
  readonly escape: EscapeChar;
  readonly diagnostics: ParseDiagnostic[];
  readonly line: MappedText;
  readonly startLine: number;
  endLine: number;
  /** Source range end of the whole instruction (updated after heredocs). */
  rangeEnd: number;
}

/**
 * How many `ONBUILD` keywords may wrap one another before the parser stops descending. BuildKit's parser recurses
 * without a limit (Go stacks grow) but the build refuses any `ONBUILD ONBUILD`, so stopping early changes no verdict
 * and keeps `ONBUILD ONBUILD …` repeated 100,000 times from exhausting the JavaScript stack.
 */
const MAX_ONBUILD_DEPTH = 16;

const NO_FLAGS: readonly Flag[] = Object.freeze([]);
const NO_HEREDOCS: readonly Heredoc[] = Object.freeze([]);
const NO_COMMENTS: readonly Comment[] = Object.freeze([]);

function argOf(line: MappedText, p: Piece): Arg {
  return { value: p.value, range: toSourceRange(line, p.start, p.end) };
}

/** The arguments `pieces[from..]` mapped to the source. */
function argsOf(line: MappedText, pieces: readonly Piece[], from: number): Arg[] {
  const out = new Array<Arg>(Math.max(0, pieces.length - from));
  for (let i = from; i < pieces.length; i++) out[i - from] = argOf(line, pieces[i]!);
  return out;
}

/**
 * The command line made of the arguments from `start` on, or null when there are none. `rest` is the instruction's
 * `rest`, cut from `line` at [restStart, restEnd): a shell-form script that is the same slice (no flags: most RUN,
 * CMD and ENTRYPOINT instructions) shares that mapped text instead of cutting a second copy.
 */
function commandLine(line: MappedText, parsed: ParsedArgs, start: number, rest: MappedText, restStart: number, restEnd: number): CommandLine | null {
  const ps = parsed.args;
  if (start >= ps.length) return null;
  const range = toSourceRange(line, ps[start]!.start, ps[ps.length - 1]!.end);
  if (parsed.json) return { form: 'exec', args: argsOf(line, ps, start), range };
  const p = ps[start]!;
  return { form: 'shell', script: p.start === restStart && p.end === restEnd ? rest : sliceMapped(line, p.start, p.end), range };
}

/** The command line of an instruction without arguments ([a, b) is where they would be). */
function emptyCommand(line: MappedText, parsed: ParsedArgs, a: number, b: number): CommandLine {
  return parsed.json
    ? { form: 'exec', args: [], range: toSourceRange(line, a, b) }
    : { form: 'shell', script: sliceMapped(line, a, a), range: toSourceRange(line, a, a) };
}

/** BuildKit `newNodeFromLine` over [from, to) of the logical line. */
function buildInstruction(
  ctx: LineContext,
  from: number,
  to: number,
  comments: readonly Comment[],
  depth = 0,
): Instruction {
  const { line } = ctx;
  const text = line.text;
  const map = (a: number, b: number): Range => toSourceRange(line, a, b);
  const split = splitCommand(text, from, to);
  const rawKeyword = split.keyword.value;
  const known = KEYWORD_INFO.get(rawKeyword);
  const keyword = known !== undefined ? known.upper : rawKeyword.toUpperCase();
  const lower = known !== undefined ? known.lower : rawKeyword.toLowerCase();
  const keywordRange = map(split.keyword.start, split.keyword.end);
  const flags: readonly Flag[] =
    split.flags.length === 0
      ? NO_FLAGS
      : split.flags.map((f) => ({
          name: f.value.startsWith('--') ? f.value.slice(2).split('=', 1)[0]! : f.value.split('=', 1)[0]!,
          value: f.valueStart === null ? null : f.value.slice(f.value.indexOf('=') + 1),
          raw: f.value,
          range: map(f.start, f.end),
          nameRange: map(f.nameStart, f.nameEnd),
          valueRange: f.valueStart === null || f.valueEnd === null ? null : map(f.valueStart, f.valueEnd),
        }));
  const { argsStart: a, argsEnd: b } = split;
  const kind = known !== undefined ? known.kind : (KIND_OF.get(keyword) ?? 'UNKNOWN');
  let trigger: Instruction | null = null;
  let parsed: ParsedArgs;
  if (lower === 'onbuild') {
    if (a >= b) parsed = { args: [], json: false };
    else if (depth >= MAX_ONBUILD_DEPTH) {
      parsed = {
        args: [{ value: '', start: a, end: a }],
        json: false,
        error: {
          code: 'onbuild-too-deep',
          message: `ONBUILD nested more than ${MAX_ONBUILD_DEPTH} levels deep (chaining ONBUILD is not allowed)`,
          start: a,
          end: b,
        },
      };
    } else {
      trigger = buildInstruction(ctx, a, b, NO_COMMENTS, depth + 1);
      parsed = { args: [{ value: '', start: a, end: a }], json: false };
    }
  } else {
    const fn = known !== undefined ? known.parser : (PARSER_OF.get(lower) ?? parseIgnore);
    parsed = fn(text, a, b, ctx.escape);
  }
  if (parsed.error) {
    ctx.diagnostics.push({
      code: parsed.error.code,
      severity: 'error',
      message: parsed.error.message,
      range: map(parsed.error.start, parsed.error.end),
    });
  }
  if (kind === 'UNKNOWN') {
    ctx.diagnostics.push({
      code: 'unknown-instruction',
      severity: 'warning',
      message: rawKeyword === '' ? 'empty instruction' : `unknown instruction: ${rawKeyword}`,
      range: keywordRange,
    });
  }
  const args = argsOf(line, parsed.args, 0);
  const firstSrc = keywordRange.start;
  // the shared fields, written out in every literal below in this order (object spread clones through a generic
  // slow path; this runs for every instruction of every file)
  const range = { start: firstSrc, end: Math.max(firstSrc, ctx.rangeEnd) };
  const startLine = ctx.startLine;
  const endLine = ctx.endLine;
  const json = parsed.json;
  // (instructions without heredocs share one empty list: parse() replaces the instruction when it finds some)
  const heredocs: readonly Heredoc[] = NO_HEREDOCS;
  const original = text.slice(from, to);
  const rest = sliceMapped(line, split.restStart, split.end);
  switch (kind) {
    case 'FROM': {
      const image = args[0] ?? null;
      const as = args[1] && args[1].value.toLowerCase() === 'as' ? args[1] : null;
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind, image, asKeyword: as, stageName: as ? (args[2] ?? null) : null };
    }
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind, command: commandLine(line, parsed, 0, rest, split.restStart, split.end) ?? emptyCommand(line, parsed, a, b) };
    case 'SHELL':
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind };
    case 'ENV':
    case 'LABEL': {
      const pairs: KeyValue[] = (parsed.pairs ?? []).map((p) => ({
        key: argOf(line, p.key),
        value: argOf(line, p.value),
        separator: p.separator,
        range: map(p.key.start, Math.max(p.key.end, p.value.end)),
      }));
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind, pairs };
    }
    case 'ARG': {
      const definitions: ArgDefinition[] = parsed.args.map((p) => {
        const eq = p.value.indexOf('=');
        const nameEnd = eq < 0 ? p.end : Math.min(p.start + eq, p.end);
        return {
          name: eq < 0 ? p.value : p.value.slice(0, eq),
          value: eq < 0 ? null : p.value.slice(eq + 1),
          nameRange: map(p.start, nameEnd),
          valueRange: eq < 0 ? null : map(Math.min(nameEnd + 1, p.end), p.end),
          range: map(p.start, p.end),
        };
      });
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind, definitions };
    }
    case 'COPY':
    case 'ADD':
      return {
        keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments,
        kind,
        sources: args.slice(0, Math.max(0, args.length - 1)),
        destination: args.length > 0 ? args[args.length - 1]! : null,
      };
    case 'HEALTHCHECK': {
      const t = args[0];
      const upper = t ? t.value.toUpperCase() : '';
      const type = upper === 'NONE' || upper === 'CMD' ? upper : null;
      return {
        keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments,
        kind,
        type,
        typeRange: t ? t.range : null,
        command: type === 'CMD' ? (commandLine(line, parsed, 1, rest, split.restStart, split.end) ?? emptyCommand(line, parsed, a, b)) : null,
      };
    }
    case 'ONBUILD':
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind, trigger };
    case 'EXPOSE':
    case 'VOLUME':
    case 'USER':
    case 'WORKDIR':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind };
    default:
      return { keyword, rawKeyword, keywordRange, range, startLine, endLine, flags, args, json, heredocs, original, rest, comments, kind: 'UNKNOWN' };
  }
}

function canContainHeredoc(ins: Instruction): boolean {
  const target = ins.kind === 'ONBUILD' && ins.trigger ? ins.trigger : ins;
  return HEREDOC_KINDS.has(target.keyword) && !target.json;
}

export function parse(source: SourceFile): Dockerfile {
  const text = source.text;
  const len = text.length;
  const diagnostics: ParseDiagnostic[] = [];
  const directives: Directive[] = [];
  const allComments: Comment[] = [];
  const instructions: Instruction[] = [];
  const dp = new DirectiveParser('#');
  let escape: EscapeChar = '\\';
  let pending: Comment[] = [];
  let pos = 0;
  let lineNo = 0;

  const line0: PhysLine = { start: 0, end: 0, next: 0 };
  const checkLength = (l: PhysLine) => {
    if (l.end - l.start > MAX_LINE_BYTES / 3 && utf8Length(text, l.start, l.next) > MAX_LINE_BYTES + 1) {
      diagnostics.push({
        code: 'line-too-long',
        severity: 'error',
        message: `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
        range: { start: l.start, end: l.end },
      });
    }
  };

  const directiveLine = (from: number, to: number): boolean => {
    if (dp.done) return false;
    const r = dp.parseLine(text, from, to);
    if (r === null) return false;
    const m = 'error' in r ? r.match : r;
    const d: Directive = {
      name: m.name,
      value: m.value,
      range: { start: from, end: to },
      nameRange: { start: m.nameStart, end: m.nameEnd },
      valueRange: { start: m.valueStart, end: m.valueEnd },
    };
    if ('error' in r) {
      diagnostics.push({ code: 'duplicate-directive', severity: 'error', message: r.error, range: d.range });
      return false;
    }
    if (m.name === 'escape') {
      if (m.value !== '`' && m.value !== '\\') {
        diagnostics.push({
          code: 'invalid-escape',
          severity: 'error',
          message: `invalid escape token '${m.value}' does not match \` or \\`,
          range: d.valueRange,
        });
        return false;
      }
      escape = m.value;
    }
    directives.push(d);
    return true;
  };

  const commentAt = (hash: number, end: number): Comment => ({
    text: text.slice(hash + 1, end),
    range: { start: hash, end },
  });

  while (pos < len) {
    const first = readLine(text, pos, line0);
    pos = first.next;
    lineNo++;
    checkLength(first);
    const ts = skipSpace(text, first.start, first.end);
    const isDirective = directiveLine(ts, first.end);
    if (ts < first.end && text.charCodeAt(ts) === 0x23 /* # */) {
      if (isDirective) continue;
      const c = commentAt(ts, first.end);
      allComments.push(c);
      // BuildKit: an empty `#` line resets the comments collected for the next instruction
      if (trimStartAt(c.text, 0, c.text.length) === c.text.length) {
        if (pending.length > 0) pending = [];
      } else pending.push(c);
      continue;
    }
    if (ts >= first.end) {
      // blank line: comments above it no longer belong to the next instruction
      if (pending.length > 0) pending = [];
      continue;
    }
    const esc = escape.charCodeAt(0);
    const startLine = lineNo;
    const builder = new MappedBuilder(text);
    let cut = continuationAt(text, ts, first.end, esc);
    builder.add(ts, cut >= 0 ? cut : first.end);
    let lastEnd = first.end;
    let emptyLine: Range | null = null;
    while (cut >= 0 && pos < len) {
      const l = readLine(text, pos, line0);
      pos = l.next;
      lineNo++;
      checkLength(l);
      const s = skipSpace(text, l.start, l.end);
      if (s < l.end && text.charCodeAt(s) === 0x23) {
        allComments.push(commentAt(s, l.end));
        lastEnd = l.end;
        continue;
      }
      if (s >= l.end) {
        emptyLine ??= { start: l.start, end: l.end };
        lastEnd = l.end;
        continue;
      }
      cut = continuationAt(text, l.start, l.end, esc);
      builder.add(l.start, cut >= 0 ? cut : l.end);
      lastEnd = l.end;
    }
    const line = builder.build(ts);
    if (emptyLine) {
      diagnostics.push({
        code: 'empty-continuation',
        severity: 'warning',
        message: 'Empty continuation line found in: ' + line.text + ' (empty continuation lines will become errors in a future release)',
        range: { start: emptyLine.start, end: emptyLine.end },
      });
    }
    const ctx: LineContext = { source, escape, diagnostics, line, startLine, endLine: lineNo, rangeEnd: lastEnd };
    // most instructions have no comment above them: they share one empty list (an empty array per instruction was
    // 18,000 of the arrays a corpus run keeps); the others get an exact-size copy of `pending`
    let ins = buildInstruction(ctx, 0, line.text.length, pending.length === 0 ? NO_COMMENTS : pending.slice());
    if (pending.length > 0) pending = [];

    if (canContainHeredoc(ins) && line.text.includes('<<')) {
      const found = heredocsFromLine(line.text);
      if (found.error) {
        diagnostics.push({
          code: 'invalid-heredoc',
          severity: 'error',
          message: found.error,
          range: { start: ins.keywordRange.start, end: lastEnd },
        });
      }
      const heredocs: Heredoc[] = [];
      for (const h of found.heredocs) {
        const markerRange = toSourceRange(line, h.start, h.end);
        const bodyStart = pos;
        const content: string[] = [];
        const body = new MappedBuilder(text);
        let terminatorRange: Range | null = null;
        while (pos < len) {
          const l = readLine(text, pos, line0);
          pos = l.next;
          lineNo++;
          let p = l.start;
          if (h.chomp) while (p < l.end && text.charCodeAt(p) === 9) p++;
          if (l.end - p === h.name.length && text.startsWith(h.name, p)) {
            terminatorRange = { start: l.start, end: l.end };
            lastEnd = l.end;
            break;
          }
          content.push(text.slice(l.start, l.next));
          // the build strips leading tabs of `<<-` bodies (BuildKit ChompHeredocContent)
          body.add(h.chomp ? p : l.start, l.next);
          lastEnd = l.end;
        }
        if (terminatorRange === null) {
          diagnostics.push({
            code: 'unterminated-heredoc',
            severity: 'error',
            message: `unterminated heredoc ${h.name}`,
            range: markerRange,
          });
          terminatorRange = { start: len, end: len };
        }
        const bodyMapped = body.build(bodyStart);
        heredocs.push({
          name: h.name,
          content: content.join(''),
          expand: h.expand,
          chomp: h.chomp,
          fileDescriptor: h.fileDescriptor,
          markerRange,
          bodyRange: { start: bodyStart, end: Math.max(bodyStart, terminatorRange.start) },
          body: bodyMapped,
          terminatorRange,
        });
      }
      if (heredocs.length > 0) {
        const range = { start: ins.range.start, end: Math.max(ins.range.start, lastEnd) };
        if (ins.kind === 'ONBUILD' && ins.trigger) {
          const trigger = { ...ins.trigger, heredocs, endLine: lineNo, range };
          ins = { ...ins, heredocs, endLine: lineNo, range, trigger };
        } else ins = { ...ins, heredocs, endLine: lineNo, range };
      }
    }
    instructions.push(ins);
  }

  if (instructions.length === 0) {
    diagnostics.push({
      code: 'no-instructions',
      severity: 'error',
      message: 'file with no instructions',
      range: { start: len, end: len },
    });
  }
  return { source, escape, directives, instructions, comments: allComments, diagnostics };
}
