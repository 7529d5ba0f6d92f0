/**
 * Shared facts for the runtime rules (8xx): EXPOSE port specs, the argv of CMD/ENTRYPOINT, instructions in effect
 * for the final image.
 */
import { perModel, perModelAnd } from '../../model/memo.js';
import { expand } from '../../model/build.js';
import type { DockerfileModel, InstructionFacts, Stage } from '../../model/types.js';
import type { Arg, CommandLine, Instruction } from '../../parser/ast.js';
import type { Range } from '../../source.js';

/** One EXPOSE argument, expanded and split into its parts. */
export interface PortSpec {
  readonly arg: Arg;
  /** Expanded text (`8080/tcp`); null when a variable makes it unknown. */
  readonly text: string | null;
  /** True when `text` is exactly the source text of the argument (offsets of parts map 1:1 to the source). */
  readonly literal: boolean;
  /** Port numbers as written before the protocol (`8000-8010` → start 8000, end 8010); null when not numeric. */
  readonly start: number | null;
  readonly end: number | null;
  /** The port part (before `/`). */
  readonly portText: string;
  /** The protocol part after `/`, or null. */
  readonly proto: string | null;
  /** Range of the port part and of the protocol part (the whole argument when not literal). */
  readonly portRange: Range;
  readonly protoRange: Range | null;
}

const PORT_RANGE = /^(\d{1,10})(?:-(\d{1,10}))?$/;

/** The port specs of an EXPOSE instruction (computed once per model and instruction, since six runtime rules read
 * those of every EXPOSE of the final image: the array is shared, do not modify it). */
export const portSpecs: (model: DockerfileModel, i: Instruction) => readonly PortSpec[] = perModelAnd(computePortSpecs);

function computePortSpecs(model: DockerfileModel, i: Instruction): PortSpec[] {
  const out: PortSpec[] = [];
  for (const arg of i.args) {
    const src = model.source.text.slice(arg.range.start, arg.range.end);
    let text: string | null = arg.value;
    if (arg.value.includes('$')) {
      const e = expand(model, arg.value, i);
      text = e.ok && !e.unknown ? e.value : null;
    }
    const literal = text !== null && text === src;
    const t = text ?? '';
    const slash = t.indexOf('/');
    const portText = slash >= 0 ? t.slice(0, slash) : t;
    const proto = text === null || slash < 0 ? null : t.slice(slash + 1);
    const m = PORT_RANGE.exec(portText);
    const start = m ? Number(m[1]) : null;
    const end = m ? (m[2] !== undefined ? Number(m[2]) : Number(m[1])) : null;
    const whole = arg.range;
    const portRange = literal ? { start: whole.start, end: whole.start + portText.length } : whole;
    const protoRange = proto !== null ? (literal ? { start: whole.start + slash + 1, end: whole.end } : whole) : null;
    out.push({ arg, text, literal, start: text === null ? null : start, end: text === null ? null : end, portText, proto, portRange, protoRange });
  }
  return out;
}

/** One argument of a command line with its source range. */
export interface ArgvWord {
  readonly value: string | null;
  readonly range: Range;
}

/**
 * The argv words of a CMD/ENTRYPOINT/HEALTHCHECK command: exec form → the JSON strings; shell form → the words of
 * every simple command of the script (from the shell layer), each command separately.
 */
export function commandArgvs(facts: InstructionFacts, command: CommandLine | null): (readonly ArgvWord[])[] {
  if (command === null) return [];
  // the JSON strings and the shell words are ArgvWords already: no copies (this ran for every command of every RUN)
  const out: (readonly ArgvWord[])[] = command.form === 'exec' ? [command.args] : [];
  // exec-form `sh -c "…"`: the shell layer parsed the script
  for (const s of facts.shell ?? []) for (const c of s.all) out.push(c.argv);
  return out;
}

/** Instructions of the final image: the final stage and the stages it is built FROM (ONBUILD triggers excluded;
 * computed once per model since several rules ask: the array is shared, do not modify it). */
export const finalImageInstructions: (model: DockerfileModel) => readonly InstructionFacts[] = perModel(collectFinalImageInstructions);

function collectFinalImageInstructions(model: DockerfileModel): readonly InstructionFacts[] {
  const final = model.finalStage;
  if (!final) return [];
  const chain: Stage[] = [];
  const seen = new Set<number>();
  for (let s: Stage | undefined = final; s && !seen.has(s.index); s = s.parentStage === null ? undefined : model.stages[s.parentStage]) {
    seen.add(s.index);
    chain.unshift(s);
  }
  // one stage without ONBUILD triggers (most files): its own list, not a filtered copy
  if (chain.length === 1 && !chain[0]!.instructions.some((f) => f.onbuild !== null)) return chain[0]!.instructions;
  return chain.flatMap((s) => s.instructions.filter((f) => f.onbuild === null));
}

/** Basename of a path (`/usr/bin/node` → `node`). */
export function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Package managers and the subcommands that install packages. */
const INSTALL_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  'apt-get': ['install'],
  apt: ['install'],
  aptitude: ['install'],
  apk: ['add'],
  yum: ['install'],
  dnf: ['install'],
  microdnf: ['install'],
  tdnf: ['install'],
  zypper: ['install', 'in'],
};

/** The commands `installedPackages` reads. */
export const INSTALLERS: ReadonlySet<string> = new Set(Object.keys(INSTALL_SUBCOMMANDS));

/** A package named in an install command of a RUN (name without version constraint). */
export interface InstalledPackage {
  readonly name: string;
  readonly range: Range;
  readonly manager: string;
}

/** Packages installed by the RUN scripts of `facts` (apt-get/apt/apk/yum/dnf/microdnf/tdnf/zypper install). */
export function installedPackages(facts: InstructionFacts): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const s of facts.shell ?? []) {
    for (const c of s.all) {
      // what `s.commands(...INSTALLERS)` keeps, without a new key list, Set and array per script
      if (!c.isNamed(INSTALLERS)) continue;
      const manager = c.tool ?? c.name ?? '';
      const sub = c.subcommand;
      if (sub === null || !(INSTALL_SUBCOMMANDS[manager] ?? []).includes(sub)) continue;
      for (const w of c.operands) {
        if (w.value === null || w.value === sub) continue;
        const cut = w.value.search(/[=<>~]/);
        const name = (cut >= 0 ? w.value.slice(0, cut) : w.value).toLowerCase();
        if (name !== '') out.push({ name, range: w.range, manager });
      }
    }
  }
  return out;
}
