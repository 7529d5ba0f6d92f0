/**
 * Download → verify → use dataflow over a stage's sequence of scripts (files persist between RUNs). The caller
 * supplies the RUN scripts in order plus ADD/COPY facts; the answer lists, for every use of a downloaded artifact,
 * which artifact (URL, scheme, host) it is and whether it was verified before that use.
 */
import type { Range } from '../source.js';
import { basename, parseUrl } from './commands.js';
import type { ShellCommand, ShellScript } from './commands.js';
import type { Url, Word } from './types.js';

export type ArtifactUrl = Omit<Url, 'word'>;

export type StageStep =
  | { readonly kind: 'run'; readonly script: ShellScript; readonly workdir?: string }
  /** `ADD <url> <dest>`; `checksum` when `--checksum=` was given. Git URLs (`.git`, `#ref`) become git artifacts. */
  | { readonly kind: 'add'; readonly url: string; readonly dest: string; readonly checksum: boolean; readonly range: Range; readonly workdir?: string }
  /** COPY (or ADD of a local file): replaces whatever was at `dest`. */
  | { readonly kind: 'copy'; readonly dest: string; readonly range: Range; readonly workdir?: string };

export type ArtifactOrigin = 'curl' | 'wget' | 'powershell' | 'add' | 'git' | 'package-url';

export interface Artifact {
  readonly id: number;
  readonly origin: ArtifactOrigin;
  readonly url: ArtifactUrl | null;
  /** Absolute (or, with unknown working directory, relative) path where it was stored; null when streamed. */
  readonly path: string | null;
  /** Written to stdout and piped on (`curl … | sh`). */
  readonly streamed: boolean;
  readonly command: ShellCommand | null;
  readonly range: Range;
  /** git checked out at a full commit id / ADD with --checksum. */
  readonly pinned: boolean;
}

export type VerificationKind = 'checksum' | 'signature' | 'cosign' | 'compare' | 'add-checksum' | 'git-commit';

export interface Verification {
  readonly id: number;
  readonly kind: VerificationKind;
  readonly command: ShellCommand | null;
  readonly range: Range;
  /** Files it covers; null when the list is not statically known (e.g. a downloaded SHA256SUMS file). */
  readonly files: readonly string[] | null;
  /** False when a failure would not stop the build (`|| true`, followed by `;` without `set -e`). */
  readonly enforced: boolean;
}

export type UseKind = 'pipe-to-interpreter' | 'pipe-to-extract' | 'interpret' | 'execute' | 'extract' | 'install' | 'path';

export interface ArtifactUse {
  readonly kind: UseKind;
  readonly artifact: Artifact;
  readonly command: ShellCommand;
  readonly range: Range;
  /** Verified (checksum, signature, pinned) after its last write and before this use. */
  readonly verified: boolean;
  readonly verification: Verification | null;
}

export interface Dataflow {
  readonly artifacts: readonly Artifact[];
  readonly verifications: readonly Verification[];
  readonly uses: readonly ArtifactUse[];
}

const INTERPRETERS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'python', 'perl', 'ruby', 'node', 'php', 'invoke-expression', 'source', '.']);
const CHECKSUM_TOOLS: ReadonlySet<string> = new Set(['sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'md5sum', 'b2sum', 'shasum', 'cksum']);
const PASSTHROUGH: ReadonlySet<string> = new Set(['tee', 'gunzip', 'gzip', 'zcat', 'xz', 'unxz', 'bzip2', 'bunzip2', 'zstd', 'cat', 'base64']);
/** The tools `Flow.command`'s switch handles (keep in step with its `case` labels: a test compares them). */
export const SWITCH_TOOLS: ReadonlySet<string> = new Set([
  'curl', 'wget', 'invoke-webrequest', 'invoke-restmethod', 'downloadfile', 'downloadstring', 'start-bitstransfer',
  'git', 'start-process', 'mv', 'cp', 'install', 'ln', 'tar', 'bsdtar', 'unzip', 'gunzip', '7z', 'xz', 'unxz',
  'bunzip2', 'dpkg', 'rpm', 'apt-get', 'apt', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper', 'apk', 'pip', 'npm',
  'yarn', 'pnpm', 'gem',
]);
/** Every tool `Flow.command` does something for by name; other commands matter only through their pipes, redirects,
 * substitutions, test expressions or a path to a downloaded file. */
const DATAFLOW_TOOLS: ReadonlySet<string> = new Set([...SWITCH_TOOLS, ...INTERPRETERS, ...CHECKSUM_TOOLS, 'set', 'cd', 'gpg', 'gpgv', 'cosign']);
const PATH_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
const SHA1_RE = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/**
 * An interpreter that takes its script from stdin: no script operand, `-` or `/dev/stdin` as the script, `sh -s`, or
 * `php -- args` (php passes the words after `--` to the script it reads from stdin).
 */
function readsScriptFromStdin(c: ShellCommand): boolean {
  const first = c.operands[0];
  if (first === undefined || first.value === '-' || first.value === '/dev/stdin' || c.hasFlag('-s')) return true;
  if (c.tool === 'php') {
    const dd = c.args.findIndex((w) => w.value === '--');
    return dd >= 0 && c.args.slice(0, dd).every((w) => (w.value ?? '').startsWith('-'));
  }
  return false;
}

interface FileState {
  artifact: Artifact;
  verification: Verification | null;
}

/** `s` without its trailing `/` characters (a loop: `/\/+$/` backtracks quadratically on long runs of `/`). */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * `s.replace(/[?#].*$/, '')` without the regex's quadratic backtracking: cuts at the first `?` or `#` that has no
 * line break after it (`.` does not match one), i.e. the first one after the last line break.
 */
export function stripQueryAndFragment(s: string): string {
  for (let i = s.lastIndexOf('\n') + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3f || c === 0x23) return s.slice(0, i);
  }
  return s;
}

/** Normalises `a/./b/../c` and resolves against a working directory (kept relative when unknown). */
export function resolvePath(cwd: string | null, p: string): string {
  const abs = p.startsWith('/') ? p : cwd === null ? p : `${trimTrailingSlashes(cwd)}/${p}`;
  // already normal (absolute; no empty, `.` or `..` segment; no trailing slash): most paths, returned as they are
  if (abs.length > 1 && abs.charCodeAt(0) === 47 && !abs.endsWith('/') && !abs.includes('//') && !abs.includes('/.')) return abs;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return (abs.startsWith('/') ? '/' : '') + out.join('/');
}

function urlFacts(u: Url | null): ArtifactUrl | null {
  if (u === null) return null;
  return { url: u.url, scheme: u.scheme, host: u.host, complete: u.complete };
}

function urlBasename(url: string): string {
  const path = stripQueryAndFragment(url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''));
  return basename(path) || 'index.html';
}

/** Runs the dataflow over a stage's steps. */
export function analyzeDataflow(steps: readonly StageStep[]): Dataflow {
  return new Flow().run(steps);
}

class Flow {
  readonly artifacts: Artifact[] = [];
  readonly verifications: Verification[] = [];
  readonly uses: ArtifactUse[] = [];
  readonly files = new Map<string, FileState>();
  /** Text written to small files by `echo … > f` (checksum lists). */
  readonly contents = new Map<string, string>();
  readonly streams = new Map<ShellCommand, Artifact>();
  cwd: string | null = null;
  setE = false;
  /** Downloads printed inside `$( )`/`<( )`, waiting for the command that consumes the substitution. */
  substStreams: { art: Artifact; cmd: ShellCommand }[] = [];

  run(steps: readonly StageStep[]): Dataflow {
    for (const s of steps) {
      if (s.workdir !== undefined) this.cwd = s.workdir;
      if (s.kind === 'run') this.script(s.script);
      else if (s.kind === 'copy') this.files.delete(this.path(s.dest));
      else this.add(s);
    }
    return { artifacts: this.artifacts, verifications: this.verifications, uses: this.uses };
  }

  path(p: string): string {
    return resolvePath(this.cwd, p);
  }

  newArtifact(a: Omit<Artifact, 'id'>): Artifact {
    // the fields written out (in the order the spread `{ ...a, id }` gave them): spreads take V8's generic cloning path
    const art: Artifact = { origin: a.origin, url: a.url, path: a.path, streamed: a.streamed, command: a.command, range: a.range, pinned: a.pinned, id: this.artifacts.length };
    this.artifacts.push(art);
    return art;
  }

  newVerification(v: Omit<Verification, 'id'>): Verification {
    const ver: Verification = { kind: v.kind, command: v.command, range: v.range, files: v.files, enforced: v.enforced, id: this.verifications.length };
    this.verifications.push(ver);
    return ver;
  }

  store(path: string, art: Artifact, verification: Verification | null = null): void {
    this.files.set(path, { artifact: art, verification });
    this.contents.delete(path);
  }

  add(s: Extract<StageStep, { kind: 'add' }>): void {
    const isGit = /\.git(#|$)/.test(s.url) || /^git@/.test(s.url);
    const ref = s.url.includes('#') ? s.url.slice(s.url.indexOf('#') + 1).split(':')[0]! : '';
    const word: Word = { value: s.url, dynamic: false, prefix: s.url, raw: s.url, range: s.range, quoted: false };
    const pinned = s.checksum || (isGit && SHA1_RE.test(ref));
    let dest = s.dest;
    if (!isGit && dest.endsWith('/')) dest += urlBasename(s.url);
    const art = this.newArtifact({ origin: isGit ? 'git' : 'add', url: urlFacts(parseUrl(word)), path: this.path(dest), streamed: false, command: null, range: s.range, pinned });
    const ver = pinned ? this.newVerification({ kind: s.checksum ? 'add-checksum' : 'git-commit', command: null, range: s.range, files: [art.path!], enforced: true }) : null;
    this.store(art.path!, art, ver);
  }

  script(script: ShellScript): void {
    const savedCwd = this.cwd;
    this.setE = false;
    this.current = script;
    this.recentChecksums = [];
    this.substStreams = [];
    const files = this.files;
    for (const c of script.all) {
      // Most commands (`rm`, `echo`, `chmod`, …) play no part: skipped here, without a call to `command` (the call
      // into it, for each of the ~33,000 corpus commands, was a visible share of the dataflow's time).
      const tool = c.tool;
      if (tool === null) continue;
      if (!DATAFLOW_TOOLS.has(tool) && c.stdinFrom === null && c.redirects.length === 0 && this.substStreams.length === 0 && !c.isTest) {
        const nv = files.size === 0 ? null : (c.nameWord?.value ?? null);
        if (nv === null || !nv.includes('/')) {
          if (this.downloadedTo.size > 0) this.downloadedTo.clear();
          continue;
        }
      }
      try {
        this.command(c, tool);
      } catch {
        // a bug in one command's analysis must not lose the rest (never throw on user input)
      }
    }
    // `cd` inside a RUN does not persist to the next RUN
    this.cwd = savedCwd;
  }

  /** The artifact streamed into `c`'s stdin (through pass-through filters like `tee`, `gunzip`). */
  streamedInto(c: ShellCommand): Artifact | null {
    let p = c.stdinFrom;
    for (let k = 0; p !== null && k < 8; k++) {
      const a = this.streams.get(p);
      if (a !== undefined) return a;
      if (p.tool === null || !PASSTHROUGH.has(p.tool)) return null;
      p = p.stdinFrom;
    }
    return null;
  }

  use(kind: UseKind, c: ShellCommand, art: Artifact, state: FileState | null): void {
    const v = state?.verification ?? null;
    this.uses.push({ kind, artifact: art, command: c, range: c.range, verified: v !== null, verification: v });
  }

  fileUse(kind: UseKind, c: ShellCommand, w: Word | null | undefined): boolean {
    // no file known yet (most stages): skip resolving the path
    if (w === null || w === undefined || w.value === null || this.files.size === 0) return false;
    const st = this.files.get(this.path(w.value));
    if (st === undefined) return false;
    this.use(kind, c, st.artifact, st);
    return true;
  }

  /** A command `script` did not skip (`tool` is its tool key). */
  command(c: ShellCommand, tool: string): void {
    if (tool === 'set') {
      for (const a of c.args) if (a.value !== null && /^-[a-z]*e/.test(a.value)) this.setE = true;
    }
    if (tool === 'cd' && !c.inSubstitution) {
      const d = c.operands[0];
      this.cwd = d === undefined ? null : d.value === null ? null : this.path(d.value);
      return;
    }
    // output of `$(curl …)` / `<(curl …)` used as code: `bash -c "$(curl …)"`, `eval "$(curl …)"`, `source <(curl …)`
    if (this.substStreams.length > 0) {
      const keep: { art: Artifact; cmd: ShellCommand }[] = [];
      for (const p of this.substStreams) {
        const inside = p.cmd !== c && c.range.start <= p.cmd.range.start && p.cmd.range.end <= c.range.end;
        if (!inside) keep.push(p);
        else if (INTERPRETERS.has(tool) || tool === 'eval') this.use('pipe-to-interpreter', c, p.art, null);
      }
      this.substStreams = keep;
    }
    // streamed input uses
    const streamed = c.stdinFrom === null ? null : this.streamedInto(c);
    if (streamed !== null) {
      if (INTERPRETERS.has(tool) && readsScriptFromStdin(c)) this.use('pipe-to-interpreter', c, streamed, null);
      else if (tool === 'tar' || tool === 'unzip' || tool === 'bsdtar' || tool === 'cpio') this.use('pipe-to-extract', c, streamed, null);
    }
    switch (tool) {
      case 'curl':
        this.curl(c);
        break;
      case 'wget':
        this.wget(c);
        break;
      case 'invoke-webrequest':
      case 'invoke-restmethod':
      case 'downloadfile':
      case 'downloadstring':
      case 'start-bitstransfer':
        this.powershell(c);
        break;
      case 'git':
        this.git(c);
        break;
      case 'start-process':
        this.fileUse('execute', c, c.flagValue('-filepath') ?? c.operands[0]);
        break;
      case 'mv':
      case 'cp':
      case 'install':
      case 'ln':
        this.move(c);
        break;
      case 'tar':
      case 'bsdtar':
        if (!c.hasFlag('-c', '--create')) this.fileUse('extract', c, c.flagValue('-f'));
        break;
      case 'unzip':
      case 'gunzip':
      case '7z':
      case 'xz':
      case 'unxz':
      case 'bunzip2':
        this.fileUse('extract', c, c.operands[tool === '7z' ? 1 : 0]);
        break;
      case 'dpkg':
        if (c.hasFlag('-i', '--unpack')) for (const w of c.operands) this.fileUse('install', c, w);
        break;
      case 'rpm':
        if (c.hasFlag('-i', '-U', '-F')) this.installOperands(c, c.operands);
        break;
      case 'apt-get':
      case 'apt':
      case 'yum':
      case 'dnf':
      case 'microdnf':
      case 'tdnf':
      case 'zypper':
      case 'apk':
      case 'pip':
      case 'npm':
      case 'yarn':
      case 'pnpm':
      case 'gem':
        this.installOperands(c, c.operands);
        break;
      default:
        if (INTERPRETERS.has(tool) && !c.isTest && !(c.hasFlag('-n') && tool !== 'perl' && tool !== 'node')) {
          if (tool === 'source' || tool === '.') this.fileUse('interpret', c, c.operands[0]);
          else if (!c.hasFlag('-c', '-e', '-m', '-r', '--eval', '-p')) this.fileUse('interpret', c, c.operands[0]);
        }
    }
    if (CHECKSUM_TOOLS.has(tool) && c.inSubstitution) this.recentChecksums.push(c);
    if (CHECKSUM_TOOLS.has(tool)) this.checksum(c);
    else if (tool === 'gpg' || tool === 'gpgv') this.signature(c);
    else if (tool === 'cosign' && (c.subcommand === 'verify-blob' || c.subcommand === 'verify-blob-attestation')) this.cosign(c);
    else if (c.isTest) this.compare(c);
    // executing a downloaded file by path
    const nv = c.nameWord?.value;
    if (nv !== undefined && nv !== null && nv.includes('/') && !c.isTest && this.files.size > 0) {
      const st = this.files.get(this.path(nv));
      if (st !== undefined) this.use('execute', c, st.artifact, st);
    }
    // redirect writes replace files; echo/printf contents remembered for checksum lists (most commands have no
    // redirect: `writes` would build an empty array for each)
    if (c.redirects.length === 0) {
      if (this.downloadedTo.size > 0) this.downloadedTo.clear();
      return;
    }
    for (const w of c.writes) {
      if (w.value === null) continue;
      const p = this.path(w.value);
      if (this.downloadedTo.has(p)) continue;
      this.files.delete(p);
      this.contents.delete(p);
      if ((tool === 'echo' || tool === 'printf') && c.args.every((a) => a.value !== null)) {
        const text = c.operands.map((a) => a.value!).join(' ');
        const append = c.redirects.some((r) => r.op === '>>' && r.target === w);
        this.contents.set(p, (append ? (this.contents.get(p) ?? '') + '\n' : '') + text);
      }
      const here = c.redirects.find((r) => r.heredoc !== null);
      if (tool === 'cat' && here !== undefined) this.contents.set(p, here.heredoc!);
    }
    this.downloadedTo.clear();
  }

  /** Paths the current command downloaded to (so its own `> file` redirect does not count as an overwrite). */
  readonly downloadedTo = new Set<string>();

  installOperands(c: ShellCommand, operands: readonly Word[]): void {
    for (const w of operands) {
      if (w.value === null && w.prefix === '') continue;
      const u = parseUrl(w);
      if (u !== null && ['http', 'https', 'ftp'].includes(u.scheme)) {
        const art = this.newArtifact({ origin: 'package-url', url: urlFacts(u), path: null, streamed: false, command: c, range: w.range, pinned: false });
        this.use('install', c, art, null);
        continue;
      }
      this.fileUse('install', c, w);
    }
  }

  /** Registers a download of `u` to `path` (or to stdout when null). */
  download(c: ShellCommand, origin: ArtifactOrigin, u: Url, path: string | null, range: Range): Artifact {
    const toStdout = path === null || path === '-';
    const redirected = toStdout ? c.writes[0] : undefined;
    const dest = toStdout ? (redirected?.value ?? null) : path;
    const art = this.newArtifact({ origin, url: urlFacts(u), path: dest === null ? null : this.path(dest), streamed: toStdout && redirected === undefined, command: c, range, pinned: false });
    if (art.path !== null) {
      this.store(art.path, art);
      this.downloadedTo.add(art.path);
    }
    else if (toStdout) {
      this.streams.set(c, art);
      if (c.inSubstitution && c.stdoutTo === null) this.substStreams.push({ art, cmd: c });
    }
    return art;
  }

  curl(c: ShellCommand): void {
    const proxy = c.flagValue('-x');
    const proxy2 = c.flagValue('--proxy');
    const notDownloaded = [...c.flagValues('-H'), ...c.flagValues('-d'), ...c.flagValues('-e')];
    const urls = c.urls.filter((u) => u.word !== proxy && u.word !== proxy2 && !notDownloaded.includes(u.word));
    const outputs = c.flagValues('-o');
    const remote = c.hasFlag('-O', '--remote-name-all');
    const dir = c.flagValue('--output-dir')?.value ?? null;
    urls.forEach((u, i) => {
      const o = outputs[i];
      let path: string | null = null;
      if (o !== undefined) path = o.value ?? '';
      else if (remote) path = urlBasename(u.url);
      if (path === '') return; // dynamic output name: unknown file
      if (path !== null && path !== '-' && dir !== null && !path.startsWith('/')) path = `${dir}/${path}`;
      this.download(c, 'curl', u, path, u.word.range);
    });
  }

  wget(c: ShellCommand): void {
    const out = c.flagValue('-O');
    const prefix = c.flagValue('-P')?.value ?? null;
    for (const u of c.urls.filter((x) => c.operands.includes(x.word))) {
      let path: string | null;
      if (out !== null) path = out.value ?? '';
      else path = (prefix !== null ? prefix + '/' : '') + urlBasename(u.url);
      if (path === '') continue;
      this.download(c, 'wget', u, path, u.word.range);
    }
  }

  powershell(c: ShellCommand): void {
    let urlWord: Word | null;
    let out: string | null = null;
    if (c.tool === 'downloadfile' || c.tool === 'downloadstring' || c.tool === 'downloaddata') {
      urlWord = c.args.find((w) => parseUrl(w) !== null) ?? null;
      if (c.tool === 'downloadfile') out = c.args.find((w) => w !== urlWord && w.value !== ',')?.value ?? '';
    } else {
      urlWord = c.flagValue('-uri') ?? c.flagValue('-source') ?? c.operands.find((w) => parseUrl(w) !== null) ?? null;
      const o = c.flagValue('-outfile') ?? c.flagValue('-destination');
      if (o !== null) out = o.value ?? '';
    }
    if (urlWord === null || out === '') return;
    const u = parseUrl(urlWord);
    if (u === null) return;
    const art = this.download(c, 'powershell', u, out, urlWord.range);
    if (out === null && c.inSubstitution) {
      // DownloadString inside `iex (…)`: the enclosing iex consumes it
      const iex = this.nextIex(c);
      if (iex !== null) this.use('pipe-to-interpreter', iex, art, null);
    }
  }

  /** For `iex ((New-Object Net.WebClient).DownloadString(…))`: the iex whose parentheses hold `c`. */
  nextIex(c: ShellCommand): ShellCommand | null {
    const all = this.current?.all ?? [];
    for (let i = all.indexOf(c) - 1; i >= 0; i--) {
      const p = all[i]!;
      if (p.inSubstitution) continue;
      return p.tool === 'invoke-expression' ? p : null;
    }
    return null;
  }
  current: ShellScript | null = null;

  git(c: ShellCommand): void {
    if (c.subcommand === 'clone') {
      const url = c.operands[0];
      if (url === undefined) return;
      const u = parseUrl(url) ?? { url: url.value ?? url.prefix, scheme: 'ssh', host: null, complete: url.value !== null, word: url };
      const dirWord = c.operands[1];
      const dir = dirWord?.value ?? urlBasename(u.url).replace(/\.git$/, '');
      const rev = c.flagValue('--revision')?.value ?? '';
      const pinned = SHA1_RE.test(rev);
      const art = this.newArtifact({ origin: 'git', url: urlFacts(u), path: this.path(dir), streamed: false, command: c, range: c.range, pinned });
      const ver = pinned ? this.newVerification({ kind: 'git-commit', command: c, range: c.range, files: [art.path!], enforced: true }) : null;
      this.store(art.path!, art, ver);
      return;
    }
    if (c.subcommand === 'checkout' || c.subcommand === 'reset' || c.subcommand === 'switch') {
      const sha = c.operands.find((w) => w.value !== null && SHA1_RE.test(w.value));
      if (sha === undefined) return;
      const dir = this.path(c.flagValue('-C')?.value ?? '.');
      const st = this.files.get(dir);
      if (st !== undefined && st.artifact.origin === 'git') {
        st.verification = this.newVerification({ kind: 'git-commit', command: c, range: c.range, files: [dir], enforced: this.enforced(c) });
      }
    }
  }

  move(c: ShellCommand): void {
    const ops = c.operands.filter((w) => w.value !== null);
    const targetOpt = c.flagValue('-t')?.value ?? null;
    const target = targetOpt ?? (ops.length >= 2 ? ops[ops.length - 1]!.value! : null);
    const sources = targetOpt !== null ? ops : ops.slice(0, -1);
    if (target === null) return;
    for (const s of sources) {
      const from = this.path(s.value!);
      const st = this.files.get(from);
      if (st === undefined) continue;
      const tp = this.path(target);
      const dest = this.files.has(tp) || ops.length > 2 || targetOpt !== null || target.endsWith('/') || PATH_DIRS.includes(tp) ? `${tp}/${basename(from)}` : tp;
      const destPath = PATH_DIRS.includes(tp) ? `${tp}/${basename(from)}` : dest;
      if (c.tool === 'mv') this.files.delete(from);
      this.files.set(destPath, { artifact: st.artifact, verification: st.verification });
      if (PATH_DIRS.some((d) => destPath.startsWith(d + '/'))) this.use('path', c, st.artifact, st);
    }
  }

  enforced(c: ShellCommand): boolean {
    if (c.guarded) return false;
    if (this.setE) return true;
    return c.connectorAfter === null || c.connectorAfter === '&&' || c.connectorAfter === '|';
  }

  /** Which files a checksum list covers: `HASH  name` / `HASH *name` lines, or BSD `SHA256 (name) = HASH`. */
  checksumNames(text: string): string[] {
    const names: string[] = [];
    for (const line of text.split('\n')) {
      const t = line.trim();
      const bsd = /^[A-Z0-9-]+ \((.+)\) = [0-9a-fA-F]+$/.exec(t);
      if (bsd !== null) names.push(bsd[1]!);
      else {
        const m = /^[0-9a-fA-F]{8,}[ \t]+\*?(\S.*)$/.exec(t);
        if (m !== null) names.push(m[1]!.trim());
      }
    }
    return names;
  }

  checksum(c: ShellCommand): void {
    if (!c.hasFlag('-c')) {
      // `sha256sum f | grep -q HASH` or inside `[ "$(sha256sum f)" = … ]` is handled by compare(); grep here
      const next = c.stdoutTo;
      if (next !== null && (next.tool === 'grep' || next.tool === 'cmp' || next.tool === 'diff')) this.verifyFiles(c, 'checksum', c.operands.map((w) => w.value).filter((v): v is string => v !== null), next);
      return;
    }
    let names: string[] | null = [];
    const lists = c.operands.filter((w) => w.value !== '-');
    const fromStdin = lists.length === 0 || c.operands.some((w) => w.value === '-');
    if (fromStdin) {
      const here = c.redirects.find((r) => r.op === '<<<' || r.heredoc !== null);
      const src = here !== undefined ? (here.heredoc ?? here.target?.value ?? null) : this.stdinText(c);
      if (src === null) names = null;
      else names.push(...this.checksumNames(src));
      const fileIn = c.redirects.find((r) => r.op === '<');
      if (fileIn !== undefined) {
        const t = fileIn.target?.value == null ? undefined : this.contents.get(this.path(fileIn.target.value));
        if (t === undefined) names = null;
        else names = this.checksumNames(t);
      }
    }
    for (const l of lists) {
      const t = l.value === null ? undefined : this.contents.get(this.path(l.value));
      if (t === undefined || names === null) names = null;
      else names.push(...this.checksumNames(t));
    }
    this.verifyFiles(c, 'checksum', names, c);
  }

  /** Text piped into `c` by `echo`/`printf` (static), or null. */
  stdinText(c: ShellCommand): string | null {
    const p = c.stdinFrom;
    if (p === null || (p.tool !== 'echo' && p.tool !== 'printf')) return null;
    if (p.operands.some((w) => w.value === null)) {
      // `echo "$HASH  file"`: the hash may be dynamic; keep the file name when the end of the word is static
      const names: string[] = [];
      for (const w of p.operands) {
        const m = /[ \t]\*?([^ \t$]+)$/.exec(w.raw.replace(/["']/g, ''));
        if (m === null) return null;
        names.push('0000000000 ' + m[1]!);
      }
      return names.join('\n');
    }
    let text = p.operands.map((w) => w.value!).join(' ');
    if (p.tool === 'printf' || p.hasFlag('-e')) text = text.replace(/\\n/g, '\n');
    return text;
  }

  /** Records a verification of `names` (null = unknown coverage: every unverified artifact so far counts). */
  verifyFiles(c: ShellCommand, kind: VerificationKind, names: readonly string[] | null, at: ShellCommand): void {
    const paths = names === null ? null : names.map((n) => this.path(n));
    const v = this.newVerification({ kind, command: c, range: c.range, files: paths, enforced: this.enforced(at) });
    if (!v.enforced) return;
    if (paths === null) {
      for (const st of this.files.values()) if (st.verification === null && st.artifact.command !== c) st.verification = v;
      return;
    }
    for (const p of paths) {
      const st = this.files.get(p);
      if (st !== undefined) st.verification = v;
    }
  }

  signature(c: ShellCommand): void {
    if (c.tool === 'gpg' && !c.hasFlag('--verify') && !c.hasFlag('--verify-files')) return;
    const ops = c.operands.map((w) => w.value);
    if (ops.some((v) => v === null)) {
      this.verifyFiles(c, 'signature', null, c);
      return;
    }
    const files = ops as string[];
    let covered: string[];
    if (files.length >= 2) covered = files.slice(1);
    else if (files.length === 1) {
      const f = files[0]!;
      const stripped = f.replace(/\.(asc|sig|sign|gpg)$/, '');
      covered = stripped !== f ? [stripped, f] : [f];
    } else covered = [];
    this.verifyFiles(c, 'signature', covered, c);
  }

  cosign(c: ShellCommand): void {
    const files = c.operands.map((w) => w.value);
    if (files.some((v) => v === null)) this.verifyFiles(c, 'cosign', null, c);
    else this.verifyFiles(c, 'cosign', files as string[], c);
  }

  /** `[ "$(sha256sum f | cut …)" = "$HASH" ]`: a checksum compared in a test. */
  compare(c: ShellCommand): void {
    if (!c.args.some((w) => w.value === '=' || w.value === '==' || w.value === '!=' || w.value === '-eq')) return;
    const inner = this.recentChecksums.filter((s) => s.range.start >= c.range.start && s.range.end <= c.range.end);
    for (const s of inner) this.verifyFiles(s, 'compare', s.operands.map((w) => w.value).filter((v): v is string => v !== null), c);
  }

  /** Checksum commands seen inside `$( )` in the current script. */
  recentChecksums: ShellCommand[] = [];
}
